// What the account life cycle (request, activation, recovery) needs, passed in.
import type { TotpSecretBox } from '../second-factor/totp-secret-box.ts';
import type { Config } from '../../../config/index.ts';
import type { Store } from '../../stores/index.ts';
import type { AuditLog } from '../audit.ts';
import type { Clock } from '../clock.ts';
import type { LetterGateway } from '../letters/letter-gateway.ts';
import type { Notifier } from '../notifications/notifier.ts';
import type { PasswordHasher } from '../passwords/hasher.ts';
import type { PopulationRegister } from '../register/population-register.ts';
import type { Throttle } from '../throttle.ts';

export interface LifecycleDeps {
  store: Store;
  register: PopulationRegister;
  letters: LetterGateway;
  notifier: Notifier;
  hasher: PasswordHasher;
  throttle: Throttle;
  clock: Clock;
  audit: AuditLog;
  /** The instance's HMAC key for codes. */
  codeHashKey: string;
  /** Seals a linked authenticator app's secret for the store. */
  totpSecrets: TotpSecretBox;
  config: Pick<Config, 'accountRequest' | 'password' | 'throttle' | 'publicUrl'>;
}

export interface FieldError {
  field: string;
  /** Language-file key. */
  code: string;
  params?: Record<string, string | number>;
}
