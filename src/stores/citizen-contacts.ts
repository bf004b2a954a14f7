import type { Database } from './database.ts';

export interface CitizenContactRow {
  citizenId: string;
  email: string;
  verifiedAt: number | null;
  updatedAt: number;
}

interface CitizenContactRecord {
  citizen_id: string;
  email: string;
  verified_at: number | null;
  updated_at: number;
}

export function citizenContactStore(db: Database) {
  const table = () => db<CitizenContactRecord>('citizen_contacts');
  return {
    async findCitizenContact(citizenId: string): Promise<CitizenContactRow | undefined> {
      const record = await table().where({ citizen_id: citizenId }).first();
      return (
        record && {
          citizenId: record.citizen_id,
          email: record.email,
          verifiedAt: record.verified_at === null ? null : Number(record.verified_at),
          updatedAt: Number(record.updated_at),
        }
      );
    },
    async upsertCitizenContact(contact: CitizenContactRow): Promise<void> {
      await table()
        .insert({
          citizen_id: contact.citizenId,
          email: contact.email,
          verified_at: contact.verifiedAt,
          updated_at: contact.updatedAt,
        })
        .onConflict('citizen_id')
        .merge();
    },
    async deleteCitizenContact(citizenId: string): Promise<void> {
      await table().where({ citizen_id: citizenId }).delete();
    },
  };
}
