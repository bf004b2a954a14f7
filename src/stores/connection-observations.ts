import type { Database } from './database.ts';

export interface ConnectionObservationRow {
  webdienstId: string;
  at: number;
  item: string;
  ok: boolean;
  evidence: string;
}

interface ConnectionObservationRecord {
  id?: number;
  webdienst_id: string;
  at: number | string;
  item: string;
  ok: boolean | number;
  evidence: string;
}

export function connectionObservationStore(db: Database) {
  const table = () => db<ConnectionObservationRecord>('connection_observations');
  return {
    async insertConnectionObservation(observation: ConnectionObservationRow): Promise<void> {
      await table().insert({
        webdienst_id: observation.webdienstId,
        at: observation.at,
        item: observation.item,
        ok: observation.ok,
        evidence: observation.evidence.slice(0, 500),
      });
    },
    /** A webdienst's observations, oldest first. */
    async listConnectionObservations(webdienstId: string): Promise<ConnectionObservationRow[]> {
      const records = await table().where({ webdienst_id: webdienstId }).orderBy('id');
      return records.map((record) => ({
        webdienstId: record.webdienst_id,
        at: Number(record.at),
        item: record.item,
        ok: Boolean(record.ok),
        evidence: record.evidence,
      }));
    },
  };
}
