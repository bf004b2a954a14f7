import type { Database } from './database.ts';

export interface LetterOutboxRow {
  id: string;
  kind: string;
  recipientName: string;
  addressLines: string[];
  code: string;
  expiresAt: number;
  useAt: string;
  createdAt: number;
}

interface LetterOutboxRecord {
  id: string;
  kind: string;
  recipient_name: string;
  address_lines: string;
  code: string;
  expires_at: number;
  use_at: string;
  created_at: number;
}

function toRow(record: LetterOutboxRecord): LetterOutboxRow {
  return {
    id: record.id,
    kind: record.kind,
    recipientName: record.recipient_name,
    addressLines: JSON.parse(record.address_lines) as string[],
    code: record.code,
    expiresAt: Number(record.expires_at),
    useAt: record.use_at,
    createdAt: Number(record.created_at),
  };
}

export function letterOutboxStore(db: Database) {
  const table = () => db<LetterOutboxRecord>('letter_outbox');
  return {
    async insertOutboxLetter(letter: LetterOutboxRow): Promise<void> {
      await table().insert({
        id: letter.id,
        kind: letter.kind,
        recipient_name: letter.recipientName,
        address_lines: JSON.stringify(letter.addressLines),
        code: letter.code,
        expires_at: letter.expiresAt,
        use_at: letter.useAt,
        created_at: letter.createdAt,
      });
    },
    /** Newest first; `addressedTo` matches part of the name or an address line (a postcode, a street). */
    async listOutboxLetters(filter: { addressedTo?: string; limit?: number } = {}): Promise<LetterOutboxRow[]> {
      const query = table()
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(filter.limit ?? 20);
      if (filter.addressedTo !== undefined) {
        const pattern = `%${filter.addressedTo.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query.where((where) => {
          where
            .whereRaw(`recipient_name like ? escape '\\'`, [pattern])
            .orWhereRaw(`address_lines like ? escape '\\'`, [pattern]);
        });
      }
      return (await query).map(toRow);
    },
    async findOutboxLetter(id: string): Promise<LetterOutboxRow | undefined> {
      const record = await table().where({ id }).first();
      return record && toRow(record);
    },
  };
}
