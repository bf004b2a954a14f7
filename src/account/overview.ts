// What the overview page of the citizen's own pages shows: the account, the second factors, and the
// latest audit events of this citizen (a sentence per event, time, outcome: never details, which may
// name a reason only the log should read; activity.ts).
import type { CitizenRow, Store } from '../stores/index.ts';
import { maskPhoneNumber } from '../core/second-factor/sms-gateway.ts';
import { translator, type Locale } from '../http/i18n.ts';
import { activitySentence, webdienstNames, type ActivitySentence } from './activity.ts';

const eventCount = 10;

export interface OverviewEvent {
  type: string;
  /** What happened, as a language-file key and its parameters. */
  sentence: ActivitySentence;
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
  store: Pick<Store, 'listRecentAuditEventsOfCitizen' | 'findWebdienstById'>,
  citizen: CitizenRow,
  locale: Locale,
): Promise<AccountOverview> {
  const format = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'nl-NL', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Amsterdam',
  });
  const events = await store.listRecentAuditEventsOfCitizen(citizen.id, eventCount);
  const names = await webdienstNames(store, events);
  const t = translator(locale);
  return {
    username: citizen.username,
    maskedPhone: citizen.phone ? maskPhoneNumber(citizen.phone) : null,
    appLinked: citizen.totpSecret !== null,
    events: events.map((event) => ({
      type: event.type,
      sentence: activitySentence(event, names, t),
      outcomeKey: `account.outcome.${['success', 'failure'].includes(event.outcome) ? event.outcome : 'info'}`,
      at: new Date(event.at).toISOString(),
      atText: format.format(event.at),
    })),
  };
}
