// Telling a citizen what happened to their account, on the channels the account has (SMS to its
// number, e-mail to its address): a request for a new account, a recovery, a change of password,
// phone, app or e-mail, the end of the account. A message never holds a code or a link that acts;
// it says what happened and what to do if it was not the citizen.
import type { CitizenRow } from '../../stores/index.ts';

export type NotificationKind =
  | 'account_requested'
  | 'account_ended'
  | 'recovery_requested'
  | 'password_changed'
  | 'second_factor_removed'
  | 'app_linked'
  | 'account_ended_by_citizen';

/** Which channels accepted the message; a failed channel never undoes what happened. */
export interface NotificationResult {
  sms: boolean;
  email: boolean;
}

export interface Notifier {
  notify(citizen: CitizenRow, kind: NotificationKind): Promise<NotificationResult>;
}
