// A guess in the account life cycle (a password asked again, a letter code, an app's first code)
// takes a slot on each of its limits before it is checked (throttle.ts reserve), so guesses sent in
// parallel never exceed a limit (NIST SP 800-63B 5.2.2). A guess that turns out right gives its
// slots back; a refused limit gives back the slots taken before it, as no guess was made.
import type { Reservation, Throttle, ThrottleRule } from '../throttle.ts';

export interface GuessLimit {
  key: string;
  rule: ThrottleRule;
}

export type GuessSlots =
  { allowed: true; giveBack(): Promise<void> } | { allowed: false; key: string; retryAfterSeconds: number };

export async function takeGuessSlots(throttle: Throttle, limits: GuessLimit[]): Promise<GuessSlots> {
  const taken: Reservation[] = [];
  const giveBack = async () => {
    for (const reservation of taken.splice(0)) await throttle.release(reservation);
  };
  for (const limit of limits) {
    const reservation = await throttle.reserve(limit.key, limit.rule);
    if (!reservation.allowed) {
      await giveBack();
      return { allowed: false, key: limit.key, retryAfterSeconds: reservation.retryAfterSeconds };
    }
    taken.push(reservation);
  }
  return { allowed: true, giveBack };
}
