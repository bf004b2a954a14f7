// After a TOTP key rotation (README "Authenticator-app secrets at rest"), the operators' app secrets
// are opened under their old key and sealed under the current one, as the citizens' are
// (second-factor/totp-secret-reseal.ts). Run at every start; a row is replaced only if it is still
// what was read, so processes starting together do not collide.
import type { Store } from '../../stores/index.ts';
import type { AuditLog } from '../audit.ts';
import { TotpSecretUnreadable, type TotpSecretBox } from '../second-factor/totp-secret-box.ts';
import { operatorSecretOwner } from './operator-secret.ts';

export interface OperatorResealDeps {
  store: Pick<Store, 'listOperatorTotpSecretsNotUnderKey' | 'resealOperatorTotpSecret'>;
  box: TotpSecretBox;
  audit: AuditLog;
}

export interface OperatorResealOutcome {
  resealed: number;
  /** Secrets that do not open: under a key no longer configured, or altered. Those operators need `admin add` anew. */
  unreadable: number;
}

export async function resealOperatorTotpSecrets(deps: OperatorResealDeps): Promise<OperatorResealOutcome> {
  const outcome: OperatorResealOutcome = { resealed: 0, unreadable: 0 };
  for (const row of await deps.store.listOperatorTotpSecretsNotUnderKey(deps.box.currentKeyId)) {
    const owner = operatorSecretOwner(row.id);
    let secret: string;
    try {
      secret = deps.box.open(owner, row.totpSecret);
    } catch (error) {
      if (!(error instanceof TotpSecretUnreadable)) throw error;
      outcome.unreadable += 1;
      continue;
    }
    if (await deps.store.resealOperatorTotpSecret(row.id, row.totpSecret, deps.box.seal(owner, secret)))
      outcome.resealed += 1;
  }
  if (outcome.resealed || outcome.unreadable)
    await deps.audit.record({
      type: 'operator.totp_resealed',
      outcome: outcome.unreadable ? 'failure' : 'success',
      ...(outcome.unreadable ? { reason: 'unreadable_secrets' } : {}),
      details: { keyId: deps.box.currentKeyId, resealed: outcome.resealed, unreadable: outcome.unreadable },
    });
  return outcome;
}
