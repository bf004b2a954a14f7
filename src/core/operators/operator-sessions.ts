// Sessions of the admin console, apart from the citizens' SSO and account sessions: a random token in
// the operator's cookie and only its SHA-256 in the database (any process serves the next request; a
// copy of the table opens nothing). Idle timeout 15 minutes, absolute 8 hours (a working day); a
// disabled operator's session opens nothing (NIST SP 800-63B 7.2: reauthentication).
import { createHash } from 'node:crypto';
import type { OperatorRow, OperatorSessionRow, Store } from '../../stores/index.ts';
import type { Clock } from '../clock.ts';
import { newToken } from '../ids.ts';

export const operatorSessionIdleMs = 15 * 60 * 1000;
export const operatorSessionAbsoluteMs = 8 * 3600 * 1000;

type SessionStore = Pick<
  Store,
  | 'insertOperatorSession'
  | 'findOperatorSession'
  | 'touchOperatorSession'
  | 'deleteOperatorSession'
  | 'findOperatorById'
>;

export interface OperatorSignedIn {
  session: OperatorSessionRow;
  operator: OperatorRow;
}

const idOf = (token: string): string => createHash('sha256').update(token).digest('hex');

export function createOperatorSessions(store: SessionStore, clock: Clock) {
  return {
    /** A new session after a full login; the token goes into the cookie and nowhere else. */
    async start(operator: OperatorRow): Promise<{ token: string; session: OperatorSessionRow }> {
      const token = newToken();
      const now = clock.now();
      const session: OperatorSessionRow = {
        id: idOf(token),
        operatorId: operator.id,
        createdAt: now,
        expiresAt: now + operatorSessionIdleMs,
      };
      await store.insertOperatorSession(session);
      return { token, session };
    },

    /** The signed-in operator of a cookie's token, the idle timeout moved on; undefined when none. */
    async find(token: string | undefined): Promise<OperatorSignedIn | undefined> {
      if (!token || token.length > 100) return undefined;
      const now = clock.now();
      const session = await store.findOperatorSession(idOf(token), now);
      if (!session) return undefined;
      const operator = await store.findOperatorById(session.operatorId);
      if (!operator || operator.disabledAt !== null || session.createdAt + operatorSessionAbsoluteMs <= now) {
        await store.deleteOperatorSession(session.id);
        return undefined;
      }
      const expiresAt = Math.min(now + operatorSessionIdleMs, session.createdAt + operatorSessionAbsoluteMs);
      await store.touchOperatorSession(session.id, expiresAt);
      return { session: { ...session, expiresAt }, operator };
    },

    async end(session: OperatorSessionRow): Promise<void> {
      await store.deleteOperatorSession(session.id);
    },
  };
}
export type OperatorSessions = ReturnType<typeof createOperatorSessions>;
