// The SSO step of the login layer: before the password is asked, an SSO session
// of the browser in the webdienst's federation may stand in for it. The decision is taken when the
// browser shows up at the login page (the SSO cookie is SameSite=Lax: sent on that top-level GET even
// when a webdienst started the login by a cross-site POST), and again on "continue".
import type { Context } from 'koa';
import { render } from '../http/views.ts';
import type { LoginAttemptRow, SsoSessionRow, Store, WebdienstRow } from '../stores/index.ts';
import type { AuditLog } from '../core/audit.ts';
import { levelByName } from '../core/levels.ts';
import { readSsoCookie, writeSsoCookie } from './sso-cookie.ts';
import type { SsoDecision, SsoRequest } from '../core/sso/decision.ts';
import type { SsoSessions } from '../core/sso/sessions.ts';
import type { SingleLogout } from '../core/sso/single-logout.ts';
import type { LoginAttempts } from '../core/login/attempts.ts';
import { loginPath, returnToFrontend, type CookiePolicy, type Resumers } from './flow.ts';

export interface SsoStepDeps {
  store: Pick<Store, 'findWebdienstById' | 'findCitizenById'>;
  attempts: LoginAttempts;
  sso: SsoSessions;
  audit: AuditLog;
  cookies: CookiePolicy;
  /** Federations whose citizens go on without the "you are logged in as" page. */
  skipInterstitialFederations: readonly string[];
  resumers?: Resumers;
  singleLogout: SingleLogout;
}

async function decisionFor(ctx: Context, deps: SsoStepDeps, attempt: LoginAttemptRow): Promise<SsoDecision> {
  const webdienst = await deps.store.findWebdienstById(attempt.webdienstId);
  if (!webdienst) return { kind: 'authenticate', reason: 'no_session' };
  return deps.sso.decide(readSsoCookie(ctx), webdienst, {
    requiredLevel: levelByName(attempt.requiredLevel),
    forceAuthentication: attempt.forceAuthentication,
    clientAddress: ctx.ip,
  });
}

/**
 * Handles the first view of the login page when an SSO session applies: the interstitial page, the
 * reused session, or the step-up to the second factor. False: ask for the password as usual.
 */
export async function offerSso(ctx: Context, deps: SsoStepDeps, attempt: LoginAttemptRow): Promise<boolean> {
  if (attempt.stage !== 'password') return false;
  const decision = await decisionFor(ctx, deps, attempt);
  if (decision.kind === 'authenticate') return false;
  if (decision.kind === 'step_up') {
    await deps.attempts.fixCitizen(attempt, decision.session.citizenId);
    await deps.audit.record({
      type: 'login.sso_step_up',
      outcome: 'info',
      citizenId: decision.session.citizenId,
      webdienstId: attempt.webdienstId,
      clientAddress: ctx.ip,
      details: { from: decision.session.level, to: attempt.requiredLevel },
    });
    ctx.status = 303;
    ctx.redirect(`${loginPath(attempt.id)}/code`);
    return true;
  }
  if (deps.skipInterstitialFederations.includes(decision.session.federation)) {
    await continueWithSession(ctx, deps, attempt, decision.session);
    return true;
  }
  const [webdienst, citizen] = await Promise.all([
    deps.store.findWebdienstById(attempt.webdienstId),
    deps.store.findCitizenById(decision.session.citizenId),
  ]);
  render(ctx, 'login/sso-continue.njk', { attempt, webdienst, username: citizen?.username });
  return true;
}

/** "Continue": the session is checked again (it may have ended since the page was shown). */
export async function continueWithSso(ctx: Context, deps: SsoStepDeps, attempt: LoginAttemptRow): Promise<void> {
  const decision = await decisionFor(ctx, deps, attempt);
  if (decision.kind !== 'reuse') {
    ctx.status = 303;
    ctx.redirect(loginPath(attempt.id));
    return;
  }
  await continueWithSession(ctx, deps, attempt, decision.session);
}

/**
 * "Log out" on the interstitial page: the session ends everywhere (single logout), and this login
 * goes on with the password page, which says where the citizen was logged out.
 */
export async function logOutFromSso(ctx: Context, deps: SsoStepDeps, attempt: LoginAttemptRow): Promise<void> {
  const webdienst = await deps.store.findWebdienstById(attempt.webdienstId);
  const session = webdienst && (await deps.sso.findLive(readSsoCookie(ctx), webdienst));
  const report = session ? await deps.singleLogout(session) : undefined;
  render(ctx, 'login/password.njk', { attempt, webdienst, logoutReport: report });
}

async function continueWithSession(
  ctx: Context,
  deps: SsoStepDeps,
  attempt: LoginAttemptRow,
  session: SsoSessionRow,
): Promise<void> {
  if (
    !(await deps.attempts.markAuthenticated(
      attempt,
      'password',
      session.citizenId,
      session.level,
      session.authenticatedAt,
    ))
  )
    return;
  await deps.sso.touch(session);
  await deps.audit.record({
    type: 'login.sso_reused',
    outcome: 'success',
    citizenId: session.citizenId,
    webdienstId: attempt.webdienstId,
    clientAddress: ctx.ip,
    details: { level: session.level },
  });
  await returnToFrontend(ctx, attempt, deps.resumers);
}

/**
 * A passive request (SAML IsPassive) may show no page: the SSO session answers it as it is, or
 * nothing does (undefined; the front-end answers with its protocol's "no passive" error).
 */
export async function passiveSsoLogin(
  ctx: Context,
  deps: Pick<SsoStepDeps, 'sso' | 'audit'>,
  webdienst: Pick<WebdienstRow, 'id' | 'federation'>,
  request: Omit<SsoRequest, 'clientAddress'>,
): Promise<SsoSessionRow | undefined> {
  const decision = await deps.sso.decide(readSsoCookie(ctx), webdienst, { ...request, clientAddress: ctx.ip });
  if (decision.kind !== 'reuse') return undefined;
  await deps.sso.touch(decision.session);
  await deps.audit.record({
    type: 'login.sso_reused',
    outcome: 'success',
    citizenId: decision.session.citizenId,
    webdienstId: webdienst.id,
    clientAddress: ctx.ip,
    details: { level: decision.session.level, passive: true },
  });
  return decision.session;
}

/** A completed login becomes (or renews) the browser's SSO session in the webdienst's federation. */
export async function recordSsoAuthentication(
  ctx: Context,
  deps: SsoStepDeps,
  attempt: LoginAttemptRow,
  citizenId: string,
  levelName: string,
): Promise<void> {
  const webdienst = await deps.store.findWebdienstById(attempt.webdienstId);
  if (!webdienst) return;
  const recorded = await deps.sso.recordAuthentication(readSsoCookie(ctx), webdienst, {
    citizenId,
    level: levelByName(levelName),
    clientAddress: ctx.ip,
  });
  if (recorded) writeSsoCookie(ctx, recorded.browserToken, deps.cookies);
}
