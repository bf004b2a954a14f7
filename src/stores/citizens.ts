import { compiledQuery } from './compiled-query.ts';
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
  totp_secret: string | null;
  totp_last_step: number | null;
  always_second_factor: boolean | number;
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
    totpSecret: record.totp_secret,
    alwaysSecondFactor: Boolean(record.always_second_factor),
    createdAt: Number(record.created_at),
    updatedAt: Number(record.updated_at),
  };
}

export function citizenStore(db: Database) {
  const table = () => db<CitizenRecord>('citizens');
  // Every login looks a citizen up by username and (oidc-provider's findAccount) by id: compiled once.
  const findByUsername = compiledQuery<{ username: string }>(db, (param) =>
    table()
      .where({ username: param('username') })
      .first(),
  );
  const findById = compiledQuery<{ id: string }>(db, (param) =>
    table()
      .where({ id: param('id') })
      .first(),
  );
  return {
    async insertCitizen(
      citizen: Omit<CitizenRow, 'passwordRecoveryRequired' | 'totpSecret' | 'alwaysSecondFactor'>,
    ): Promise<void> {
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
      const record = await findByUsername.first<CitizenRecord>({ username });
      return record && toRow(record);
    },
    async findCitizenById(id: string): Promise<CitizenRow | undefined> {
      const record = await findById.first<CitizenRecord>({ id });
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
    async updateCitizenPhone(id: string, phone: string | null, at: number): Promise<void> {
      await table().where({ id }).update({ phone, updated_at: at });
    },
    async updateCitizenTotpSecret(id: string, totpSecret: string | null, at: number): Promise<void> {
      await table().where({ id }).update({ totp_secret: totpSecret, totp_last_step: null, updated_at: at });
    },
    async updateAlwaysSecondFactor(id: string, always: boolean, at: number): Promise<void> {
      await table().where({ id }).update({ always_second_factor: always, updated_at: at });
    },
    /** Records the time step of an accepted app code; false when that step (or a later one) was already used. */
    async claimTotpStep(id: string, step: number): Promise<boolean> {
      const changed = await table()
        .where({ id })
        .andWhere((query) => {
          query.whereNull('totp_last_step').orWhere('totp_last_step', '<', step);
        })
        .update({ totp_last_step: step });
      return changed === 1;
    },
    /** A new password (recovery, or the citizen's own change): the recovery requirement ends with it. */
    async replaceCitizenPassword(id: string, passwordHash: string, at: number): Promise<void> {
      await table()
        .where({ id })
        .update({ password_hash: passwordHash, password_recovery_required: false, updated_at: at });
    },
    async clearPasswordRecoveryRequired(id: string, at: number): Promise<void> {
      await table().where({ id }).update({ password_recovery_required: false, updated_at: at });
    },
    async updateCitizenStatus(id: string, status: CitizenStatus, at: number): Promise<void> {
      await table().where({ id }).update({ status, updated_at: at });
    },
    async countCitizens(): Promise<number> {
      const [{ count }] = (await table().count({ count: '*' })) as [{ count: number | string }];
      return Number(count);
    },
  };
}
export type CitizenStore = ReturnType<typeof citizenStore>;
