// Who the ID token speaks of: the citizen's pairwise sub for every webdienst, and the BSN only for a
// webdienst of a BSN-entitled organisation (DESIGN.md section 3, SECURITY-TESTS.md 22).
import { createHmac } from 'node:crypto';
import type { Account, FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import type { AuditLog } from '../../core/audit.ts';
import type { Store } from '../../stores/index.ts';

/** Pairwise per webdienst: the client_id is the sector, so two webdiensten on one host still differ. */
export function pairwiseSubject(salt: string) {
  return (_ctx: KoaContextWithOIDC, accountId: string, client: { clientId: string }): string =>
    createHmac('sha256', salt).update(`${client.clientId}\u0000${accountId}`).digest('base64url');
}

export function accountFinder(
  store: Pick<Store, 'findCitizenById' | 'findWebdienstByClientId'>,
  audit: AuditLog,
): FindAccount {
  return async (ctx, accountId): Promise<Account | undefined> => {
    const citizen = await store.findCitizenById(accountId);
    if (!citizen || citizen.status !== 'active') return undefined;
    return {
      accountId,
      async claims() {
        const clientId = ctx.oidc.client?.clientId;
        const webdienst = clientId ? await store.findWebdienstByClientId(clientId) : undefined;
        if (!webdienst?.organisation.bsnEntitled) return { sub: accountId };
        // Every release of a BSN to a webdienst is audited (issue 6), never the BSN itself.
        await audit.record({
          type: 'bsn.released',
          outcome: 'info',
          citizenId: accountId,
          webdienstId: webdienst.id,
          details: { protocol: 'oidc' },
        });
        return { sub: accountId, bsn: citizen.bsn };
      },
    };
  };
}
