// oidc-provider configured to the NL GOV assurance profile: code flow
// only, PKCE S256 for every client, pairwise sub, acr always in the ID token, ID tokens of at most
// five minutes, private_key_jwt (client_secret_basic outside production), state in the database.
import type { CertificateTrust } from '../../core/trust/certificate-trust.ts';
import Provider, { type Configuration } from 'oidc-provider';
import type { Config } from '../../../config/index.ts';
import type { Clock } from '../../core/clock.ts';
import type { InstanceKeys } from '../../core/keys.ts';
import { cookieSigner } from './cookie-signer.ts';
import { levelByName, levels } from '../../core/levels.ts';
import type { Store } from '../../stores/index.ts';
import { accountFinder, pairwiseSubject } from './account.ts';
import { createAdapterClass } from './adapter.ts';
import { grantEverythingRequested } from './grants.ts';
import { levelAwarePolicy, requiredLevelLookup } from './level-policy.ts';
import { interactionUrl } from './login-bridge.ts';
import type { LoginAttempts } from '../../core/login/attempts.ts';
import { logoutSource, postLogoutSuccessSource, renderOidcError } from './pages.ts';
import { federationSessionLookup, maxAgeCheck, ssoSessionCheck } from './sso-check.ts';
import type { SsoSessions } from '../../core/sso/sessions.ts';
import type { AuditLog } from '../../core/audit.ts';
import type { MaintenanceMode } from '../../core/maintenance.ts';
import { refuseDuringMaintenance } from './maintenance-check.ts';
import { refuseSuspendedWebdiensten } from './suspension-check.ts';

export const acrValuesSupported = Object.values(levels).flatMap((level) => [
  level.uri,
  ...(level.eidasAlias ? [level.eidasAlias] : []),
]);

export interface OidcDeps {
  config: Config;
  store: Store;
  keys: InstanceKeys;
  clock: Clock;
  attempts: LoginAttempts;
  sso: SsoSessions;
  audit: AuditLog;
  maintenance: MaintenanceMode;
  /** The certificate policy for the x5c certificates of the webdiensten's keys. */
  trust?: CertificateTrust;
}

export function createOidcProvider({
  config,
  store,
  keys,
  clock,
  attempts,
  sso,
  audit,
  maintenance,
  trust,
}: OidcDeps): Provider {
  const production = config.environment === 'production';
  const secure = config.publicUrl.startsWith('https://');
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure };
  const federationSession = federationSessionLookup(store, sso);
  const configuration: Configuration = {
    adapter: createAdapterClass(store, clock, trust),
    jwks: { keys: keys.signingKeys },
    cookies: {
      keys: cookieSigner(keys.cookieKeys),
      names: { session: 'pw_session', interaction: 'pw_interaction', resume: 'pw_interaction_resume' },
      long: cookieOptions,
      short: cookieOptions,
    },
    // Listing claims replaces the defaults; acr, auth_time and sid go with scope openid so
    // acr is always in the ID token. bsn is only filled in for entitled webdiensten (account.ts).
    claims: { openid: ['sub', 'acr', 'auth_time', 'sid', 'bsn'] },
    conformIdTokenClaims: false,
    // OIDC Core 3.1.2.1: redirect_uri is REQUIRED (omitted -> error page).
    allowOmittingSingleRegisteredRedirectUri: false,
    scopes: ['openid'],
    acrValues: acrValuesSupported,
    responseTypes: ['code'],
    subjectTypes: ['pairwise'],
    pairwiseIdentifier: pairwiseSubject(keys.pairwiseSalt),
    pkce: { required: () => true },
    clientAuthMethods: production ? ['private_key_jwt'] : ['private_key_jwt', 'client_secret_basic'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
      token_endpoint_auth_method: 'private_key_jwt',
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'PS256'],
      userinfoSigningAlgValues: ['RS256', 'PS256'],
      clientAuthSigningAlgValues: ['RS256', 'PS256', 'ES256'],
      idTokenEncryptionAlgValues: ['RSA-OAEP', 'RSA-OAEP-256'],
      idTokenEncryptionEncValues: ['A256GCM', 'A128CBC-HS256'],
      userinfoEncryptionAlgValues: ['RSA-OAEP', 'RSA-OAEP-256'],
      userinfoEncryptionEncValues: ['A256GCM', 'A128CBC-HS256'],
    },
    features: {
      devInteractions: { enabled: false },
      encryption: { enabled: true },
      claimsParameter: { enabled: true },
      userinfo: { enabled: true },
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      backchannelLogout: { enabled: true },
      resourceIndicators: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      revocation: { enabled: true },
    },
    ttl: {
      IdToken: config.oidc.idTokenTtlSeconds,
      AccessToken: config.oidc.accessTokenTtlSeconds,
      AuthorizationCode: config.oidc.authorizationCodeTtlSeconds,
      Interaction: config.oidc.interactionTtlSeconds,
      Session: config.oidc.sessionTtlSeconds,
      Grant: config.oidc.sessionTtlSeconds,
    },
    issueRefreshToken: () => false,
    // oidc-provider refuses special-use addresses on its outgoing calls (SSRF) by passing its own
    // dispatcher; without it, calls to webdiensten on this machine or a private network go through.
    ...(config.allowPrivateNetworkCalls
      ? {
          fetch: (url: string | URL | Request, options?: RequestInit) =>
            globalThis.fetch(url, { ...options, dispatcher: undefined } as RequestInit),
        }
      : {}),
    interactions: {
      url: interactionUrl({ store, attempts, cookies: { secure } }),
      policy: refuseDuringMaintenance(
        refuseSuspendedWebdiensten(
          levelAwarePolicy(requiredLevelLookup(store), {
            session: ssoSessionCheck(store, sso, federationSession, config.sso.skipInterstitialFederations),
            maxAge: maxAgeCheck(clock),
            sessionLevel: async (ctx) => {
              const live = await federationSession(ctx);
              return live && levelByName(live.level);
            },
          }),
          store,
          audit,
        ),
        maintenance,
      ),
    },
    findAccount: accountFinder(store, audit, keys.pairwiseSalt),
    loadExistingGrant: grantEverythingRequested,
    renderError: renderOidcError,
  };
  const provider = new Provider(config.publicUrl, configuration);
  provider.proxy = config.trustProxy;
  return provider;
}
