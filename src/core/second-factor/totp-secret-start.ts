// At start, before the first request: every authenticator-app secret under the current key
// (totp-secret-reseal.ts). A secret under a key that the configuration no longer lists would lock
// its citizen out of the app without a word, so the start is refused until the key is listed again.
import { resealTotpSecrets, type ResealDeps } from './totp-secret-reseal.ts';

interface StartLog {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export async function sealTotpSecrets(deps: ResealDeps, logger: StartLog): Promise<void> {
  const outcome = await resealTotpSecrets(deps);
  if (outcome.sealed || outcome.resealed)
    logger.info(
      { sealed: outcome.sealed, resealed: outcome.resealed, keyId: deps.box.currentKeyId },
      'authenticator-app secrets sealed under the current TOTP key',
    );
  const missing = outcome.unreadableKeyIds.filter((id) => id !== '(none)' && !deps.box.keyIds.includes(id));
  if (missing.length)
    throw new Error(
      `authenticator-app secrets are sealed under TOTP key ${missing.join(', ')}, which secrets.totpKeys (TOTP_KEYS) no longer lists: list it again after the current key until the next start has re-sealed them`,
    );
  if (outcome.unreadable)
    logger.error(
      { unreadable: outcome.unreadable },
      'authenticator-app secrets that do not open under their key (altered or damaged); those citizens must enrol their app again',
    );
}
