// What exists before a fault, and whether it is all still there after it: every audit event (id and
// chain hash, so a changed row counts as lost too), every account the account step was told was
// created, and the number of citizens (the seeded and the bench's Midden citizens included).
import type { Store } from '../src/stores/index.ts';
import type { CreatedAccount } from './account-scenario.ts';

export interface Inventory {
  takenAt: number;
  /** Audit chain hash by event id, for every event up to the head at takenAt. */
  auditEvents: Map<number, string | null>;
  accounts: CreatedAccount[];
  citizenCount: number;
}

export interface LossCheck {
  auditEventsChecked: number;
  auditEventsMissing: number[];
  auditEventsChanged: number[];
  accountsChecked: number;
  accountsMissing: string[];
  citizensBefore: number;
  citizensAfter: number;
  lost: number;
}

const page = 5000;

async function readAuditEvents(store: Store, upToId = Number.POSITIVE_INFINITY): Promise<Map<number, string | null>> {
  const events = new Map<number, string | null>();
  for (let afterId = 0; ;) {
    const links = await store.listAuditChainLinks(afterId, page);
    for (const link of links) if (link.id <= upToId) events.set(link.id, link.chainHash);
    if (links.length < page || links.at(-1)!.id >= upToId) return events;
    afterId = links.at(-1)!.id;
  }
}

export async function takeInventory(store: Store, ledger: readonly CreatedAccount[]): Promise<Inventory> {
  const takenAt = Date.now();
  // The ledger first: an account acknowledged by now has its audit event at or below the head read next.
  const accounts = [...ledger];
  await store.sealAuditEvents({ wait: true });
  const head = await store.findAuditChainHead();
  const auditEvents = await readAuditEvents(store, head?.lastId ?? 0);
  return { takenAt, auditEvents, accounts, citizenCount: await store.countCitizens() };
}

export async function checkInventory(store: Store, before: Inventory): Promise<LossCheck> {
  const upTo = Math.max(0, ...before.auditEvents.keys());
  const now = await readAuditEvents(store, upTo);
  const auditEventsMissing: number[] = [];
  const auditEventsChanged: number[] = [];
  for (const [id, hash] of before.auditEvents) {
    if (!now.has(id)) auditEventsMissing.push(id);
    else if (now.get(id) !== hash) auditEventsChanged.push(id);
  }
  const accountsMissing: string[] = [];
  for (const account of before.accounts) {
    const found = await store.findCitizenByUsername(account.username);
    if (found?.id !== account.id) accountsMissing.push(account.username);
  }
  const citizensAfter = await store.countCitizens();
  return {
    auditEventsChecked: before.auditEvents.size,
    auditEventsMissing,
    auditEventsChanged,
    accountsChecked: before.accounts.length,
    accountsMissing,
    citizensBefore: before.citizenCount,
    citizensAfter,
    lost:
      auditEventsMissing.length +
      auditEventsChanged.length +
      accountsMissing.length +
      Math.max(0, before.citizenCount - citizensAfter),
  };
}
