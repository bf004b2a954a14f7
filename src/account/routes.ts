// "Mijn Poortwachter", the citizen's own pages, as one table of routes. Every form
// is guarded by the same-origin check and the account session cookie.
import Router from '@koa/router';
import type { Context } from 'koa';
import { requireSameOrigin } from '../http/same-origin.ts';
import type { Locale } from '../http/i18n.ts';
import { render } from '../http/views.ts';
import type { AccountDeps } from './deps.ts';
import { accountLoginHandlers } from './login-routes.ts';
import { accountOverview } from './overview.ts';
import { phoneChangeHandlers } from './phone-routes.ts';
import { passwordChangeHandlers } from './password-routes.ts';
import { appLinkHandlers } from './app-routes.ts';
import { selfServiceHandlers } from './self-service-routes.ts';
import { accountPath, loadAccountSession, requireAccountSession, signedIn } from './session-cookie.ts';

// Notices another page may ask the overview to show (?melding=...): only these keys, never free text.
const overviewNotices = new Map([
  ['telefoon_gewijzigd', 'account.notice.phone_changed'],
  ['telefoon_niet_gewijzigd', 'account.notice.phone_not_changed'],
  ['wachtwoord_gewijzigd', 'account.notice.password_changed'],
  ['app_gekoppeld', 'account.notice.app_linked'],
  ['telefoon_verwijderd', 'account.notice.phone_removed'],
  ['app_verwijderd', 'account.notice.app_removed'],
  ['tweede_factor_nodig', 'account.notice.second_factor_needed'],
]);

export function accountRoutes(deps: AccountDeps): Router {
  const router = new Router({ prefix: accountPath });
  const sameOrigin = requireSameOrigin(deps.config.publicUrl);
  const session = loadAccountSession(deps);
  const loggedIn = requireAccountSession();
  const login = accountLoginHandlers(deps);
  const phone = phoneChangeHandlers(deps);
  const password = passwordChangeHandlers(deps);
  const app = appLinkHandlers(deps);
  const selfService = selfServiceHandlers(deps);

  async function overview(ctx: Context): Promise<void> {
    const { citizen } = signedIn(ctx);
    const notice = overviewNotices.get(String(ctx.query.melding));
    render(ctx, 'account/overview.njk', {
      ...(await accountOverview(deps.store, citizen, ctx.state.locale as Locale)),
      notice,
    });
  }

  router.get('/', session, (ctx) => (ctx.state.account ? overview(ctx) : login.start(ctx)));
  router.get('/terug', login.finish);
  router.post('/uitloggen', sameOrigin, session, loggedIn, login.logout);
  router.get('/telefoon', session, loggedIn, phone.form);
  router.post('/telefoon', sameOrigin, session, loggedIn, phone.submit);
  router.get('/telefoon/bevestigen', session, loggedIn, phone.confirm);
  router.get('/wachtwoord', session, loggedIn, password.form);
  router.post('/wachtwoord', sameOrigin, session, loggedIn, password.submit);
  router.get('/app', session, loggedIn, app.form);
  router.post('/app', sameOrigin, session, loggedIn, app.submit);
  router.post('/app/verwijderen', sameOrigin, session, loggedIn, selfService.removeApp);
  router.post('/telefoon/verwijderen', sameOrigin, session, loggedIn, selfService.removePhone);
  router.get('/opzeggen', session, loggedIn, selfService.endForm);
  router.post('/opzeggen', sameOrigin, session, loggedIn, selfService.end);
  return router;
}
