import type { Database } from './database.ts';
import type { AuditEventRow } from './rows.ts';

interface AuditEventRecord {
  id: number;
  at: number;
  type: string;
  outcome: string;
  reason: string | null;
  citizen_id: string | null;
  webdienst_id: string | null;
  client_address: string | null;
  details: string;
}

function toRow(record: AuditEventRecord): AuditEventRow {
  return {
    id: Number(record.id),
    at: Number(record.at),
    type: record.type,
    outcome: record.outcome,
    reason: record.reason,
    citizenId: record.citizen_id,
    webdienstId: record.webdienst_id,
    clientAddress: record.client_address,
    details: JSON.parse(record.details) as Record<string, unknown>,
  };
}

export function auditEventStore(db: Database) {
  return {
    async insertAuditEvent(event: Omit<AuditEventRow, 'id'>): Promise<void> {
      await db<AuditEventRecord>('audit_events').insert({
        at: event.at,
        type: event.type,
        outcome: event.outcome,
        reason: event.reason,
        citizen_id: event.citizenId,
        webdienst_id: event.webdienstId,
        client_address: event.clientAddress,
        details: JSON.stringify(event.details),
      });
    },
    async listAuditEvents(filter: { type?: string; citizenId?: string; sinceId?: number; limit?: number } = {}): Promise<AuditEventRow[]> {
      const query = db<AuditEventRecord>('audit_events').orderBy('id', 'asc').limit(filter.limit ?? 1000);
      if (filter.type) query.where('type', filter.type);
      if (filter.citizenId) query.where('citizen_id', filter.citizenId);
      if (filter.sinceId) query.where('id', '>', filter.sinceId);
      return (await query).map(toRow);
    },
    /** A citizen's latest events, newest first (the overview of the citizen's own pages). */
    async listRecentAuditEventsOfCitizen(citizenId: string, limit: number): Promise<AuditEventRow[]> {
      return (await db<AuditEventRecord>('audit_events').where('citizen_id', citizenId).orderBy('id', 'desc').limit(limit)).map(toRow);
    },
  };
}
export type AuditEventStore = ReturnType<typeof auditEventStore>;
