import { compiledQuery, type CompiledQuery } from './compiled-query.ts';
import type { Database } from './database.ts';
import type { LoginAttemptRow, LoginAttemptStatus, LoginStage, SecondFactorMethod, WebdienstProtocol } from './rows.ts';

/** What a conditional update of an attempt requires of it: status, and optionally stage and citizen. */
export interface AttemptExpectation {
  status: LoginAttemptStatus;
  stage?: LoginStage;
  /** `is`: bound to exactly this citizen; `isOrUnset`: this citizen or none yet. */
  citizen?: { is: string } | { isOrUnset: string };
}

export interface AttemptChanges {
  status?: LoginAttemptStatus;
  stage?: LoginStage;
  citizenId?: string;
  secondFactorMethod?: SecondFactorMethod | null;
  levelReached?: string;
  authenticatedAt?: number;
}

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
  const advances = new Map<string, CompiledQuery<Record<string, unknown>>>();
  /** One compiled conditional update per shape: which conditions are checked, which columns are set. */
  const advance = (expected: AttemptExpectation, changedColumns: string[]) => {
    const citizenRule = expected.citizen ? ('is' in expected.citizen ? 'is' : 'isOrUnset') : 'any';
    const key = `${expected.stage ? 'stage' : ''}|${citizenRule}|${changedColumns.join(',')}`;
    let query = advances.get(key);
    if (!query) {
      query = compiledQuery<Record<string, unknown>>(db, (param) => {
        const update = table().where({ id: param('id'), status: param('expectedStatus') });
        if (expected.stage) update.andWhere('stage', param('expectedStage'));
        if (citizenRule === 'is') update.andWhere('citizen_id', param('expectedCitizen'));
        if (citizenRule === 'isOrUnset')
          update.andWhereRaw('(citizen_id IS NULL OR citizen_id = ?)', [param('expectedCitizen')]);
        return update.update(Object.fromEntries(changedColumns.map((column) => [column, param(column)])));
      });
      advances.set(key, query);
    }
    return query;
  };
  async function advanceAttempt(id: string, expected: AttemptExpectation, changes: AttemptChanges): Promise<boolean> {
    const values: Record<string, unknown> = {};
    if (changes.status !== undefined) values.status = changes.status;
    if (changes.stage !== undefined) values.stage = changes.stage;
    if (changes.citizenId !== undefined) values.citizen_id = changes.citizenId;
    if (changes.secondFactorMethod !== undefined) values.second_factor_method = changes.secondFactorMethod;
    if (changes.levelReached !== undefined) values.level_reached = changes.levelReached;
    if (changes.authenticatedAt !== undefined) values.authenticated_at = changes.authenticatedAt;
    const citizen = expected.citizen && ('is' in expected.citizen ? expected.citizen.is : expected.citizen.isOrUnset);
    const changed = await advance(expected, Object.keys(values)).changes({
      id,
      expectedStatus: expected.status,
      ...(expected.stage ? { expectedStage: expected.stage } : {}),
      ...(citizen ? { expectedCitizen: citizen } : {}),
      ...values,
    });
    return changed === 1;
  }
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
    /**
     * The latest attempt of a front-end's interaction, moved to finished in the same statement when it
     * is done (authenticated with a citizen and level, cancelled or unmet) and not expired; the row as
     * it is now (status finished), or undefined when there was nothing to take (or another request took
     * it first). One statement where a read and a compare-and-set were two.
     */
    async finishLatestLoginAttempt(
      protocol: WebdienstProtocol,
      protocolRef: string,
      now: number,
    ): Promise<LoginAttemptRow | undefined> {
      // sqlite answers with the rows, PostgreSQL with a result that holds them.
      const result = await db.raw<LoginAttemptRecord[] | { rows: LoginAttemptRecord[] }>(
        `UPDATE login_attempts SET status = 'finished'
         WHERE id = (SELECT id FROM login_attempts WHERE protocol = ? AND protocol_ref = ? ORDER BY created_at DESC LIMIT 1)
           AND expires_at > ?
           AND (status IN ('cancelled', 'unmet')
                OR (status = 'authenticated' AND citizen_id IS NOT NULL AND level_reached IS NOT NULL))
         RETURNING *`,
        [protocol, protocolRef, now],
      );
      const rows = Array.isArray(result) ? result : result.rows;
      return rows[0] && toRow(rows[0]);
    },
    /** Moves an attempt from one status to the next; false when another request got there first. */
    async transitionLoginAttempt(
      id: string,
      from: LoginAttemptStatus,
      to: LoginAttemptStatus,
      result: { citizenId?: string; levelReached?: string; authenticatedAt?: number } = {},
    ): Promise<boolean> {
      return advanceAttempt(id, { status: from }, { status: to, ...result });
    },
    /**
     * A compare-and-set on the attempt: the changes are written only while the attempt still has the
     * expected status, stage and citizen; false when another request changed it first.
     */
    advanceLoginAttempt: advanceAttempt,
  };
}
export type LoginAttemptStore = ReturnType<typeof loginAttemptStore>;
