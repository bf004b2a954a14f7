// The informational pages every page's footer and the login page link to: privacy, the
// accessibility statement, contact and help, cookies, and how a forgotten password and a new
// account work today (/hulp/...; the account life-cycle pages replace those two when they exist).
import Router from '@koa/router';
import { render } from '../http/views.ts';

/** Path -> template under views/pages/. */
export const informationPages: Record<string, string> = {
  '/privacy': 'privacy.njk',
  '/toegankelijkheid': 'accessibility.njk',
  '/contact': 'contact.njk',
  '/cookies': 'cookies.njk',
  '/hulp/wachtwoord-vergeten': 'forgot-password.njk',
  '/hulp/account-aanvragen': 'request-account.njk',
};

export function informationPageRoutes(): Router {
  const router = new Router();
  for (const [path, template] of Object.entries(informationPages))
    router.get(path, (ctx) => render(ctx, `pages/${template}`));
  return router;
}
