// What the admin console needs, passed in by createApp.
import type { Config } from '../../../config/index.ts';
import type { AuditLog } from '../../core/audit.ts';
import type { Clock } from '../../core/clock.ts';
import type { OperatorLoginDeps } from '../../core/operators/operator-login.ts';
import type { OperatorSessions } from '../../core/operators/operator-sessions.ts';
import type { CertificateTrust } from '../../core/trust/certificate-trust.ts';
import type { Store } from '../../stores/index.ts';

export interface ConsoleDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  config: Pick<Config, 'publicUrl' | 'environment'>;
  /** Secure cookies (the service is reached over https). */
  cookies: { secure: boolean };
  login: OperatorLoginDeps;
  sessions: OperatorSessions;
  trust?: CertificateTrust;
}
