// Builds the core services from config, store and clock; shared by the server and the command line.
import type { Config } from '../config/index.ts';
import { createAuditLog } from './core/audit.ts';
import type { Clock } from './core/clock.ts';
import { createLoginAttempts } from './core/login/attempts.ts';
import { createPasswordHasher, type PasswordHasher } from './core/passwords/hasher.ts';
import { createSsoSessions } from './core/sso/sessions.ts';
import { createThrottle } from './core/throttle.ts';
import { loadTotpKeys, type InstanceKeys } from './core/keys.ts';
import { createAuthenticatorApp } from './core/second-factor/authenticator-app.ts';
import { createTotpSecretBox, type TotpSecretBox } from './core/second-factor/totp-secret-box.ts';
import type { AuditLog } from './core/audit.ts';
import { createOneTimeCodes } from './core/second-factor/one-time-codes.ts';
import { createGuessBudget } from './core/second-factor/guess-budget.ts';
import { createDeviceCookies } from './core/login/device-cookie.ts';
import type { SmsGateway } from './core/second-factor/sms-gateway.ts';
import { isLocale, translator } from './http/i18n.ts';
import type { Store } from './stores/index.ts';
import type { LifecycleDeps } from './core/lifecycle/deps.ts';
import type { LetterGateway } from './core/letters/letter-gateway.ts';
import type { PopulationRegister } from './core/register/population-register.ts';
import { createLetterGateway } from './gateways/letters/index.ts';
import { createNotifier, createSmtpMailer } from './gateways/notifications/index.ts';
import { createPopulationRegister } from './gateways/population-register/index.ts';

export function createServices(
  config: Config,
  store: Store,
  clock: Clock,
  hasher: PasswordHasher = createPasswordHasher(config.password.hashConcurrency),
) {
  const audit = createAuditLog(store, clock);
  const throttle = createThrottle(store, clock);
  const attempts = createLoginAttempts(store, clock, config.login.attemptTtlSeconds);
  const ssoSessions = createSsoSessions(store, clock, {
    idleSeconds: config.sso.idleTimeoutSeconds,
    absoluteSeconds: config.sso.absoluteTimeoutSeconds,
    endOnAddressChange: config.sso.endOnAddressChange,
  });
  return {
    audit,
    hasher,
    throttle,
    attempts,
    ssoSessions,
    passwordStep: { store, hasher, throttle, audit, clock, config },
    citizenDeps: { store, hasher, clock, audit, passwordRules: config.password },
    adminDeps: { store, clock, audit },
  };
}
export type Services = ReturnType<typeof createServices>;

/** The Midden factors; built once the instance keys (the code-hash key) are loaded. */
export function createSecondFactorServices(
  config: Config,
  store: Store,
  clock: Clock,
  keys: InstanceKeys,
  sms: SmsGateway,
  audit: Services['audit'],
) {
  const totpSecrets = createTotpSecretBox(keys.totpKeys);
  return {
    oneTimeCodes: createOneTimeCodes({
      store,
      clock,
      audit,
      sms,
      codeHashKey: keys.codeHashKey,
      settings: config.secondFactor,
      allowedCountryPrefixes: config.sms.allowedCountryPrefixes,
      messageText: (code, locale) => translator(isLocale(locale) ? locale : 'nl')('sms.login_code', { code }),
    }),
    authenticatorApp: createAuthenticatorApp({ store, clock, issuer: 'Poortwachter', secrets: totpSecrets }),
    totpSecrets,
    guessBudget: createGuessBudget({
      throttle: createThrottle(store, clock),
      audit,
      settings: config.secondFactor,
      attemptTtlSeconds: config.login.attemptTtlSeconds,
    }),
    deviceCookies: createDeviceCookies(keys.codeHashKey),
  };
}

/** The authenticator app on its own (command line, tests), with the TOTP keys the server uses. */
export async function createAuthenticatorAppService(config: Config, store: Store, clock: Clock) {
  const secrets = createTotpSecretBox(await loadTotpKeys(config, store, clock));
  return createAuthenticatorApp({ store, clock, issuer: 'Poortwachter', secrets });
}

/** The account life cycle (request, activation, recovery, desk letters) with the gateways the configuration names. */
export function createLifecycleDeps(
  config: Config,
  store: Store,
  clock: Clock,
  keys: Pick<InstanceKeys, 'codeHashKey'>,
  sms: SmsGateway,
  services: Pick<Services, 'hasher' | 'throttle'> & { audit: AuditLog },
  totpSecrets: TotpSecretBox,
  gateways: { register?: PopulationRegister; letters?: LetterGateway } = {},
): LifecycleDeps {
  return {
    store,
    register: gateways.register ?? createPopulationRegister(config),
    letters: gateways.letters ?? createLetterGateway(config, store, clock),
    notifier: createNotifier({ sms, sendMail: createSmtpMailer(config.mail), store }),
    hasher: services.hasher,
    throttle: services.throttle,
    clock,
    audit: services.audit,
    codeHashKey: keys.codeHashKey,
    totpSecrets,
    config,
  };
}
