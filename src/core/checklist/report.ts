// The connection checklist report of one webdienst: per item pass, fail or not observed, with the
// evidence (the latest failure, else the latest success). The report passes only when every item of
// its protocol passed.
import type { ConnectionObservationRow, WebdienstWithOrganisation } from '../../stores/index.ts';
import { checklistItems, isChecklistItem, type ChecklistItemName } from './items.ts';

export type ItemResult = 'pass' | 'fail' | 'not_observed';

export interface ChecklistItemReport {
  item: ChecklistItemName;
  requirement: string;
  result: ItemResult;
  observations: number;
  failures: number;
  evidence: string | null;
  at: string | null;
}

export interface ChecklistReport {
  webdienst: { name: string; protocol: string; clientId: string; organisation: string };
  passed: boolean;
  items: ChecklistItemReport[];
  generatedAt: string;
}

const stormLimit = 10;
const stormWindowMs = 60_000;

/** The most refused requests in any window of a minute, and the start of that window. */
function worstMinute(failures: ConnectionObservationRow[]): { count: number; at: number | null } {
  let worst = { count: 0, at: null as number | null };
  let start = 0;
  for (let end = 0; end < failures.length; end += 1) {
    while (failures[end]!.at - failures[start]!.at >= stormWindowMs) start += 1;
    if (end - start + 1 > worst.count) worst = { count: end - start + 1, at: failures[start]!.at };
  }
  return worst;
}

function itemReport(item: ChecklistItemName, observations: ConnectionObservationRow[]): ChecklistItemReport {
  const seen = observations.filter((observation) => observation.item === item);
  const failures = seen.filter((observation) => !observation.ok);
  const shown = failures.at(-1) ?? seen.at(-1);
  return {
    item,
    requirement: checklistItems[item].requirement,
    result: seen.length === 0 ? 'not_observed' : failures.length > 0 ? 'fail' : 'pass',
    observations: seen.length,
    failures: failures.length,
    evidence: shown?.evidence ?? null,
    at: shown ? new Date(shown.at).toISOString() : null,
  };
}

function stormReport(observations: ConnectionObservationRow[]): ChecklistItemReport {
  const failures = observations.filter((observation) => !observation.ok);
  const worst = worstMinute(failures);
  const storm = worst.count > stormLimit;
  return {
    item: 'no_retry_storm',
    requirement: checklistItems.no_retry_storm.requirement,
    result: observations.length === 0 ? 'not_observed' : storm ? 'fail' : 'pass',
    observations: observations.length,
    failures: storm ? worst.count : 0,
    evidence:
      observations.length === 0
        ? null
        : `at most ${worst.count} refused request${worst.count === 1 ? '' : 's'} in one minute`,
    at: worst.at === null ? null : new Date(worst.at).toISOString(),
  };
}

export function checklistReport(
  webdienst: WebdienstWithOrganisation,
  observations: ConnectionObservationRow[],
  now: number,
): ChecklistReport {
  const known = observations.filter((observation) => isChecklistItem(observation.item));
  const items = (Object.keys(checklistItems) as ChecklistItemName[])
    .filter((item) => (checklistItems[item].protocols as string[]).includes(webdienst.protocol))
    .map((item) => (item === 'no_retry_storm' ? stormReport(known) : itemReport(item, known)));
  return {
    webdienst: {
      name: webdienst.name,
      protocol: webdienst.protocol,
      clientId: webdienst.clientId,
      organisation: webdienst.organisation.oin,
    },
    passed: items.every((item) => item.result === 'pass'),
    items,
    generatedAt: new Date(now).toISOString(),
  };
}
