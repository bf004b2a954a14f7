// A login attempt is one pass through the login layer for one LoginRequest. It lives in the database
// (any process serves the next step) and is bound to the browser that started it by a random value
// kept in a cookie (SECURITY-TESTS.md 6: a form posted without that cookie is refused).
import type { LoginAttemptRow, LoginStage, SecondFactorMethod, Store } from '../../stores/index.ts';
import { PoortwachterError } from '../errors.ts';
import type { Clock } from '../clock.ts';
import { levelByName } from '../levels.ts';
import { newToken } from '../ids.ts';
import type { LoginRequest, LoginResult } from './login-request.ts';

export interface StartedAttempt {
  attempt: LoginAttemptRow;
  browserBinding: string;
}

export type AttemptStore = Pick<
  Store,
  | 'insertLoginAttempt'
  | 'findLoginAttempt'
  | 'findLatestLoginAttemptByProtocolRef'
  | 'transitionLoginAttempt'
  | 'updateLoginAttemptStage'
>;

export function createLoginAttempts(store: AttemptStore, clock: Clock, ttlSeconds: number) {
  return {
    async start(request: LoginRequest): Promise<StartedAttempt> {
      const now = clock.now();
      const attempt: LoginAttemptRow = {
        id: newToken(),
        browserBinding: newToken(),
        protocol: request.protocol,
        protocolRef: request.protocolRef,
        webdienstId: request.webdienst.id,
        requiredLevel: request.requiredLevel.name,
        forceAuthentication: request.forceAuthentication,
        resumeUrl: request.resumeUrl,
        status: 'pending',
        citizenId: request.forceAuthentication ? null : (request.stepUpCitizenId ?? null),
        levelReached: null,
        authenticatedAt: null,
        createdAt: now,
        expiresAt: now + ttlSeconds * 1000,
        stage: request.stepUpCitizenId && !request.forceAuthentication ? 'second_factor' : 'password',
        secondFactorMethod: null,
      };
      await store.insertLoginAttempt(attempt);
      return { attempt, browserBinding: attempt.browserBinding };
    },

    /** The pending attempt this browser may work on, or undefined (unknown, expired, foreign, done). */
    async findPending(id: string, browserBinding: string | undefined): Promise<LoginAttemptRow | undefined> {
      const attempt = await store.findLoginAttempt(id);
      if (!attempt || attempt.status !== 'pending' || attempt.expiresAt <= clock.now()) return undefined;
      if (!browserBinding || !constantTimeEquals(attempt.browserBinding, browserBinding)) return undefined;
      return attempt;
    },

    /** authenticatedAt: when the citizen gave the credentials (earlier than now for a reused SSO session). */
    async markAuthenticated(
      attempt: LoginAttemptRow,
      citizenId: string,
      levelName: string,
      authenticatedAt = clock.now(),
    ): Promise<boolean> {
      return store.transitionLoginAttempt(attempt.id, 'pending', 'authenticated', {
        citizenId,
        levelReached: levelName,
        authenticatedAt,
      });
    },

    /** Cancel by the citizen; where no second factor exists the webdienst hears the level was unmet. */
    async markCancelled(attempt: LoginAttemptRow): Promise<boolean> {
      return store.transitionLoginAttempt(
        attempt.id,
        'pending',
        attempt.stage === 'no_second_factor' ? 'unmet' : 'cancelled',
      );
    },

    async moveToStage(
      attempt: LoginAttemptRow,
      stage: LoginStage,
      citizenId: string,
      method: SecondFactorMethod | null,
    ): Promise<LoginAttemptRow> {
      if (!(await store.updateLoginAttemptStage(attempt.id, stage, citizenId, method)))
        throw new PoortwachterError('login.expired', {
          status: 400,
          logMessage: 'login attempt finished while moving stage',
        });
      return { ...attempt, stage, citizenId, secondFactorMethod: method };
    },

    /**
     * The result of the latest attempt for a front-end's interaction, taken once: a second call (a
     * replayed resume URL, a parallel request) finds nothing.
     */
    async takeResult(protocol: LoginAttemptRow['protocol'], protocolRef: string): Promise<LoginResult | undefined> {
      const attempt = await store.findLatestLoginAttemptByProtocolRef(protocol, protocolRef);
      if (!attempt || attempt.expiresAt <= clock.now()) return undefined;
      if (attempt.status === 'cancelled' || attempt.status === 'unmet') {
        return (await store.transitionLoginAttempt(attempt.id, attempt.status, 'finished'))
          ? { outcome: attempt.status }
          : undefined;
      }
      if (attempt.status !== 'authenticated' || !attempt.citizenId || !attempt.levelReached) return undefined;
      if (!(await store.transitionLoginAttempt(attempt.id, 'authenticated', 'finished'))) return undefined;
      return {
        outcome: 'authenticated',
        citizenId: attempt.citizenId,
        level: levelByName(attempt.levelReached),
        authenticatedAt: attempt.authenticatedAt ?? clock.now(),
      };
    },
  };
}
export type LoginAttempts = ReturnType<typeof createLoginAttempts>;

function constantTimeEquals(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
