import { compiledQuery, type CompiledQuery } from './compiled-query.ts';
import type { Database } from './database.ts';
import type { LoginAttemptRow, LoginAttemptStatus, LoginStage, SecondFactorMethod, WebdienstProtocol } from './rows.ts';

interface LoginAttemptRecord {
  id: string;
  browser_binding: string;
  protocol: WebdienstProtocol;
  protocol_ref: string;
  webdienst_id: string;
  required_level: string;
  force_authentication: boolean | number;
  resume_url: string;
  status: LoginAttemptStatus;
  citizen_id: string | null;
  level_reached: string | null;
  authenticated_at: number | null;
  created_at: number;
  expires_at: number;
  stage: LoginStage;
  second_factor_method: SecondFactorMethod | null;
}

const recordColumns = Object.keys({
  id: true,
  browser_binding: true,
  protocol: true,
  protocol_ref: true,
  webdienst_id: true,
  required_level: true,
  force_authentication: true,
  resume_url: true,
  status: true,
  citizen_id: true,
  level_reached: true,
  authenticated_at: true,
  created_at: true,
  expires_at: true,
  stage: true,
  second_factor_method: true,
} satisfies Record<keyof LoginAttemptRecord, true>) as Array<keyof LoginAttemptRecord>;

function toRow(record: LoginAttemptRecord): LoginAttemptRow {
  return {
    id: record.id,
    browserBinding: record.browser_binding,
    protocol: record.protocol,
    protocolRef: record.protocol_ref,
    webdienstId: record.webdienst_id,
    requiredLevel: record.required_level,
    forceAuthentication: Boolean(record.force_authentication),
    resumeUrl: record.resume_url,
    status: record.status,
    citizenId: record.citizen_id,
    levelReached: record.level_reached,
    authenticatedAt: record.authenticated_at === null ? null : Number(record.authenticated_at),
    createdAt: Number(record.created_at),
    expiresAt: Number(record.expires_at),
    stage: record.stage,
    secondFactorMethod: record.second_factor_method,
  };
}

export function loginAttemptStore(db: Database) {
  const table = () => db<LoginAttemptRecord>('login_attempts');
  // Every login inserts, reads and moves an attempt: compiled once (compiled-query.ts).
  const insert = compiledQuery<LoginAttemptRecord>(db, (param) =>
    table().insert(Object.fromEntries(recordColumns.map((column) => [column, param(column)]))),
  );
  const findById = compiledQuery<{ id: string }>(db, (param) =>
    table()
      .where({ id: param('id') })
      .first(),
  );
  const findLatestByRef = compiledQuery<{ protocol: string; protocolRef: string }>(db, (param) =>
    table()
      .where({ protocol: param('protocol'), protocol_ref: param('protocolRef') })
      .orderBy('created_at', 'desc')
      .first(),
  );
  const transitions = new Map<string, CompiledQuery<Record<string, unknown>>>();
  /** One compiled update per set of result columns (a status alone, or with the citizen and level). */
  const transition = (resultColumns: string[]) => {
    const key = resultColumns.join(',');
    let query = transitions.get(key);
    if (!query) {
      query = compiledQuery<Record<string, unknown>>(db, (param) =>
        table()
          .where({ id: param('id'), status: param('from') })
          .update({
            status: param('to'),
            ...Object.fromEntries(resultColumns.map((column) => [column, param(column)])),
          }),
      );
      transitions.set(key, query);
    }
    return query;
  };
  return {
    async insertLoginAttempt(attempt: LoginAttemptRow): Promise<void> {
      await insert.changes({
        id: attempt.id,
        browser_binding: attempt.browserBinding,
        protocol: attempt.protocol,
        protocol_ref: attempt.protocolRef,
        webdienst_id: attempt.webdienstId,
        required_level: attempt.requiredLevel,
        force_authentication: attempt.forceAuthentication,
        resume_url: attempt.resumeUrl,
        status: attempt.status,
        citizen_id: attempt.citizenId,
        level_reached: attempt.levelReached,
        authenticated_at: attempt.authenticatedAt,
        created_at: attempt.createdAt,
        expires_at: attempt.expiresAt,
        stage: attempt.stage,
        second_factor_method: attempt.secondFactorMethod,
      });
    },
    async findLoginAttempt(id: string): Promise<LoginAttemptRow | undefined> {
      const record = await findById.first<LoginAttemptRecord>({ id });
      return record && toRow(record);
    },
    async findLatestLoginAttemptByProtocolRef(
      protocol: WebdienstProtocol,
      protocolRef: string,
    ): Promise<LoginAttemptRow | undefined> {
      const record = await findLatestByRef.first<LoginAttemptRecord>({ protocol, protocolRef });
      return record && toRow(record);
    },
    /** Moves an attempt from one status to the next; false when another request got there first. */
    async transitionLoginAttempt(
      id: string,
      from: LoginAttemptStatus,
      to: LoginAttemptStatus,
      result: { citizenId?: string; levelReached?: string; authenticatedAt?: number } = {},
    ): Promise<boolean> {
      const values = {
        ...(result.citizenId ? { citizen_id: result.citizenId } : {}),
        ...(result.levelReached ? { level_reached: result.levelReached } : {}),
        ...(result.authenticatedAt ? { authenticated_at: result.authenticatedAt } : {}),
      };
      const changed = await transition(Object.keys(values)).changes({ id, from, to, ...values });
      return changed === 1;
    },
    /** After the password (or for a step-up), the attempt waits for the second factor of this citizen. */
    async updateLoginAttemptStage(
      id: string,
      stage: LoginStage,
      citizenId: string,
      method: SecondFactorMethod | null,
    ): Promise<boolean> {
      const changed = await table()
        .where({ id, status: 'pending' })
        .update({ stage, citizen_id: citizenId, second_factor_method: method });
      return changed === 1;
    },
  };
}
export type LoginAttemptStore = ReturnType<typeof loginAttemptStore>;
