// Aansluiten after the first registration: a webdienst's name, minimum level, federation and (OIDC)
// redirect URIs, logout URLs and JWKS URI change; a webdienst is suspended (its logins answered with
// the protocol's error, core/webdienst-access.ts), resumed, or removed. Every change is audited with
// the operator. SAML metadata changes go through `update-saml` (saml-webdiensten.ts).
import type { Config } from '../../config/index.ts';
import { ValidationError } from '../core/errors.ts';
import { isLevelName, levels } from '../core/levels.ts';
import type { OidcRegistration } from '../frontends/oidc/client-metadata.ts';
import type { WebdienstWithOrganisation } from '../stores/index.ts';
import { byOperator, type AdminDeps } from './organisations.ts';
import { assertRegistrableUri } from './webdiensten.ts';

export interface WebdienstUpdate {
  name?: string;
  level?: string;
  /** A federation's name; null leaves every federation. */
  federation?: string | null;
}

export interface OidcWebdienstUpdate extends WebdienstUpdate {
  redirectUris?: string[];
  /** An empty list removes them. */
  postLogoutRedirectUris?: string[];
  /** An empty string removes it. */
  backchannelLogoutUri?: string;
  jwksUri?: string;
}

/** A connected webdienst by its client_id (OIDC) or entityID (SAML). */
export async function registeredWebdienst(deps: AdminDeps, clientId: string): Promise<WebdienstWithOrganisation> {
  const webdienst = await deps.store.findWebdienstByClientId(clientId);
  if (!webdienst || webdienst.protocol === 'account')
    throw new ValidationError('admin.unknown_webdienst', `no webdienst with client_id or entityID ${clientId}`);
  return webdienst;
}

function commonChanges(input: WebdienstUpdate) {
  const name = input.name?.trim();
  if (name !== undefined && (name.length < 2 || name.length > 200))
    throw new ValidationError('admin.invalid_name', 'webdienst name must be 2 to 200 characters');
  const level = input.level?.toLowerCase();
  if (level !== undefined && (!isLevelName(level) || !levels[level].offered))
    throw new ValidationError('admin.invalid_level', `--level must be basis or midden, not "${input.level}"`);
  if (input.federation && !/^[a-z0-9][a-z0-9-]{0,99}$/.test(input.federation))
    throw new ValidationError('admin.invalid_federation', 'federation names are lower-case letters, digits and dashes');
  return {
    ...(name !== undefined ? { name } : {}),
    ...(level !== undefined ? { minimumLevel: level } : {}),
    ...(input.federation !== undefined ? { federation: input.federation || null } : {}),
  };
}

function oidcRegistrationChanges(
  current: OidcRegistration,
  input: OidcWebdienstUpdate,
  environment: Config['environment'],
): { registration: OidcRegistration; changed: string[] } {
  const registration: OidcRegistration = { ...current };
  const changed: string[] = [];
  if (input.redirectUris !== undefined) {
    if (input.redirectUris.length === 0)
      throw new ValidationError('admin.missing_redirect_uri', 'at least one --redirect-uri is required');
    registration.redirect_uris = input.redirectUris.map((uri) =>
      assertRegistrableUri(uri, '--redirect-uri', environment),
    );
    changed.push('redirectUris');
  }
  if (input.postLogoutRedirectUris !== undefined) {
    if (input.postLogoutRedirectUris.length === 0) delete registration.post_logout_redirect_uris;
    else
      registration.post_logout_redirect_uris = input.postLogoutRedirectUris.map((uri) =>
        assertRegistrableUri(uri, '--post-logout-redirect-uri', environment),
      );
    changed.push('postLogoutRedirectUris');
  }
  if (input.backchannelLogoutUri !== undefined) {
    const withSession = registration as OidcRegistration & { backchannel_logout_session_required?: boolean };
    if (input.backchannelLogoutUri === '') {
      delete withSession.backchannel_logout_uri;
      delete withSession.backchannel_logout_session_required;
    } else {
      withSession.backchannel_logout_uri = assertRegistrableUri(
        input.backchannelLogoutUri,
        '--backchannel-logout-uri',
        environment,
      );
      withSession.backchannel_logout_session_required = true;
    }
    changed.push('backchannelLogoutUri');
  }
  if (input.jwksUri !== undefined) {
    if (registration.token_endpoint_auth_method !== 'private_key_jwt')
      throw new ValidationError('admin.jwks_not_used', 'a JWKS URI is used with private_key_jwt only');
    registration.jwks_uri = assertRegistrableUri(input.jwksUri, '--jwks-uri', environment);
    delete registration.jwks;
    changed.push('jwksUri');
  }
  return { registration, changed };
}

/** `webdienst update-oidc`: changes what is given, checked as at registration. */
export async function updateOidcWebdienst(
  deps: AdminDeps & { environment: Config['environment'] },
  clientId: string,
  input: OidcWebdienstUpdate,
): Promise<WebdienstWithOrganisation> {
  const webdienst = await registeredWebdienst(deps, clientId);
  if (webdienst.protocol !== 'oidc')
    throw new ValidationError(
      'admin.not_oidc',
      `${clientId} is a SAML webdienst; change its metadata with update-saml`,
    );
  const common = commonChanges(input);
  const { registration, changed } = oidcRegistrationChanges(
    webdienst.protocolMetadata as unknown as OidcRegistration,
    input,
    deps.environment,
  );
  const all = [...Object.keys(common), ...changed];
  if (all.length === 0)
    throw new ValidationError('admin.nothing_to_change', 'nothing to change: give at least one new value');
  await deps.store.updateWebdienst(webdienst.id, {
    ...common,
    ...(changed.length ? { protocolMetadata: registration } : {}),
  });
  await deps.audit.record({
    type: 'admin.webdienst_changed',
    outcome: 'success',
    webdienstId: webdienst.id,
    details: { protocol: 'oidc', changed: all.join(','), ...byOperator(deps) },
  });
  return (await deps.store.findWebdienstById(webdienst.id))!;
}

/** Name, level and federation of either protocol's webdienst. */
export async function updateWebdienst(
  deps: AdminDeps,
  clientId: string,
  input: WebdienstUpdate,
): Promise<WebdienstWithOrganisation> {
  const webdienst = await registeredWebdienst(deps, clientId);
  const common = commonChanges(input);
  if (Object.keys(common).length === 0)
    throw new ValidationError('admin.nothing_to_change', 'nothing to change: give at least one new value');
  await deps.store.updateWebdienst(webdienst.id, common);
  await deps.audit.record({
    type: 'admin.webdienst_changed',
    outcome: 'success',
    webdienstId: webdienst.id,
    details: { protocol: webdienst.protocol, changed: Object.keys(common).join(','), ...byOperator(deps) },
  });
  return (await deps.store.findWebdienstById(webdienst.id))!;
}

/** Suspends (`suspended` true) or resumes a webdienst; doing what is already so changes nothing. */
export async function setWebdienstSuspended(
  deps: AdminDeps,
  clientId: string,
  suspended: boolean,
  reason?: string,
): Promise<WebdienstWithOrganisation> {
  const webdienst = await registeredWebdienst(deps, clientId);
  if (Boolean(webdienst.suspendedAt) === suspended) return webdienst;
  await deps.store.setWebdienstSuspended(webdienst.id, suspended ? deps.clock.now() : null);
  await deps.audit.record({
    type: suspended ? 'admin.webdienst_suspended' : 'admin.webdienst_resumed',
    outcome: 'success',
    ...(reason ? { reason: reason.slice(0, 200) } : {}),
    webdienstId: webdienst.id,
    details: { protocol: webdienst.protocol, clientId, ...byOperator(deps) },
  });
  return (await deps.store.findWebdienstById(webdienst.id))!;
}

/**
 * `webdienst remove`: the webdienst can no longer be asked for (an unknown client or Issuer from now
 * on); its row stays for the audit trail, and its client_id or entityID may be registered again.
 */
export async function removeWebdienst(deps: AdminDeps, clientId: string): Promise<WebdienstWithOrganisation> {
  const webdienst = await registeredWebdienst(deps, clientId);
  await deps.store.removeWebdienst(webdienst.id, deps.clock.now());
  await deps.audit.record({
    type: 'admin.webdienst_removed',
    outcome: 'success',
    webdienstId: webdienst.id,
    details: { protocol: webdienst.protocol, clientId, organisation: webdienst.organisation.oin, ...byOperator(deps) },
  });
  return webdienst;
}
