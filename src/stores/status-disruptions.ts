// Disruptions and planned maintenance on the public status page, managed with the CLI.
import type { Database } from './database.ts';

export interface StatusDisruptionRow {
  id: number;
  startsAt: number;
  endsAt: number;
  titleNl: string;
  titleEn: string;
  descriptionNl: string | null;
  descriptionEn: string | null;
  createdAt: number;
}

interface StatusDisruptionRecord {
  id: number;
  starts_at: number;
  ends_at: number;
  title_nl: string;
  title_en: string;
  description_nl: string | null;
  description_en: string | null;
  created_at: number;
}

function toRow(record: StatusDisruptionRecord): StatusDisruptionRow {
  return {
    id: Number(record.id),
    startsAt: Number(record.starts_at),
    endsAt: Number(record.ends_at),
    titleNl: record.title_nl,
    titleEn: record.title_en,
    descriptionNl: record.description_nl,
    descriptionEn: record.description_en,
    createdAt: Number(record.created_at),
  };
}

export function statusDisruptionStore(db: Database) {
  const table = () => db<StatusDisruptionRecord>('status_disruptions');
  return {
    async insertStatusDisruption(disruption: Omit<StatusDisruptionRow, 'id'>): Promise<StatusDisruptionRow> {
      const [inserted] = await table()
        .insert({
          starts_at: disruption.startsAt,
          ends_at: disruption.endsAt,
          title_nl: disruption.titleNl,
          title_en: disruption.titleEn,
          description_nl: disruption.descriptionNl,
          description_en: disruption.descriptionEn,
          created_at: disruption.createdAt,
        })
        .returning('id');
      const id = typeof inserted === 'object' ? (inserted as { id: number }).id : inserted;
      return { id: Number(id), ...disruption };
    },
    /** Disruptions that have not ended at `now` (current and planned), the earliest first; all without `now`. */
    async listStatusDisruptions(options: { endingAfter?: number } = {}): Promise<StatusDisruptionRow[]> {
      const query = table()
        .select('*')
        .orderBy([{ column: 'starts_at' }, { column: 'id' }]);
      if (options.endingAfter !== undefined) query.where('ends_at', '>', options.endingAfter);
      return (await query).map(toRow);
    },
    /** false when no disruption has this id. */
    async deleteStatusDisruption(id: number): Promise<boolean> {
      return (await table().where({ id }).delete()) > 0;
    },
  };
}
