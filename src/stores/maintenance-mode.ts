// The maintenance switch: one row while maintenance is on, none while it is off.
import type { Database } from './database.ts';

export interface MaintenanceModeRow {
  messageNl: string | null;
  messageEn: string | null;
  /** When the operator expects the service back (epoch ms); informative, maintenance ends only with `off`. */
  expectedEndAt: number | null;
  startedAt: number;
  updatedAt: number;
}

interface MaintenanceModeRecord {
  id: number;
  message_nl: string | null;
  message_en: string | null;
  expected_end_at: number | null;
  started_at: number;
  updated_at: number;
}

const theRow = 1;

export function maintenanceModeStore(db: Database) {
  const table = () => db<MaintenanceModeRecord>('maintenance_mode');
  return {
    async findMaintenanceMode(): Promise<MaintenanceModeRow | undefined> {
      const record = await table().where({ id: theRow }).first();
      return (
        record && {
          messageNl: record.message_nl,
          messageEn: record.message_en,
          expectedEndAt: record.expected_end_at === null ? null : Number(record.expected_end_at),
          startedAt: Number(record.started_at),
          updatedAt: Number(record.updated_at),
        }
      );
    },
    /** Switches maintenance on, or changes its messages; started_at stays that of the first `on`. */
    async upsertMaintenanceMode(row: MaintenanceModeRow): Promise<void> {
      await table()
        .insert({
          id: theRow,
          message_nl: row.messageNl,
          message_en: row.messageEn,
          expected_end_at: row.expectedEndAt,
          started_at: row.startedAt,
          updated_at: row.updatedAt,
        })
        .onConflict('id')
        .merge(['message_nl', 'message_en', 'expected_end_at', 'updated_at']);
    },
    /** Switches maintenance off; false when it was not on. */
    async deleteMaintenanceMode(): Promise<boolean> {
      return (await table().where({ id: theRow }).delete()) > 0;
    },
  };
}
