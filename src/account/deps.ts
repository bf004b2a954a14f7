// What the citizen's own pages need, passed in by createApp.
import type { Config } from '../../config/index.ts';
import type { AuditLog } from '../core/audit.ts';
import type { Clock } from '../core/clock.ts';
import type { LoginAttempts } from '../core/login/attempts.ts';
import type { CookiePolicy } from '../login/flow.ts';
import type { OneTimeCodes } from '../core/second-factor/one-time-codes.ts';
import type { SmsGateway } from '../core/second-factor/sms-gateway.ts';
import type { Store } from '../stores/index.ts';
import type { AccountSessions } from './account-sessions.ts';
import type { LifecycleDeps } from '../core/lifecycle/deps.ts';

export interface AccountDeps {
  store: Pick<
    Store,
    | 'findWebdienstByClientId'
    | 'findCitizenById'
    | 'listRecentAuditEventsOfCitizen'
    | 'inTransaction'
    | 'findWebdienstById'
  >;
  attempts: LoginAttempts;
  sessions: AccountSessions;
  oneTimeCodes: Pick<OneTimeCodes, 'isNumberAllowed'>;
  sms: SmsGateway;
  audit: AuditLog;
  clock: Clock;
  config: Pick<Config, 'publicUrl' | 'sms' | 'login'>;
  cookies: CookiePolicy;
  /** Password change and the other self-service changes of the account life cycle. */
  lifecycle: LifecycleDeps;
}
