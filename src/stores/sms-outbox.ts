import type { Database } from './database.ts';

export interface SmsOutboxRow {
  id: number;
  to: string;
  text: string;
  purpose: string;
  createdAt: number;
}

interface SmsOutboxRecord {
  id: number;
  to: string;
  text: string;
  purpose: string;
  created_at: number;
}

function toRow(record: SmsOutboxRecord): SmsOutboxRow {
  return {
    id: Number(record.id),
    to: record.to,
    text: record.text,
    purpose: record.purpose,
    createdAt: Number(record.created_at),
  };
}

export function smsOutboxStore(db: Database) {
  const table = () => db<SmsOutboxRecord>('sms_outbox');
  return {
    async insertOutboxSms(message: Omit<SmsOutboxRow, 'id'>): Promise<void> {
      await table().insert({
        to: message.to,
        text: message.text,
        purpose: message.purpose,
        created_at: message.createdAt,
      });
    },
    /** Newest first; the id breaks ties between messages stored in the same millisecond. */
    async listOutboxSms(filter: { to?: string; limit?: number } = {}): Promise<SmsOutboxRow[]> {
      const query = table()
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(filter.limit ?? 20);
      if (filter.to !== undefined) query.where('to', filter.to);
      return (await query).map(toRow);
    },
  };
}
export type SmsOutboxStore = ReturnType<typeof smsOutboxStore>;
