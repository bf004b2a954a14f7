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
  return {
    async insertLoginAttempt(attempt: LoginAttemptRow): Promise<void> {
      await table().insert({
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
      const record = await table().where({ id }).first();
      return record && toRow(record);
    },
    async findLatestLoginAttemptByProtocolRef(protocol: WebdienstProtocol, protocolRef: string): Promise<LoginAttemptRow | undefined> {
      const record = await table().where({ protocol, protocol_ref: protocolRef }).orderBy('created_at', 'desc').first();
      return record && toRow(record);
    },
    /** Moves an attempt from one status to the next; false when another request got there first. */
    async transitionLoginAttempt(
      id: string,
      from: LoginAttemptStatus,
      to: LoginAttemptStatus,
      result: { citizenId?: string; levelReached?: string; authenticatedAt?: number } = {},
    ): Promise<boolean> {
      const changed = await table()
        .where({ id, status: from })
        .update({
          status: to,
          ...(result.citizenId ? { citizen_id: result.citizenId } : {}),
          ...(result.levelReached ? { level_reached: result.levelReached } : {}),
          ...(result.authenticatedAt ? { authenticated_at: result.authenticatedAt } : {}),
        });
      return changed === 1;
    },
    /** After the password (or for a step-up), the attempt waits for the second factor of this citizen. */
    async updateLoginAttemptStage(id: string, stage: LoginStage, citizenId: string, method: SecondFactorMethod | null): Promise<boolean> {
      const changed = await table().where({ id, status: 'pending' }).update({ stage, citizen_id: citizenId, second_factor_method: method });
      return changed === 1;
    },
    async deleteExpiredLoginAttempts(now: number): Promise<number> {
      return table().where('expires_at', '<', now).delete();
    },
  };
}
export type LoginAttemptStore = ReturnType<typeof loginAttemptStore>;
