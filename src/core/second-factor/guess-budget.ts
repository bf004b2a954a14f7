// One budget of wrong codes for every second-factor method (NIST SP 800-63B 5.2.2): SMS and app
// codes draw from the same budget per login attempt and per citizen per window, so neither a new
// attempt (which needs only the password) nor a switch of method buys more guesses. A slot is
// reserved before the code is checked, so parallel guesses cannot exceed the budget; a right code
// gives its slot back.
import type { Config } from '../../../config/index.ts';
import type { AuditLog } from '../audit.ts';
import type { Reservation, Throttle, ThrottleRule } from '../throttle.ts';

export interface GuessBudgetDeps {
  throttle: Throttle;
  audit: AuditLog;
  settings: Pick<Config['secondFactor'], 'wrongCodesPerAttempt' | 'wrongCodesPerCitizen'>;
  attemptTtlSeconds: number;
}

export interface CodeGuess {
  attemptId: string;
  citizenId: string;
  webdienstId?: string;
  clientAddress: string;
  method: string;
}

export interface BudgetSpent {
  ok: false;
  reason: 'budget_spent';
  retryAfterSeconds: number;
}

/** A budget of `max` guesses per window: the max-th reservation blocks until the window ends. */
const budget = (max: number, windowSeconds: number): ThrottleRule => ({
  freeFailures: max,
  baseDelaySeconds: windowSeconds,
  maxDelaySeconds: windowSeconds,
  windowSeconds,
});

export function createGuessBudget(deps: GuessBudgetDeps) {
  const perAttempt = budget(deps.settings.wrongCodesPerAttempt, deps.attemptTtlSeconds);
  const perCitizen = budget(deps.settings.wrongCodesPerCitizen.max, deps.settings.wrongCodesPerCitizen.windowSeconds);
  return {
    /** Checks a code with `check` only when the budget allows a guess; audits every refusal. */
    async guess<Check extends { ok: boolean }>(
      guess: CodeGuess,
      check: () => Promise<Check>,
    ): Promise<Check | BudgetSpent> {
      const reservations: Reservation[] = [];
      for (const [key, rule] of [
        [`code:attempt:${guess.attemptId}`, perAttempt],
        [`code:citizen:${guess.citizenId}`, perCitizen],
      ] as const) {
        const reservation = await deps.throttle.reserve(key, rule);
        if (!reservation.allowed) {
          for (const taken of reservations) await deps.throttle.release(taken);
          await deps.audit.record({
            type: 'login.second_factor',
            outcome: 'failure',
            reason: 'budget_spent',
            citizenId: guess.citizenId,
            webdienstId: guess.webdienstId,
            clientAddress: guess.clientAddress,
            details: { method: guess.method, budget: key.startsWith('code:attempt') ? 'attempt' : 'citizen' },
          });
          return { ok: false, reason: 'budget_spent', retryAfterSeconds: reservation.retryAfterSeconds };
        }
        reservations.push(reservation);
      }
      const result = await check();
      if (result.ok) for (const taken of reservations) await deps.throttle.release(taken);
      return result;
    },
  };
}
export type GuessBudget = ReturnType<typeof createGuessBudget>;
