// No consent screen: a webdienst receives what its registration and the law allow (the BSN only for
// entitled organisations, decided in account.ts), so the grant covers whatever the request asks.
import type Provider from 'oidc-provider';
import type { Grant, KoaContextWithOIDC } from 'oidc-provider';

const grantedClaims = ['sub', 'acr', 'auth_time', 'sid', 'bsn'];

export async function fullGrant(
  provider: Provider,
  clientId: string,
  accountId: string,
  existingGrantId?: string,
): Promise<Grant> {
  const existing = existingGrantId ? await provider.Grant.find(existingGrantId) : undefined;
  const grant = existing ?? new provider.Grant({ clientId, accountId });
  const before = JSON.stringify(grant.openid ?? null);
  grant.addOIDCScope('openid');
  grant.addOIDCClaims(grantedClaims);
  // A stored grant that already covers everything is saved again only past half its lifetime (so that
  // it does not expire under a login in progress): an SSO login finds at /auth/:uid the grant /auth saved.
  if (existing && JSON.stringify(grant.openid) === before && !pastHalfItsLife(existing)) return grant;
  await grant.save();
  return grant;
}

function pastHalfItsLife(grant: Grant): boolean {
  const { iat, exp } = grant as Grant & { iat?: number; exp?: number };
  if (iat === undefined || exp === undefined) return true;
  return Date.now() / 1000 > iat + (exp - iat) / 2;
}

/** oidc-provider's loadExistingGrant hook. */
export async function grantEverythingRequested(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { oidc } = ctx;
  if (!oidc.session?.accountId || !oidc.client) return undefined;
  const existingId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
  return fullGrant(oidc.provider, oidc.client.clientId, oidc.session.accountId, existingId);
}
