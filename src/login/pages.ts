// What the login pages share: their dependencies, the context of a page under /:attemptId, and
// the page helpers the route files (routes.ts, second-factor-routes.ts) use.
import type { Context } from 'koa';
import type { AuditLog } from '../core/audit.ts';
import type { AuthenticatedAt, LoginAttempts } from '../core/login/attempts.ts';
import type { DeviceCookies } from '../core/login/device-cookie.ts';
import type { PasswordStepDeps } from '../core/login/password-step.ts';
import type { AuthenticatorApp } from '../core/second-factor/authenticator-app.ts';
import type { GuessBudget } from '../core/second-factor/guess-budget.ts';
import type { OneTimeCodes } from '../core/second-factor/one-time-codes.ts';
import type { CitizenRow, LoginAttemptRow, Store } from '../stores/index.ts';
import type { CookiePolicy, Resumers } from './flow.ts';
import type { SsoStepDeps } from './sso-step.ts';

export interface LoginRouteDeps {
  store: Pick<Store, 'findWebdienstById' | 'findCitizenById'>;
  attempts: LoginAttempts;
  passwordStep: PasswordStepDeps;
  oneTimeCodes: OneTimeCodes;
  authenticatorApp: AuthenticatorApp;
  guessBudget: GuessBudget;
  deviceCookies: DeviceCookies;
  cookies: CookiePolicy;
  /** Countries whose mobile numbers may receive SMS codes. */
  allowedCountryPrefixes: string[];
  audit: AuditLog;
  publicUrl: string;
  /** Front-ends that take the result in-process (flow.ts Resumer). */
  resumers?: Resumers;
  sso: Omit<SsoStepDeps, 'store' | 'attempts' | 'audit' | 'resumers'>;
}

/** The context of a page under /:attemptId, with @koa/router's path parameters. */
export type AttemptContext = Context & { params: Record<string, string> };

export interface LoginPages {
  deps: LoginRouteDeps;
  pendingAttempt(ctx: AttemptContext): Promise<LoginAttemptRow>;
  show(
    ctx: Context,
    template: string,
    attempt: LoginAttemptRow,
    extra?: Record<string, unknown>,
    status?: number,
  ): Promise<void>;
  finish(
    ctx: Context,
    attempt: LoginAttemptRow,
    from: AuthenticatedAt,
    citizen: CitizenRow,
    levelName: string,
  ): Promise<void>;
}
