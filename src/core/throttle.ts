// Guess limits kept in the database, so every process sees them (NIST SP 800-63B 5.2.2, OWASP
// authentication cheat sheet). A guess first *reserves* a slot: the failure is counted, and the delay
// it earns is set, before the guess is checked; parallel guesses therefore never exceed the limit.
// A guess that turns out right gives its slot back (or clears the key). Delays grow (doubling,
// capped) and end by themselves.
import type { Store, ThrottleRow } from '../stores/index.ts';
import type { Clock } from './clock.ts';

export interface ThrottleRule {
  /** Failures in a window before each further one waits. */
  freeFailures: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  windowSeconds: number;
}

export type Reservation =
  | {
      allowed: true;
      key: string;
      /** Consecutive failures on the key, this reservation included. */
      consecutiveFailures: number;
      blockedUntilBefore: number;
      blockedUntilSet: number;
    }
  | { allowed: false; key: string; retryAfterSeconds: number };

export type ThrottleStore = Pick<
  Store,
  | 'findThrottle'
  | 'findThrottles'
  | 'insertThrottleIfAbsent'
  | 'replaceThrottle'
  | 'releaseThrottleReservation'
  | 'clearThrottle'
  | 'clearThrottles'
>;

/** Compare-and-set rounds before a reservation under heavy contention gives up (and refuses, briefly). */
const maxRounds = 50;

export function delayAfter(failures: number, rule: ThrottleRule): number {
  const excess = failures - rule.freeFailures;
  if (excess < 0) return 0;
  return Math.min(rule.baseDelaySeconds * 2 ** Math.min(excess, 20), rule.maxDelaySeconds) * 1000;
}

export function createThrottle(store: ThrottleStore, clock: Clock) {
  return {
    /** The current rows of several keys in one read, to hand to reserve (absent keys: null). */
    async read(keys: readonly string[]): Promise<Map<string, ThrottleRow | null>> {
      const found = await store.findThrottles(keys);
      return new Map(keys.map((key) => [key, found.get(key) ?? null]));
    },

    /**
     * Counts one guess before it is checked; refused while the key waits out a delay. `read` is the
     * row as read a moment ago (null: absent), which spares the first read: the write is a
     * compare-and-set against it, so a row that changed since is read again and the round repeats.
     */
    async reserve(key: string, rule: ThrottleRule, read?: ThrottleRow | null): Promise<Reservation> {
      for (let round = 0; round < maxRounds; round += 1) {
        const now = clock.now();
        const seen = round === 0 && read !== undefined ? (read ?? undefined) : await store.findThrottle(key);
        if (seen && seen.blockedUntil > now)
          return { allowed: false, key, retryAfterSeconds: Math.ceil((seen.blockedUntil - now) / 1000) };
        const windowOver = !seen || seen.windowStartedAt < now - rule.windowSeconds * 1000;
        const failures = windowOver ? 1 : seen.failures + 1;
        const delay = delayAfter(failures, rule);
        const next: ThrottleRow = {
          key,
          failures,
          consecutiveFailures: (seen?.consecutiveFailures ?? 0) + 1,
          windowStartedAt: windowOver ? now : seen.windowStartedAt,
          blockedUntil: delay ? now + delay : (seen?.blockedUntil ?? 0),
        };
        const won = seen ? await store.replaceThrottle(seen, next) : await store.insertThrottleIfAbsent(next);
        if (won)
          return {
            allowed: true,
            key,
            consecutiveFailures: next.consecutiveFailures,
            blockedUntilBefore: seen?.blockedUntil ?? 0,
            blockedUntilSet: next.blockedUntil,
          };
      }
      return { allowed: false, key, retryAfterSeconds: 1 };
    },

    /** The guess was right: its failure did not happen (counts elsewhere keep their other failures). */
    async release(reservation: Reservation): Promise<void> {
      if (!reservation.allowed) return;
      await store.releaseThrottleReservation(
        reservation.key,
        reservation.blockedUntilSet,
        reservation.blockedUntilBefore,
      );
    },

    /** Forgets every failure on the key (a successful login on an account, an operator's unblock). */
    async clear(key: string): Promise<void> {
      await store.clearThrottle(key);
    },

    /** clear for several keys, in one statement. */
    async clearAll(keys: readonly string[]): Promise<void> {
      await store.clearThrottles(keys);
    },
  };
}
export type Throttle = ReturnType<typeof createThrottle>;
