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
  grant.addOIDCScope('openid');
  grant.addOIDCClaims(grantedClaims);
  await grant.save();
  return grant;
}

/** oidc-provider's loadExistingGrant hook. */
export async function grantEverythingRequested(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { oidc } = ctx;
  if (!oidc.session?.accountId || !oidc.client) return undefined;
  const existingId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
  return fullGrant(oidc.provider, oidc.client.clientId, oidc.session.accountId, existingId);
}
