// Aansluiten, step two: register a webdienst of an organisation. OIDC webdiensten get a client_id,
// and a client_secret when they use client_secret_basic (refused in production).
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config/index.ts';
import { ValidationError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { offeredLevelName } from '../core/levels.ts';
import type { OidcRegistration } from '../frontends/oidc/client-metadata.ts';
import type { WebdienstWithOrganisation } from '../stores/index.ts';
import { builtInOrganisationOin } from '../stores/built-in.ts';
import { checkSelfSignedFlag, type CertificateCheckDeps } from './certificate-checks.ts';
import { checkKeyCertificates } from './oidc-key-certificates.ts';
import { byOperator, type AdminDeps } from './organisations.ts';

export interface NewOidcWebdienst {
  organisationOin: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  backchannelLogoutUri?: string;
  level?: string;
  federation?: string;
  auth?: string;
  jwksUri?: string;
  jwks?: { keys: unknown[] };
  clientId?: string;
  clientSecret?: string;
  /** A webdienst of the development seed: a production start refuses a database holding one. */
  testData?: boolean;
  /** Preproduction only: the x5c certificates of its keys may be self-signed. */
  allowSelfSigned?: boolean;
}

export interface RegisteredOidcWebdienst {
  webdienst: WebdienstWithOrganisation;
  clientId: string;
  clientSecret?: string;
}

/** https everywhere; http only for loopback outside production (a developer's own machine). */
export function assertRegistrableUri(value: string, what: string, environment: Config['environment']): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError('admin.invalid_uri', `${what} is not an absolute URL: ${value}`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback && environment !== 'production')) {
    throw new ValidationError(
      'admin.insecure_uri',
      `${what} must use https (http only for localhost outside production): ${value}`,
    );
  }
  if (url.hash) throw new ValidationError('admin.invalid_uri', `${what} must not have a fragment: ${value}`);
  return value; // redirect URIs are compared as exact strings (RFC 9700 4.1.3)
}

export async function addOidcWebdienst(
  deps: AdminDeps & CertificateCheckDeps,
  input: NewOidcWebdienst,
): Promise<RegisteredOidcWebdienst> {
  const organisation =
    input.organisationOin === builtInOrganisationOin
      ? undefined
      : await deps.store.findOrganisationByOin(input.organisationOin);
  if (!organisation)
    throw new ValidationError(
      'admin.unknown_organisation',
      `no organisation with OIN ${input.organisationOin}; add it first with "organisation add"`,
    );
  const name = input.name.trim();
  if (name.length < 2 || name.length > 200)
    throw new ValidationError('admin.invalid_name', 'webdienst name must be 2 to 200 characters');
  if (input.redirectUris.length === 0)
    throw new ValidationError('admin.missing_redirect_uri', 'at least one --redirect-uri is required');
  const level = offeredLevelName(input.level);
  if (!level) throw new ValidationError('admin.invalid_level', `--level must be basis or midden, not "${input.level}"`);
  const auth = input.auth ?? (deps.environment === 'production' ? 'private_key_jwt' : 'client_secret_basic');
  if (auth !== 'private_key_jwt' && auth !== 'client_secret_basic')
    throw new ValidationError(
      'admin.invalid_auth',
      `--auth must be private_key_jwt or client_secret_basic, not "${auth}"`,
    );
  if (auth === 'client_secret_basic' && deps.environment === 'production')
    throw new ValidationError(
      'admin.auth_not_allowed',
      'client_secret_basic is not allowed in production; use private_key_jwt',
    );
  if (auth === 'private_key_jwt' && !input.jwksUri && !input.jwks)
    throw new ValidationError('admin.missing_jwks', "private_key_jwt needs --jwks-uri (the webdienst's public keys)");
  if (input.federation !== undefined && !/^[a-z0-9][a-z0-9-]{0,99}$/.test(input.federation))
    throw new ValidationError('admin.invalid_federation', 'federation names are lower-case letters, digits and dashes');
  const allowSelfSigned = checkSelfSignedFlag(deps.environment, input.allowSelfSigned);
  if (auth === 'private_key_jwt') await checkKeyCertificates(deps, input, { oin: organisation.oin, allowSelfSigned });

  const registration: OidcRegistration = {
    redirect_uris: input.redirectUris.map((uri) => assertRegistrableUri(uri, '--redirect-uri', deps.environment)),
    token_endpoint_auth_method: auth,
    ...(input.postLogoutRedirectUris?.length
      ? {
          post_logout_redirect_uris: input.postLogoutRedirectUris.map((uri) =>
            assertRegistrableUri(uri, '--post-logout-redirect-uri', deps.environment),
          ),
        }
      : {}),
    // Back-Channel Logout 1.0 section 2.2: with session required, the ID token carries sid and so does
    // the logout token, so the webdienst ends exactly the session that SSO gave it.
    ...(input.backchannelLogoutUri
      ? {
          backchannel_logout_uri: assertRegistrableUri(
            input.backchannelLogoutUri,
            '--backchannel-logout-uri',
            deps.environment,
          ),
          backchannel_logout_session_required: true,
        }
      : {}),
    ...(input.jwksUri ? { jwks_uri: assertRegistrableUri(input.jwksUri, '--jwks-uri', deps.environment) } : {}),
    ...(input.jwks ? { jwks: input.jwks } : {}),
    ...(allowSelfSigned ? { allow_self_signed: true } : {}),
  };
  const clientSecret =
    auth === 'client_secret_basic' ? (input.clientSecret ?? randomBytes(32).toString('base64url')) : undefined;
  if (clientSecret) registration.client_secret = clientSecret;
  const clientId = input.clientId ?? newId();
  if (await deps.store.findWebdienstByClientId(clientId))
    throw new ValidationError('admin.client_id_taken', `client_id ${clientId} is already registered`);

  const id = newId();
  await deps.store.insertWebdienst(
    {
      id,
      organisationId: organisation.id,
      name,
      protocol: 'oidc',
      clientId,
      minimumLevel: level,
      federation: input.federation ?? null,
      protocolMetadata: registration,
      createdAt: deps.clock.now(),
    },
    { testData: input.testData === true },
  );
  await deps.audit.record({
    type: 'admin.webdienst_added',
    outcome: 'success',
    webdienstId: id,
    details: {
      protocol: 'oidc',
      organisation: organisation.oin,
      level,
      ...(input.testData ? { testData: true } : {}),
      ...byOperator(deps),
    },
  });
  const webdienst = (await deps.store.findWebdienstById(id))!;
  return { webdienst, clientId, ...(clientSecret ? { clientSecret } : {}) };
}
