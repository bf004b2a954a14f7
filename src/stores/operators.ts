// The operators of the admin console and their sessions. Plain rows out; the core decides what a
// password, a code or a session is worth.
import type { Database } from './database.ts';

export interface OperatorRow {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  /** The authenticator-app secret, sealed (AES-256-GCM) by the core. */
  totpSecret: string;
  totpKeyId: string;
  disabledAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface OperatorSessionRow {
  /** SHA-256 of the cookie's token. */
  id: string;
  operatorId: string;
  createdAt: number;
  /** The idle timeout: the session ends here unless it is used before. */
  expiresAt: number;
}

interface OperatorRecord {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  totp_secret: string;
  totp_key_id: string;
  totp_last_step: number | null;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
}

interface OperatorSessionRecord {
  id: string;
  operator_id: string;
  created_at: number;
  expires_at: number;
}

const nullableNumber = (value: number | string | null): number | null => (value === null ? null : Number(value));

function toOperator(record: OperatorRecord): OperatorRow {
  return {
    id: record.id,
    username: record.username,
    displayName: record.display_name,
    passwordHash: record.password_hash,
    totpSecret: record.totp_secret,
    totpKeyId: record.totp_key_id,
    disabledAt: nullableNumber(record.disabled_at),
    createdAt: Number(record.created_at),
    updatedAt: Number(record.updated_at),
  };
}

function toSession(record: OperatorSessionRecord): OperatorSessionRow {
  return {
    id: record.id,
    operatorId: record.operator_id,
    createdAt: Number(record.created_at),
    expiresAt: Number(record.expires_at),
  };
}

export function operatorStore(db: Database) {
  const operators = () => db<OperatorRecord>('operators');
  const sessions = () => db<OperatorSessionRecord>('operator_sessions');
  return {
    async insertOperator(operator: OperatorRow): Promise<void> {
      await operators().insert({
        id: operator.id,
        username: operator.username,
        display_name: operator.displayName,
        password_hash: operator.passwordHash,
        totp_secret: operator.totpSecret,
        totp_key_id: operator.totpKeyId,
        totp_last_step: null,
        disabled_at: operator.disabledAt,
        created_at: operator.createdAt,
        updated_at: operator.updatedAt,
      });
    },
    async findOperatorByUsername(username: string): Promise<OperatorRow | undefined> {
      const record = await operators().where({ username }).first();
      return record && toOperator(record);
    },
    async findOperatorById(id: string): Promise<OperatorRow | undefined> {
      const record = await operators().where({ id }).first();
      return record && toOperator(record);
    },
    async listOperators(): Promise<OperatorRow[]> {
      return (await operators().orderBy('username', 'asc')).map(toOperator);
    },
    /** Disables an operator; false when there is none of that name or it was disabled already. */
    async disableOperator(id: string, at: number): Promise<boolean> {
      const changed = await operators()
        .where({ id })
        .whereNull('disabled_at')
        .update({ disabled_at: at, updated_at: at });
      return changed === 1;
    },
    /** Operators whose app secret is sealed under another key than this one (after a key rotation). */
    async listOperatorTotpSecretsNotUnderKey(
      keyId: string,
    ): Promise<Array<Pick<OperatorRow, 'id' | 'totpSecret' | 'totpKeyId'>>> {
      const records = await operators()
        .whereNot({ totp_key_id: keyId })
        .select('id', 'totp_secret', 'totp_key_id')
        .orderBy('id');
      return records.map((record) => ({
        id: record.id,
        totpSecret: record.totp_secret,
        totpKeyId: record.totp_key_id,
      }));
    },
    /** Replaces a sealed secret by its re-sealed form, unless it changed meanwhile. */
    async resealOperatorTotpSecret(
      id: string,
      previous: string,
      sealed: { value: string; keyId: string },
    ): Promise<boolean> {
      const changed = await operators()
        .where({ id, totp_secret: previous })
        .update({ totp_secret: sealed.value, totp_key_id: sealed.keyId });
      return changed === 1;
    },
    /** Records the time step of an accepted app code; false when that step (or a later one) was already used. */
    async claimOperatorTotpStep(id: string, step: number): Promise<boolean> {
      const changed = await operators()
        .where({ id })
        .andWhere((query) => {
          query.whereNull('totp_last_step').orWhere('totp_last_step', '<', step);
        })
        .update({ totp_last_step: step });
      return changed === 1;
    },

    async insertOperatorSession(session: OperatorSessionRow): Promise<void> {
      await sessions().insert({
        id: session.id,
        operator_id: session.operatorId,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
      });
    },
    /** The session with this id while its idle timeout has not passed, or undefined. */
    async findOperatorSession(id: string, now: number): Promise<OperatorSessionRow | undefined> {
      const record = await sessions().where({ id }).andWhere('expires_at', '>', now).first();
      return record && toSession(record);
    },
    async touchOperatorSession(id: string, expiresAt: number): Promise<void> {
      await sessions().where({ id }).update({ expires_at: expiresAt });
    },
    async deleteOperatorSession(id: string): Promise<void> {
      await sessions().where({ id }).delete();
    },
    /** Ends every session of an operator (disabled); returns how many ended. */
    async deleteOperatorSessionsOf(operatorId: string): Promise<number> {
      return sessions().where({ operator_id: operatorId }).delete();
    },
  };
}
export type OperatorStore = ReturnType<typeof operatorStore>;
