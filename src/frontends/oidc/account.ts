// Who the ID token speaks of, as the login core releases it (core/subject.ts): the pairwise sub for
// every webdienst, and the BSN claim only for a webdienst of a BSN-entitled organisation
//.
import type { Account, FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import type { AuditLog } from '../../core/audit.ts';
import { pseudonymFor, releaseSubject } from '../../core/subject.ts';
import type { Store } from '../../stores/index.ts';

/** oidc-provider's pairwise sub: the core's pseudonym, the client_id being the sector. */
export function pairwiseSubject(salt: string) {
  return (_ctx: KoaContextWithOIDC, accountId: string, client: { clientId: string }): string =>
    pseudonymFor(salt, client.clientId, accountId);
}

export function accountFinder(
  store: Pick<Store, 'findCitizenById' | 'findWebdienstByClientId'>,
  audit: AuditLog,
  pairwiseSalt: string,
): FindAccount {
  return async (ctx, accountId): Promise<Account | undefined> => {
    const citizen = await store.findCitizenById(accountId);
    if (!citizen || citizen.status !== 'active') return undefined;
    return {
      accountId,
      async claims() {
        const clientId = ctx.oidc.client?.clientId;
        const webdienst = clientId ? await store.findWebdienstByClientId(clientId) : undefined;
        if (!webdienst) return { sub: accountId };
        const subject = await releaseSubject(audit, pairwiseSalt, citizen, webdienst, { protocol: 'oidc' });
        return subject.kind === 'bsn' ? { sub: accountId, bsn: subject.value } : { sub: accountId };
      },
    };
  };
}
