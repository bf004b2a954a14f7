// A clock that stands still until a test moves it (tests pass a fake clock), so
// throttle delays, timeouts and expiries can be tested without sleeping.
import type { Clock } from '../../src/core/clock.ts';

export class FakeClock implements Clock {
  private current: number;

  /** Starts at the real time, so values the server shares with real-time code (oidc-provider) stay plausible. */
  constructor(start: number = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    if (ms < 0) throw new Error('a clock does not go back');
    this.current += ms;
  }

  advanceSeconds(seconds: number): void {
    this.advance(seconds * 1000);
  }
}
