// Every security-relevant outcome becomes an audit event: structured, in the database, never a secret
// (no password, code, token or BSN in details).
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
}

export function createAuditLog(store: Pick<Store, 'insertAuditEvent'>, clock: Clock): AuditLog {
  return {
    async record(event) {
      await store.insertAuditEvent({
        at: clock.now(),
        type: event.type,
        outcome: event.outcome,
        reason: event.reason ?? null,
        citizenId: event.citizenId ?? null,
        webdienstId: event.webdienstId ?? null,
        clientAddress: event.clientAddress ?? null,
        details: event.details ?? {},
      });
    },
  };
}
