// Failed-login throttling per account and per client address (DESIGN.md section 8, SECURITY-TESTS.md 5):
// a few free failures, then a growing delay (doubling, capped), kept in the database so every process
// sees it. Delays end by themselves: a stranger can slow a citizen down but never lock them out for good.
import type { Config } from '../../config/index.ts';
import type { Store, ThrottleRow } from '../stores/index.ts';
import type { Clock } from './clock.ts';

type Profile = Config['throttle']['account'];

export interface ThrottleVerdict {
  blocked: boolean;
  retryAfterSeconds: number;
  /** Whether any failure is on record for the key (so a success has something to clear). */
  hasFailures: boolean;
}

export interface FailureCount {
  failures: number;
  consecutiveFailures: number;
}

export function createThrottle(
  store: Pick<
    Store,
    'findThrottle' | 'findThrottles' | 'incrementThrottleFailures' | 'blockThrottleUntil' | 'clearThrottle'
  >,
  clock: Clock,
) {
  const verdictOf = (row: ThrottleRow | undefined): ThrottleVerdict => {
    const remaining = row ? row.blockedUntil - clock.now() : 0;
    return {
      blocked: remaining > 0,
      retryAfterSeconds: remaining > 0 ? Math.ceil(remaining / 1000) : 0,
      hasFailures: row !== undefined,
    };
  };
  return {
    async check(key: string): Promise<ThrottleVerdict> {
      return verdictOf(await store.findThrottle(key));
    },
    /** Two keys at once (one statement), verdicts in the same order. */
    async checkBoth(keys: [string, string]): Promise<[ThrottleVerdict, ThrottleVerdict]> {
      const [first, second] = await store.findThrottles(keys);
      return [verdictOf(first), verdictOf(second)];
    },
    async recordFailure(key: string, profile: Profile): Promise<FailureCount> {
      const now = clock.now();
      const row = await store.incrementThrottleFailures(key, now, now - profile.windowSeconds * 1000);
      // After freeFailures failures the next attempt already waits: baseDelay, then doubling.
      const excess = row.failures - profile.freeFailures;
      if (excess >= 0) {
        const delaySeconds = Math.min(profile.baseDelaySeconds * 2 ** Math.min(excess, 20), profile.maxDelaySeconds);
        await store.blockThrottleUntil(key, now + delaySeconds * 1000);
      }
      return { failures: row.failures, consecutiveFailures: row.consecutiveFailures };
    },
    async recordSuccess(key: string): Promise<void> {
      await store.clearThrottle(key);
    },
  };
}
export type Throttle = ReturnType<typeof createThrottle>;
