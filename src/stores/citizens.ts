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
  totp_key_id: string | null;
  totp_last_step: number | null;
  always_second_factor: boolean | number;
  test_data?: boolean | number;
  created_at: number;
  updated_at: number;
}

/** An authenticator-app secret as sealed by the core. */
interface SealedSecret {
  value: string;
  keyId: string;
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
    /** testData marks a citizen of the development seed (a production start refuses it). */
    async insertCitizen(
      citizen: Omit<CitizenRow, 'passwordRecoveryRequired' | 'totpSecret' | 'alwaysSecondFactor'>,
      options: { testData?: boolean } = {},
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
        test_data: options.testData ?? false,
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
    async clearPasswordRecoveryRequired(id: string, at: number): Promise<void> {
      await table().where({ id }).update({ password_recovery_required: false, updated_at: at });
    },
    async updateCitizenPhone(id: string, phone: string | null, at: number): Promise<void> {
      await table().where({ id }).update({ phone, updated_at: at });
    },
    /** A newly enrolled app's sealed secret (the value names its key, keyId repeats it for lookups), or none. */
    async updateCitizenTotpSecret(id: string, sealed: SealedSecret | null, at: number): Promise<void> {
      await table()
        .where({ id })
        .update({
          totp_secret: sealed?.value ?? null,
          totp_key_id: sealed?.keyId ?? null,
          totp_last_step: null,
          updated_at: at,
        });
    },
    /** Stored app secrets not sealed under this key (in the clear, or under another key), in id order after afterId. */
    async listTotpSecretsNotUnderKey(
      keyId: string,
      afterId: string,
      limit: number,
    ): Promise<Array<{ id: string; totpSecret: string; totpKeyId: string | null }>> {
      const records = await table()
        .select('id', 'totp_secret', 'totp_key_id')
        .whereNotNull('totp_secret')
        .andWhere((query) => {
          query.whereNull('totp_key_id').orWhereNot('totp_key_id', keyId);
        })
        .andWhere('id', '>', afterId)
        .orderBy('id', 'asc')
        .limit(limit);
      return records.map((record) => ({
        id: record.id,
        totpSecret: record.totp_secret!,
        totpKeyId: record.totp_key_id,
      }));
    },
    /** Replaces a stored app secret by its re-sealed form, unless it changed meanwhile (re-enrolled, removed). */
    async resealCitizenTotpSecret(id: string, previous: string, sealed: SealedSecret): Promise<boolean> {
      const changed = await table()
        .where({ id, totp_secret: previous })
        .update({ totp_secret: sealed.value, totp_key_id: sealed.keyId });
      return changed === 1;
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
