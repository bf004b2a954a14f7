// Every security-relevant outcome becomes an audit event: structured, in the database, never a secret
// (no password, code, token or BSN in details). The store appends each event and a sealer chains
// them (src/stores/audit-events.ts); audit-chain.ts here verifies and exports the chain.
import type { Store } from '../stores/index.ts';
import type { Clock } from './clock.ts';

export interface AuditEvent {
  type: string;
  outcome: 'success' | 'failure' | 'info';
  reason?: string;
  citizenId?: string;
  webdienstId?: string;
  clientAddress?: string;
  details?: Record<string, string | number | boolean | null>;
}

export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
  /** Several events of one request in one append, in order (where the log can; else one by one). */
  recordAll?(events: AuditEvent[]): Promise<void>;
}

/** Records events together: in one append where the log supports it. */
export async function recordAuditEvents(audit: AuditLog, events: AuditEvent[]): Promise<void> {
  if (audit.recordAll) return audit.recordAll(events);
  for (const event of events) await audit.record(event);
}

/**
 * An audit log that holds what is recorded to it, for a caller that appends it together with its own
 * next event (recordAuditEvents) before anything leaves the request.
 */
export function heldAuditLog(): AuditLog & { held: AuditEvent[] } {
  const held: AuditEvent[] = [];
  return {
    held,
    record: (event) => {
      held.push(event);
      return Promise.resolve();
    },
  };
}

/** The audit log of a running service: others (the /metrics counters) can watch what is recorded. */
export interface ObservableAuditLog extends AuditLog {
  observe(listener: (event: AuditEvent) => void): void;
}

// A second line of defence, as in the logger: callers pass masked numbers only, but a BSN (9 digits) or a full phone number that slips into details never reaches the table.
const personalNumber = /^(\d{9}|\+?\d{10,15})$/;

function withoutPersonalNumbers(details: AuditEvent['details']): Record<string, string | number | boolean | null> {
  const safe: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(details ?? {}))
    safe[key] = personalNumber.test(String(value).replace(/[\s-]/g, '')) ? '[redacted]' : value;
  return safe;
}

export function createAuditLog(
  store: Pick<Store, 'insertAuditEvent' | 'insertAuditEvents'>,
  clock: Clock,
): ObservableAuditLog {
  const listeners: Array<(event: AuditEvent) => void> = [];
  const toRow = (event: AuditEvent, at: number) => ({
    at,
    type: event.type,
    outcome: event.outcome,
    reason: event.reason ?? null,
    citizenId: event.citizenId ?? null,
    webdienstId: event.webdienstId ?? null,
    clientAddress: event.clientAddress ?? null,
    details: withoutPersonalNumbers(event.details),
  });
  return {
    async record(event) {
      await store.insertAuditEvent(toRow(event, clock.now()));
      for (const listener of listeners) listener(event);
    },
    async recordAll(events) {
      const at = clock.now();
      await store.insertAuditEvents(events.map((event) => toRow(event, at)));
      for (const event of events) for (const listener of listeners) listener(event);
    },
    observe(listener) {
      listeners.push(listener);
    },
  };
}

/**
 * The audit log of one actor (`cli` for the command line): every event it records names who acted,
 * in details.actor, so an operator's change is told apart from the citizen's own and the service's.
 */
export function auditLogOf(actor: string, audit: AuditLog): AuditLog {
  return { record: (event) => audit.record({ ...event, details: { ...event.details, actor } }) };
}
