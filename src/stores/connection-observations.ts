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
  async function insertAll(observations: ConnectionObservationRow[]): Promise<void> {
    if (observations.length === 0) return;
    await table().insert(
      observations.map((observation) => ({
        webdienst_id: observation.webdienstId,
        at: observation.at,
        item: observation.item,
        ok: observation.ok,
        evidence: observation.evidence.slice(0, 500),
      })),
    );
  }
  return {
    async insertConnectionObservation(observation: ConnectionObservationRow): Promise<void> {
      await insertAll([observation]);
    },
    /** Several observations in one statement (those of one request). */
    insertConnectionObservations: insertAll,
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
