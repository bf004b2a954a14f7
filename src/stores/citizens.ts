import type { Database } from './database.ts';
import type { CitizenRow, CitizenStatus } from './rows.ts';

interface CitizenRecord {
  id: string;
  username: string;
  password_hash: string;
  bsn: string;
  phone: string | null;
  status: CitizenStatus;
  locale: string;
  password_recovery_required: boolean | number;
  created_at: number;
  updated_at: number;
}

function toRow(record: CitizenRecord): CitizenRow {
  return {
    id: record.id,
    username: record.username,
    passwordHash: record.password_hash,
    bsn: record.bsn,
    phone: record.phone,
    status: record.status,
    locale: record.locale,
    passwordRecoveryRequired: Boolean(record.password_recovery_required),
    createdAt: Number(record.created_at),
    updatedAt: Number(record.updated_at),
  };
}

export function citizenStore(db: Database) {
  const table = () => db<CitizenRecord>('citizens');
  return {
    async insertCitizen(citizen: Omit<CitizenRow, 'passwordRecoveryRequired'>): Promise<void> {
      await table().insert({
        id: citizen.id,
        username: citizen.username,
        password_hash: citizen.passwordHash,
        bsn: citizen.bsn,
        phone: citizen.phone,
        status: citizen.status,
        locale: citizen.locale,
        password_recovery_required: false,
        created_at: citizen.createdAt,
        updated_at: citizen.updatedAt,
      });
    },
    async findCitizenByUsername(username: string): Promise<CitizenRow | undefined> {
      const record = await table().where({ username }).first();
      return record && toRow(record);
    },
    async findCitizenById(id: string): Promise<CitizenRow | undefined> {
      const record = await table().where({ id }).first();
      return record && toRow(record);
    },
    async findActiveCitizenByBsn(bsn: string): Promise<CitizenRow | undefined> {
      const record = await table().where({ bsn }).whereNot({ status: 'revoked' }).first();
      return record && toRow(record);
    },
    async updatePasswordHash(id: string, passwordHash: string, at: number): Promise<void> {
      await table().where({ id }).update({ password_hash: passwordHash, updated_at: at });
    },
    async markPasswordRecoveryRequired(id: string, at: number): Promise<void> {
      await table().where({ id }).update({ password_recovery_required: true, updated_at: at });
    },
    async countCitizens(): Promise<number> {
      const [{ count }] = (await table().count({ count: '*' })) as [{ count: number | string }];
      return Number(count);
    },
  };
}
export type CitizenStore = ReturnType<typeof citizenStore>;
