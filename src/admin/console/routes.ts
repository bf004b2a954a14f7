// The admin console (/beheer) as one table of routes. Every page behind the login needs a live
// operator session; every form is guarded by the same-origin check and the session cookie
// (SameSite=Strict, so a cross-site form never carries it). Nothing here is cached.
import Router from '@koa/router';
import { requireSameOrigin } from '../../http/same-origin.ts';
import { consoleAuditHandlers } from './audit-routes.ts';
import { consoleCertificateHandlers } from './certificate-routes.ts';
import { consoleContactHandlers } from './contact-routes.ts';
import type { ConsoleDeps } from './deps.ts';
import { consoleLoginHandlers } from './login-routes.ts';
import { consoleOrganisationHandlers, organisationsPath } from './organisation-routes.ts';
import { consolePath, loadOperatorSession, noStore, requireOperator } from './session-cookie.ts';
import { consoleWebdienstHandlers } from './webdienst-routes.ts';
import { consoleSamlWebdienstHandlers } from './saml-webdienst-routes.ts';

export function consoleRoutes(deps: ConsoleDeps): Router {
  const router = new Router({ prefix: consolePath });
  const sameOrigin = requireSameOrigin(deps.config.publicUrl);
  const session = loadOperatorSession(deps);
  const operator = requireOperator();
  const login = consoleLoginHandlers(deps);
  const organisations = consoleOrganisationHandlers(deps);
  const webdiensten = consoleWebdienstHandlers(deps);
  const saml = consoleSamlWebdienstHandlers(deps);
  const audit = consoleAuditHandlers(deps);
  const contacts = consoleContactHandlers(deps);
  const certificates = consoleCertificateHandlers(deps);

  router.use(noStore());
  router.get('/', session, operator, (ctx) => ctx.redirect(organisationsPath));
  router.get('/inloggen', session, login.form);
  router.post('/inloggen', sameOrigin, session, login.submit);
  router.post('/uitloggen', sameOrigin, session, operator, login.logout);

  router.get('/organisaties', session, operator, organisations.list);
  router.get('/organisaties/nieuw', session, operator, organisations.addForm);
  router.post('/organisaties/nieuw', sameOrigin, session, operator, organisations.add);
  router.get('/organisaties/:oin', session, operator, organisations.show);
  router.post('/organisaties/:oin', sameOrigin, session, operator, organisations.change);
  router.post('/organisaties/:oin/schorsen', sameOrigin, session, operator, organisations.suspend);
  router.post('/organisaties/:oin/hervatten', sameOrigin, session, operator, organisations.resume);
  router.post('/organisaties/:oin/contactpersonen', sameOrigin, session, operator, contacts.add);
  router.post(
    '/organisaties/:oin/contactpersonen/:contact/verwijderen',
    sameOrigin,
    session,
    operator,
    contacts.remove,
  );

  router.get('/webdiensten', session, operator, webdiensten.list);
  router.get('/webdiensten/nieuw-oidc', session, operator, webdiensten.addForm);
  router.post('/webdiensten/nieuw-oidc', sameOrigin, session, operator, webdiensten.add);
  router.get('/webdiensten/nieuw-saml', session, operator, saml.form);
  router.post('/webdiensten/nieuw-saml', sameOrigin, session, operator, saml.add);
  router.get('/webdiensten/:id', session, operator, webdiensten.show);
  router.post('/webdiensten/:id', sameOrigin, session, operator, webdiensten.change);
  router.post('/webdiensten/:id/schorsen', sameOrigin, session, operator, webdiensten.suspend);
  router.post('/webdiensten/:id/hervatten', sameOrigin, session, operator, webdiensten.resume);
  router.post('/webdiensten/:id/verwijderen', sameOrigin, session, operator, webdiensten.remove);

  router.get('/certificaten', session, operator, certificates.list);
  router.get('/audit', session, operator, audit.list);
  return router;
}
