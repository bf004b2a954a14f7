// What the overview page of the citizen's own pages shows: the account, the second factors, and the
// latest audit events of this citizen (type, time, outcome: never details, which may name a reason
// only the log should read).
import type { CitizenRow, Store } from '../stores/index.ts';
import { maskPhoneNumber } from '../core/second-factor/sms-gateway.ts';
import { hasMessage, type Locale } from '../http/i18n.ts';

const eventCount = 10;

export interface OverviewEvent {
  type: string;
  /** Language-file key describing the type, when there is one. */
  labelKey: string | null;
  outcomeKey: string;
  at: string;
  atText: string;
}

export interface AccountOverview {
  username: string;
  maskedPhone: string | null;
  appLinked: boolean;
  events: OverviewEvent[];
}

export async function accountOverview(
  store: Pick<Store, 'listRecentAuditEventsOfCitizen'>,
  citizen: CitizenRow,
  locale: Locale,
): Promise<AccountOverview> {
  const format = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'nl-NL', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Amsterdam',
  });
  const events = await store.listRecentAuditEventsOfCitizen(citizen.id, eventCount);
  return {
    username: citizen.username,
    maskedPhone: citizen.phone ? maskPhoneNumber(citizen.phone) : null,
    appLinked: citizen.totpSecret !== null,
    events: events.map((event) => ({
      type: event.type,
      labelKey: hasMessage(`account.event.${event.type}`) ? `account.event.${event.type}` : null,
      outcomeKey: `account.outcome.${['success', 'failure'].includes(event.outcome) ? event.outcome : 'info'}`,
      at: new Date(event.at).toISOString(),
      atText: format.format(event.at),
    })),
  };
}
