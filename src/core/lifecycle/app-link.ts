// Linking an authenticator app (TOTP, RFC 6238) at Mijn Poortwachter: a new secret is shown as a QR
// code (an otpauth:// URI) and waits with the account session; the app's first code confirms it, and
// only then does it become the citizen's secret (NIST SP 800-63B 6.1.2.1: a new authenticator is
// bound by proving possession of it). A citizen who already has a second factor must have reached
// Midden in this session, so a password alone cannot add a factor next to an existing one. The
// waiting secret is sealed like a linked one (totp-secret-box.ts); one that no longer opens (its key
// was dropped from the configuration) counts as no pending link, and the citizen scans a new code.
import { generateSecret, generateURI, verify } from 'otplib';
import type { AccountSessionRow, CitizenRow, PendingAppLinkRow } from '../../stores/index.ts';
import { TotpSecretUnreadable } from '../second-factor/totp-secret-box.ts';
import type { LifecycleDeps } from './deps.ts';
import { takeGuessSlots } from './guess-slots.ts';

const pendingMinutes = 15;

export function mayLinkApp(session: AccountSessionRow, citizen: CitizenRow): boolean {
  const hasSecondFactor = citizen.phone !== null || citizen.totpSecret !== null;
  return !hasSecondFactor || session.level !== 'basis';
}

/** The pending link's secret in the clear, or nothing when it does not open. */
function openPending(deps: LifecycleDeps, pending: PendingAppLinkRow): string | undefined {
  try {
    return deps.totpSecrets.open(pending.citizenId, pending.sealedSecret.value);
  } catch (error) {
    if (error instanceof TotpSecretUnreadable) return undefined;
    throw error;
  }
}

/** The pending secret of this session (a new one when there is none), as the otpauth URI an app scans. */
export async function pendingAppLink(
  deps: LifecycleDeps,
  session: AccountSessionRow,
  citizen: CitizenRow,
): Promise<{ secret: string; uri: string }> {
  const now = deps.clock.now();
  const pending = await deps.store.findPendingAppLink(session.id, now);
  let secret = pending && pending.citizenId === citizen.id ? openPending(deps, pending) : undefined;
  if (!secret) {
    secret = generateSecret();
    await deps.store.putPendingAppLink({
      sessionId: session.id,
      citizenId: citizen.id,
      sealedSecret: deps.totpSecrets.seal(citizen.id, secret),
      expiresAt: now + pendingMinutes * 60_000,
    });
  }
  return { secret, uri: generateURI({ issuer: 'Poortwachter', label: citizen.username, secret }) };
}

export type AppLinkOutcome =
  | { ok: true }
  | { ok: false; reason: 'wrong_code' | 'expired' | 'not_allowed' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export async function confirmAppLink(
  deps: LifecycleDeps,
  input: { session: AccountSessionRow; citizen: CitizenRow; code: string; clientAddress: string },
): Promise<AppLinkOutcome> {
  const { session, citizen } = input;
  const event = { type: 'citizen.app_link', citizenId: citizen.id, clientAddress: input.clientAddress };
  if (!mayLinkApp(session, citizen)) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'second_factor_needed' });
    return { ok: false, reason: 'not_allowed' };
  }
  const now = deps.clock.now();
  const pending = await deps.store.findPendingAppLink(session.id, now);
  const secret = pending && pending.citizenId === citizen.id ? openPending(deps, pending) : undefined;
  if (!secret) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'expired' });
    return { ok: false, reason: 'expired' };
  }
  // The code guess takes its slot before it is checked (guess-slots.ts).
  const slot = await takeGuessSlots(deps.throttle, [
    { key: `app-link:${citizen.id}`, rule: deps.config.throttle.account },
  ]);
  if (!slot.allowed) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'throttled' });
    return { ok: false, reason: 'throttled', retryAfterSeconds: slot.retryAfterSeconds };
  }
  const token = input.code.replace(/\s+/g, '');
  const result = /^\d{6}$/.test(token)
    ? await verify({ secret, token, epoch: Math.floor(now / 1000), epochTolerance: 30 })
    : { valid: false };
  if (!result.valid) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'wrong_code' });
    return { ok: false, reason: 'wrong_code' };
  }
  await slot.giveBack();
  await deps.store.inTransaction(async (trx) => {
    await trx.updateCitizenTotpSecret(citizen.id, deps.totpSecrets.seal(citizen.id, secret), now);
    if ('timeStep' in result) await trx.claimTotpStep(citizen.id, Number(result.timeStep));
    await trx.deletePendingAppLink(session.id);
  });
  const notified = await deps.notifier.notify(citizen, 'app_linked');
  await deps.audit.record({
    ...event,
    outcome: 'success',
    details: { replacedApp: citizen.totpSecret !== null, notifiedBySms: notified.sms, notifiedByEmail: notified.email },
  });
  return { ok: true };
}
