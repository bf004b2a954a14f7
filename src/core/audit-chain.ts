// Verifying and exporting the hash-chained audit trail: `poortwachter audit verify` walks
// the chain and names every row that does not fit; `audit export` hands a period to auditors.
import { chainHash, genesisHash, type ChainedAuditEventRow, type Store } from '../stores/index.ts';

export interface ChainBreak {
  /** The row that does not fit, or for deleted rows the first missing id. */
  id: number;
  problem: string;
}

export interface ChainVerdict {
  ok: boolean;
  events: number;
  lastId: number | null;
  lastHash: string;
  breaks: ChainBreak[];
}

const pageSize = 1000;
const maxBreaks = 100;

function describeGap(from: number, to: number): string {
  return from === to ? `row ${from} was deleted` : `rows ${from} to ${to} were deleted`;
}

/** How often the walk goes on when a sealer (a running server) chained more events while it walked. */
const maxCatchUps = 20;

/**
 * Each row is checked against the stored hash of the row before it, so a changed row is named
 * alone and the walk goes on; ids are consecutive (the sealer hands them out from the chain head), so
 * a gap before a row that no longer fits is a deleted row, and the head names rows deleted from the
 * end. Events appended before the call are sealed first; the head is read after the walk, and when a
 * running server sealed more meanwhile, the walk goes on to the new head.
 */
export async function verifyAuditChain(
  store: Pick<Store, 'listAuditChainLinks' | 'findAuditChainHead' | 'sealAuditEvents'>,
): Promise<ChainVerdict> {
  await store.sealAuditEvents({ wait: true });
  let head = await store.findAuditChainHead();
  if (!head)
    return {
      ok: false,
      events: 0,
      lastId: null,
      lastHash: genesisHash,
      breaks: [{ id: 0, problem: 'the audit chain head is missing: run the migrations' }],
    };
  const breaks: ChainBreak[] = [];
  let previousId = 0;
  let previousHash = genesisHash;
  let events = 0;
  for (let catchUps = 0; ;) {
    const links = await store.listAuditChainLinks(previousId, pageSize);
    for (const link of links) {
      events += 1;
      if (link.chainHash === null) {
        breaks.push({
          id: link.id,
          problem: `row ${link.id} has no chain hash: it was written around the audit log or its hash was removed`,
        });
      } else if (link.chainHash !== chainHash(previousHash, link.id, link.content)) {
        // A gap whose next row still fits was there when the row was chained (ids from before the chain).
        if (link.id > previousId + 1)
          breaks.push({
            id: previousId + 1,
            problem: `${describeGap(previousId + 1, link.id - 1)} (between rows ${previousId || 'start'} and ${link.id}), or row ${link.id} was changed`,
          });
        else
          breaks.push({
            id: link.id,
            problem: `row ${link.id} was changed${previousId ? `, or its hash does not follow row ${previousId}` : ''}`,
          });
      }
      previousId = link.id;
      previousHash = link.chainHash ?? previousHash;
      if (breaks.length >= maxBreaks) return { ok: false, events, lastId: previousId, lastHash: previousHash, breaks };
    }
    if (links.length === pageSize) continue;
    // Walked on towards a newer head and found nothing more: the rows up to it are gone.
    if (links.length === 0 && catchUps > 0) break;
    head = await store.findAuditChainHead();
    if (!head || head.lastId <= previousId || catchUps >= maxCatchUps) break;
    catchUps += 1;
  }
  if (!head)
    return {
      ok: false,
      events,
      lastId: previousId || null,
      lastHash: previousHash,
      breaks: [...breaks, { id: 0, problem: 'the audit chain head is missing' }],
    };
  if (head.lastId > previousId) {
    breaks.push({
      id: previousId + 1,
      problem: `${describeGap(previousId + 1, head.lastId)} (the chain head says the last event is row ${head.lastId})`,
    });
  } else if (head.lastId < previousId || head.lastHash !== previousHash) {
    breaks.push({
      id: previousId,
      problem: `the chain head (row ${head.lastId}) does not match the last row ${previousId}: the head or the last rows were changed`,
    });
  }
  return { ok: breaks.length === 0, events, lastId: previousId || null, lastHash: previousHash, breaks };
}

/** The events with from <= at < to, in chain order, a page at a time (the rows are not all held at once). */
export async function* exportAuditEvents(
  store: Pick<Store, 'listAuditEventsBetween'>,
  period: { from: number; to: number },
): AsyncGenerator<ChainedAuditEventRow> {
  let afterId = 0;
  for (;;) {
    const rows = await store.listAuditEventsBetween({ ...period, afterId, limit: pageSize });
    yield* rows;
    if (rows.length < pageSize) return;
    afterId = rows[rows.length - 1]!.id;
  }
}
