// createApp(deps): the shared middleware and the areas, composed in one place (koa).
import Koa from 'koa';
import mount from 'koa-mount';
import type { Logger } from 'pino';
import type Provider from 'oidc-provider';
import type { ConnectionObserver } from './core/checklist/observer.ts';
import type { Config } from '../config/index.ts';
import { createAccountSessions } from './account/account-sessions.ts';
import { accountRoutes } from './account/routes.ts';
import { startPageRoutes } from './account/start-page.ts';
import { accountPath } from './account/session-cookie.ts';
import { statusPageRoutes } from './account/status-page.ts';
import type { AuditLog } from './core/audit.ts';
import type { Clock } from './core/clock.ts';
import type { InstanceKeys } from './core/keys.ts';
import { cookieSigner } from './frontends/oidc/cookie-signer.ts';
import type { LoginAttempts } from './core/login/attempts.ts';
import type { MaintenanceMode } from './core/maintenance.ts';
import type { SsoSessions } from './core/sso/sessions.ts';
import type { SingleLogout } from './core/sso/single-logout.ts';
import type { PasswordStepDeps } from './core/login/password-step.ts';
import type { AuthenticatorApp } from './core/second-factor/authenticator-app.ts';
import type { OneTimeCodes } from './core/second-factor/one-time-codes.ts';
import { loginRoutes } from './login/routes.ts';
import { informationPageRoutes } from './pages/information-routes.ts';
import { demoRoutes } from './demo/routes.ts';
import type { SmsGateway } from './core/second-factor/sms-gateway.ts';
import { oidcInteractionRoutes } from './frontends/oidc/interaction-routes.ts';
import { oidcResumer } from './frontends/oidc/login-bridge.ts';
import { endSsoOnOidcLogout } from './frontends/oidc/logout-bridge.ts';
import { answerDatabaseUnavailable } from './frontends/oidc/database-unavailable.ts';
import type { SamlIdp } from './frontends/saml/idp.ts';
import { samlLogoutRoutes } from './frontends/saml/logout-routes.ts';
import { samlRoutes } from './frontends/saml/routes.ts';
import { handleErrors } from './http/errors.ts';
import { healthRoutes, type Lifecycle } from './http/health.ts';
import { readinessChecks } from './http/health-checks.ts';
import type { Metrics } from './http/metrics.ts';
import { measureRequests } from './http/metrics-requests.ts';
import { metricsRoutes, metricsServed } from './http/metrics-routes.ts';
import { chooseLocale } from './http/locale.ts';
import { maintenanceGate } from './http/maintenance-gate.ts';
import { clientAddress } from './http/client-address.ts';
import { clientCertificate } from './http/client-certificate.ts';
import { requestLog } from './http/request-log.ts';
import { securityHeaders } from './http/security-headers.ts';
import { settleRequestBody } from './http/settle-request-body.ts';
import { staticFiles } from './http/static-files.ts';
import type { LifecycleDeps } from './core/lifecycle/deps.ts';
import { lifecyclePageRoutes } from './pages/routes.ts';
import type { Store } from './stores/index.ts';
import type { GuessBudget } from './core/second-factor/guess-budget.ts';
import type { DeviceCookies } from './core/login/device-cookie.ts';
import type { CertificateTrust } from './core/trust/certificate-trust.ts';

export interface AppDeps {
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
  keys: InstanceKeys;
  audit: AuditLog;
  attempts: LoginAttempts;
  passwordStep: PasswordStepDeps;
  provider: Provider;
  samlIdp: SamlIdp;
  oneTimeCodes: OneTimeCodes;
  authenticatorApp: AuthenticatorApp;
  guessBudget: GuessBudget;
  deviceCookies: DeviceCookies;
  sms: SmsGateway;
  metrics: Metrics;
  /** Set by the server when shutdown starts (/readyz then answers 503). */
  lifecycle: Lifecycle;
  sso: SsoSessions;
  singleLogout: SingleLogout;
  /** The operator's maintenance switch, read from the database and cached briefly. */
  maintenance: MaintenanceMode;
  /** The connection checklist's observer (records nothing in production). */
  observer?: ConnectionObserver;
  /** Account request, activation and recovery: register, letters, notifications. */
  accountLifecycle: LifecycleDeps;
  /** The certificate policy with the configured trust anchors and CRLs. */
  trust: CertificateTrust;
}

export function createApp(deps: AppDeps): Koa {
  const { config, store, provider } = deps;
  // One reverse proxy in front: the last X-Forwarded-For entry is the one it appended (client-address.ts).
  const app = new Koa({ proxy: config.trustProxy, maxIpsCount: 1 });
  // The parent app must sign cookies with the provider's keys.
  app.keys = cookieSigner(deps.keys.cookieKeys);
  const cookies = { secure: config.publicUrl.startsWith('https://') };
  const backChannel = { required: config.backChannel.clientCertificates !== 'none', trust: deps.trust };

  const areas = [
    startPageRoutes({ store, config }),
    statusPageRoutes({ store, maintenance: deps.maintenance, clock: deps.clock }),
    loginRoutes({
      store,
      attempts: deps.attempts,
      passwordStep: deps.passwordStep,
      oneTimeCodes: deps.oneTimeCodes,
      authenticatorApp: deps.authenticatorApp,
      guessBudget: deps.guessBudget,
      deviceCookies: deps.deviceCookies,
      cookies,
      allowedCountryPrefixes: config.sms.allowedCountryPrefixes,
      audit: deps.audit,
      publicUrl: config.publicUrl,
      resumers: { oidc: oidcResumer(provider, deps.attempts) },
      sso: {
        sso: deps.sso,
        singleLogout: deps.singleLogout,
        cookies,
        skipInterstitialFederations: config.sso.skipInterstitialFederations,
      },
    }),
    oidcInteractionRoutes({ provider, store, attempts: deps.attempts, cookies }),
    samlRoutes({
      idp: deps.samlIdp,
      store,
      attempts: deps.attempts,
      audit: deps.audit,
      clock: deps.clock,
      config,
      pairwiseSalt: deps.keys.pairwiseSalt,
      cookies,
      sso: deps.sso,
      maintenance: deps.maintenance,
      observer: deps.observer,
      trust: deps.trust,
      backChannel,
    }),
    samlLogoutRoutes({
      idp: deps.samlIdp,
      store,
      sso: deps.sso,
      singleLogout: deps.singleLogout,
      audit: deps.audit,
      clock: deps.clock,
      config,
      pairwiseSalt: deps.keys.pairwiseSalt,
      observer: deps.observer,
      trust: deps.trust,
      backChannel,
    }),
    accountRoutes({
      store,
      attempts: deps.attempts,
      sessions: createAccountSessions(store, deps.clock),
      oneTimeCodes: deps.oneTimeCodes,
      sms: deps.sms,
      audit: deps.audit,
      clock: deps.clock,
      config,
      cookies,
      lifecycle: deps.accountLifecycle,
    }),
    ...(config.demo.enabled ? [demoRoutes({ store, config })] : []),
    informationPageRoutes(),
    lifecyclePageRoutes({ lifecycle: deps.accountLifecycle, config }),
  ];

  // Probes and scrapes first: every few seconds from the load balancer and Prometheus, so not logged
  // per request, and answered before any page middleware.
  // Outermost: whatever answered, an unread request body never holds up the connection.
  app.use(settleRequestBody());
  app.use(
    healthRoutes({
      checks: readinessChecks({ store, keys: deps.keys }),
      lifecycle: deps.lifecycle,
      logger: deps.logger,
      maintenance: () => deps.maintenance.current(),
    }).routes(),
  );
  if (metricsServed(config))
    app.use(metricsRoutes({ registry: deps.metrics.registry, token: config.metrics.token }).routes());
  app.use(clientAddress());
  app.use(clientCertificate(config.backChannel));
  app.use(requestLog(deps.logger));
  app.use(measureRequests(deps.metrics));
  // Headers first, so error pages carry them too.
  app.use(securityHeaders({ hsts: config.environment === 'production' }));
  app.use(handleErrors(deps.logger));
  app.use(chooseLocale());
  app.use(staticFiles());
  app.use(
    maintenanceGate({
      maintenance: deps.maintenance,
      clock: deps.clock,
      citizenPaths: ['/inloggen', accountPath, '/interaction', '/aanvragen', '/activeren', '/herstellen'],
      tokenPath: '/token',
    }),
  );
  for (const router of areas) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  app.use(endSsoOnOidcLogout({ store, sso: deps.sso, singleLogout: deps.singleLogout }));
  app.use(answerDatabaseUnavailable(provider));
  app.use(mount(provider as unknown as Koa));
  return app;
}
