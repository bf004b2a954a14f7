// The informational pages every page's footer links to: privacy, the accessibility statement,
// contact and help, cookies.
import Router from '@koa/router';
import { render } from '../http/views.ts';

/** Path -> template under views/pages/. */
export const informationPages: Record<string, string> = {
  '/privacy': 'privacy.njk',
  '/toegankelijkheid': 'accessibility.njk',
  '/contact': 'contact.njk',
  '/cookies': 'cookies.njk',
};

export function informationPageRoutes(): Router {
  const router = new Router();
  for (const [path, template] of Object.entries(informationPages))
    router.get(path, (ctx) => render(ctx, `pages/${template}`));
  return router;
}
