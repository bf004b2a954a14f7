// The activity table of Mijn Poortwachter in words a citizen reads: one sentence per kind of audit
// event, naming the webdienst and the level where the event has them ("Ingelogd bij Gemeente
// Voorbeeld (niveau Midden)"), and a general sentence for kinds without one of their own. Never the
// event's details beyond the level: a reason may be meant for the log only.
import type { AuditEventRow, Store } from '../stores/index.ts';
import { hasMessage, type Translate } from '../http/i18n.ts';

export interface ActivitySentence {
  key: string;
  params: Record<string, string>;
}

const levelNames: Record<string, string> = {
  basis: 'Basis',
  midden: 'Midden',
  substantieel: 'Substantieel',
  hoog: 'Hoog',
};

/** The names of the webdiensten the events name, each looked up once; a removed one has none. */
export async function webdienstNames(
  store: Pick<Store, 'findWebdienstById'>,
  events: AuditEventRow[],
): Promise<Map<string, string>> {
  const ids = [...new Set(events.map((event) => event.webdienstId).filter((id): id is string => id !== null))];
  const found = await Promise.all(ids.map((id) => store.findWebdienstById(id)));
  return new Map(found.flatMap((webdienst) => (webdienst ? [[webdienst.id, webdienst.name] as const] : [])));
}

export function activitySentence(event: AuditEventRow, names: Map<string, string>, t: Translate): ActivitySentence {
  const key = `account.activity.${event.type}`;
  if (!hasMessage(key)) return { key: 'account.activity.other', params: {} };
  const level = typeof event.details.level === 'string' ? levelNames[event.details.level] : undefined;
  const webdienst = (event.webdienstId && names.get(event.webdienstId)) || t('account.activity.a_webdienst');
  const withLevel = level && hasMessage(`${key}.level`) ? `${key}.level` : key;
  return { key: withLevel, params: { webdienst, ...(level ? { level } : {}) } };
}
