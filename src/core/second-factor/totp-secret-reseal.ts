// Brings every stored authenticator-app secret under the current key: secrets still in the clear
// (stored before encryption at rest) are sealed, secrets under an older key are opened and sealed
// again (key rotation, README "Authenticator-app secrets at rest"). Run at every start and by
// `poortwachter maintenance reseal-totp`; several processes may run it at once, as each row is
// replaced only if it is still what was read.
import type { Store } from '../../stores/index.ts';
import type { AuditLog } from '../audit.ts';
import { TotpSecretUnreadable, type TotpSecretBox } from './totp-secret-box.ts';

export interface ResealDeps {
  store: Pick<Store, 'listTotpSecretsNotUnderKey' | 'resealCitizenTotpSecret'>;
  box: TotpSecretBox;
  audit: AuditLog;
}

export interface ResealOutcome {
  /** Secrets that were in the clear and are now sealed. */
  sealed: number;
  /** Secrets moved from an older key to the current one. */
  resealed: number;
  /** Secrets that do not open: under a key that is no longer configured, or altered. */
  unreadable: number;
  /** The key ids of the unreadable secrets (none of them configured, or the secret was altered). */
  unreadableKeyIds: string[];
}

const batchSize = 500;

export async function resealTotpSecrets(deps: ResealDeps): Promise<ResealOutcome> {
  const outcome: ResealOutcome = { sealed: 0, resealed: 0, unreadable: 0, unreadableKeyIds: [] };
  const unreadableKeyIds = new Set<string>();
  let afterId = '';
  for (;;) {
    const rows = await deps.store.listTotpSecretsNotUnderKey(deps.box.currentKeyId, afterId, batchSize);
    for (const row of rows) {
      afterId = row.id;
      const inTheClear = row.totpKeyId === null && !deps.box.isSealed(row.totpSecret);
      let secret: string;
      try {
        secret = inTheClear ? row.totpSecret : deps.box.open(row.id, row.totpSecret);
      } catch (error) {
        if (!(error instanceof TotpSecretUnreadable)) throw error;
        outcome.unreadable += 1;
        unreadableKeyIds.add(row.totpKeyId ?? '(none)');
        continue;
      }
      if (await deps.store.resealCitizenTotpSecret(row.id, row.totpSecret, deps.box.seal(row.id, secret)))
        outcome[inTheClear ? 'sealed' : 'resealed'] += 1;
    }
    if (rows.length < batchSize) break;
  }
  outcome.unreadableKeyIds = [...unreadableKeyIds].sort();
  if (outcome.sealed || outcome.resealed || outcome.unreadable)
    await deps.audit.record({
      type: 'totp_secrets.resealed',
      outcome: outcome.unreadable ? 'failure' : 'success',
      ...(outcome.unreadable ? { reason: 'unreadable_secrets' } : {}),
      details: {
        keyId: deps.box.currentKeyId,
        sealed: outcome.sealed,
        resealed: outcome.resealed,
        unreadable: outcome.unreadable,
      },
    });
  return outcome;
}
