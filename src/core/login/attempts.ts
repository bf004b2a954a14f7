// A login attempt is one pass through the login layer for one LoginRequest. It lives in the database
// (any process serves the next step) and is bound to the browser that started it by a random value
// kept in a cookie (a form posted without that cookie is refused).
//
// Its states, each move a compare-and-set on stage and citizen (never a blind write), so that two
// requests racing in one attempt cannot mix two citizens:
//   password ─(password of citizen C, or an SSO session of C to step up)─> second factor of C
//   password ─(Basis: password, or an SSO session)─────────────────────────> authenticated
//   second factor of C ─(a code of C)──────────────────────────────────────> authenticated as C
//   authenticated ─(taken by the front-end)─> finished;  pending ─(cancel)─> cancelled | unmet
// An attempt past its expiry is dead in every state.
import type { LoginAttemptRow, SecondFactorMethod, Store } from '../../stores/index.ts';
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
  | 'advanceLoginAttempt'
  | 'finishLatestLoginAttempt'
>;

/** The stage at which a citizen was authenticated: the password page, or the second factor. */
export type AuthenticatedAt = 'password' | 'second_factor';

const attemptChanged = () =>
  new PoortwachterError('login.expired', {
    status: 400,
    logMessage: 'login attempt changed by a parallel request',
  });

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

    /**
     * Ends the attempt as authenticated: from the password stage for a citizen not yet fixed (or the
     * same one), from the second-factor stage only for the citizen the attempt is bound to.
     * authenticatedAt: when the citizen gave the credentials (earlier for a reused SSO session).
     */
    async markAuthenticated(
      attempt: LoginAttemptRow,
      from: AuthenticatedAt,
      citizenId: string,
      levelName: string,
      authenticatedAt = clock.now(),
    ): Promise<boolean> {
      return store.advanceLoginAttempt(
        attempt.id,
        {
          status: 'pending',
          stage: from === 'password' ? 'password' : 'second_factor',
          citizen: from === 'password' ? { isOrUnset: citizenId } : { is: citizenId },
        },
        { status: 'authenticated', citizenId, levelReached: levelName, authenticatedAt },
      );
    },

    /**
     * Cancel by the citizen; where no second factor exists the webdienst hears the level was unmet.
     * A compare-and-set on the stage too: takeResult tells unmet from cancelled by the stage it finds.
     */
    async markCancelled(attempt: LoginAttemptRow): Promise<boolean> {
      return store.advanceLoginAttempt(
        attempt.id,
        { status: 'pending', stage: attempt.stage },
        { status: cancelledStatus(attempt.stage) },
      );
    },

    /**
     * After the password (or an SSO session that needs a step-up): the attempt is bound to this citizen
     * for good and waits for their second factor. Refused once another citizen was fixed.
     */
    async fixCitizen(attempt: LoginAttemptRow, citizenId: string): Promise<LoginAttemptRow> {
      const moved = await store.advanceLoginAttempt(
        attempt.id,
        { status: 'pending', stage: 'password', citizen: { isOrUnset: citizenId } },
        { stage: 'second_factor', citizenId, secondFactorMethod: null },
      );
      if (!moved) throw attemptChanged();
      return { ...attempt, stage: 'second_factor', citizenId, secondFactorMethod: null };
    },

    /** The second factor in use (a method), or none available (null: the citizen has no second factor). */
    async chooseSecondFactor(attempt: LoginAttemptRow, method: SecondFactorMethod | null): Promise<LoginAttemptRow> {
      if (attempt.stage === 'password' || !attempt.citizenId) throw attemptChanged();
      const stage = method ? 'second_factor' : 'no_second_factor';
      const moved = await store.advanceLoginAttempt(
        attempt.id,
        { status: 'pending', stage: attempt.stage, citizen: { is: attempt.citizenId } },
        { stage, secondFactorMethod: method },
      );
      if (!moved) throw attemptChanged();
      return { ...attempt, stage, secondFactorMethod: method };
    },

    /**
     * The result of the latest attempt for a front-end's interaction, taken once: a second call (a
     * replayed resume URL, a parallel request) finds nothing.
     */
    async takeResult(protocol: LoginAttemptRow['protocol'], protocolRef: string): Promise<LoginResult | undefined> {
      // One statement: the latest attempt moves to finished only from authenticated, cancelled or unmet.
      const attempt = await store.finishLatestLoginAttempt(protocol, protocolRef, clock.now());
      if (!attempt) return undefined;
      // Only markAuthenticated sets the level, and only cancelling ends an attempt without one, so the
      // finished row still says which it was.
      if (!attempt.citizenId || !attempt.levelReached) return { outcome: cancelledStatus(attempt.stage) };
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

/** What a cancel ends in: unmet where the citizen had no second factor for the level, else cancelled. */
const cancelledStatus = (stage: LoginAttemptRow['stage']): 'cancelled' | 'unmet' =>
  stage === 'no_second_factor' ? 'unmet' : 'cancelled';

function constantTimeEquals(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
