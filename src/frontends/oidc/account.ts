// Who the ID token speaks of: the citizen's pairwise sub for every webdienst, and the BSN only for a
// webdienst of a BSN-entitled organisation (DESIGN.md section 3, SECURITY-TESTS.md 22).
import { createHmac } from 'node:crypto';
import type { Account, FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import type { Store } from '../../stores/index.ts';

/** Pairwise per webdienst: the client_id is the sector, so two webdiensten on one host still differ. */
export function pairwiseSubject(salt: string) {
  return async (_ctx: KoaContextWithOIDC, accountId: string, client: { clientId: string }): Promise<string> =>
    createHmac('sha256', salt).update(`${client.clientId}\u0000${accountId}`).digest('base64url');
}

export function accountFinder(store: Pick<Store, 'findCitizenById' | 'findWebdienstByClientId'>): FindAccount {
  return async (ctx, accountId): Promise<Account | undefined> => {
    const citizen = await store.findCitizenById(accountId);
    if (!citizen || citizen.status !== 'active') return undefined;
    return {
      accountId,
      async claims() {
        const clientId = ctx.oidc.client?.clientId;
        const webdienst = clientId ? await store.findWebdienstByClientId(clientId) : undefined;
        return webdienst?.organisation.bsnEntitled ? { sub: accountId, bsn: citizen.bsn } : { sub: accountId };
      },
    };
  };
}
