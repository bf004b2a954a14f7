// Counts an action against a limit in a window, in the shared throttle table so every process sees
// it. Counting first keeps parallel requests honest: the (max+1)th is refused however they interleave.
import type { Store } from '../../stores/index.ts';
import type { Clock } from '../clock.ts';

export interface Limit {
  max: number;
  windowSeconds: number;
}

export async function countAgainstLimit(
  store: Pick<Store, 'incrementThrottleFailures'>,
  clock: Clock,
  key: string,
  limit: Limit,
): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const now = clock.now();
  const row = await store.incrementThrottleFailures(key, now, now - limit.windowSeconds * 1000);
  const retryAfterSeconds = Math.max(1, Math.ceil((row.windowStartedAt + limit.windowSeconds * 1000 - now) / 1000));
  return { allowed: row.failures <= limit.max, retryAfterSeconds };
}
