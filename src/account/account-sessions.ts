// Sessions of the citizen's own pages: a random token in an HttpOnly cookie and only its SHA-256 in
// the database (a copy of the table opens nothing), with an idle timeout of 15 minutes and an
// absolute one of 3 hours, as for SSO sessions.
import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { newToken } from '../core/ids.ts';
import type { AccountSessionRow, Store } from '../stores/index.ts';

export const accountSessionIdleMs = 15 * 60 * 1000;
export const accountSessionAbsoluteMs = 3 * 3600 * 1000;

type SessionStore = Pick<
  Store,
  | 'insertAccountSession'
  | 'findAccountSession'
  | 'touchAccountSession'
  | 'updateAccountSessionPendingPhone'
  | 'deleteAccountSession'
>;

const idOf = (token: string): string => createHash('sha256').update(token).digest('hex');

export function createAccountSessions(store: SessionStore, clock: Clock) {
  return {
    /** A new session; the token goes into the cookie and nowhere else. */
    async start(citizenId: string, level: string): Promise<{ token: string; session: AccountSessionRow }> {
      const token = newToken();
      const now = clock.now();
      const session: AccountSessionRow = {
        id: idOf(token),
        citizenId,
        level,
        createdAt: now,
        expiresAt: now + accountSessionIdleMs,
        pendingPhone: null,
        pendingPhoneRef: null,
      };
      await store.insertAccountSession(session);
      return { token, session };
    },

    /** The live session of a cookie's token, its idle timeout moved forward; undefined when there is none. */
    async find(token: string | undefined): Promise<AccountSessionRow | undefined> {
      if (!token || token.length > 100) return undefined;
      const now = clock.now();
      const session = await store.findAccountSession(idOf(token), now);
      if (!session) return undefined;
      if (session.createdAt + accountSessionAbsoluteMs <= now) {
        await store.deleteAccountSession(session.id);
        return undefined;
      }
      const expiresAt = now + accountSessionIdleMs;
      await store.touchAccountSession(session.id, expiresAt);
      return { ...session, expiresAt };
    },

    async setPendingPhone(session: AccountSessionRow, phone: string, ref: string): Promise<void> {
      await store.updateAccountSessionPendingPhone(session.id, phone, ref);
    },

    async clearPendingPhone(session: AccountSessionRow): Promise<void> {
      await store.updateAccountSessionPendingPhone(session.id, null, null);
    },

    async end(session: AccountSessionRow): Promise<void> {
      await store.deleteAccountSession(session.id);
    },
  };
}
export type AccountSessions = ReturnType<typeof createAccountSessions>;
