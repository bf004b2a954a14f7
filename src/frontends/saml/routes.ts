// The SAML front-end's routes. Like the OIDC front-end it only translates: a
// verified AuthnRequest becomes a LoginRequest for the login layer, and the LoginResult becomes a
// signed Response, delivered by HTTP-Artifact (default) or HTTP-POST (webdiensten allowed it).
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { Config } from '../../../config/index.ts';
import { loginRefusal, refusalDescription } from '../../core/webdienst-access.ts';
import { heldAuditLog, recordAuditEvents, type AuditEvent, type AuditLog } from '../../core/audit.ts';
import type { ConnectionObserver } from '../../core/checklist/observer.ts';
import type { Clock } from '../../core/clock.ts';
import { PoortwachterError } from '../../core/errors.ts';
import { newToken } from '../../core/ids.ts';
import { levelByName, levelNameSchema, levels, type Level } from '../../core/levels.ts';
import type { LoginAttempts } from '../../core/login/attempts.ts';
import { redirectToLogin, type CookiePolicy } from '../../login/flow.ts';
import { passiveSsoLogin } from '../../login/sso-step.ts';
import { readSsoCookie } from '../../login/sso-cookie.ts';
import type { SsoSessions } from '../../core/sso/sessions.ts';
import type { MaintenanceMode } from '../../core/maintenance.ts';
import type { LoginResult } from '../../core/login/login-request.ts';
import { readForm } from '../../http/form-body.ts';
import { render } from '../../http/views.ts';
import type { Store, WebdienstWithOrganisation } from '../../stores/index.ts';
import { issueArtifact, resolveArtifact } from './artifact.ts';
import { readSoapBody, soapFault } from './soap.ts';
import { readPostRequest, readRedirectRequest, type VerifiedAuthnRequest } from './authn-request.ts';
import { bindings, samlPaths, type SamlIdp } from './idp.ts';
import { releaseSubject } from '../../core/subject.ts';
import { buildResponse, nameIdOf, samlId, statusCodes, type AssertionContent, type SamlStatus } from './response.ts';
import { trustedRegistration } from './trusted-certificates.ts';
import { metadataExpired } from './sp-metadata.ts';
import { ClientCertificateRefused, type BackChannelAuthentication } from './client-certificate-check.ts';
import type { ClientCertificateState } from '../../http/client-certificate.ts';
import type { CertificateTrust } from '../../core/trust/certificate-trust.ts';
import { SamlRefused } from './xml.ts';
import { postIssuer, redirectIssuer, refusalItem } from './refused-issuer.ts';

export interface SamlRouteDeps {
  idp: SamlIdp;
  store: Pick<
    Store,
    | 'findWebdienstByClientId'
    | 'findWebdienstById'
    | 'findCitizenById'
    | 'insertSamlRequest'
    | 'findSamlRequest'
    | 'insertSamlArtifact'
    | 'takeSamlArtifact'
  >;
  attempts: LoginAttempts;
  audit: AuditLog;
  clock: Clock;
  config: Pick<Config, 'saml' | 'login'>;
  pairwiseSalt: string;
  cookies: CookiePolicy;
  sso: SsoSessions;
  maintenance: MaintenanceMode;
  /** The connection checklist's observer (outside production). */
  observer?: ConnectionObserver;
  trust: CertificateTrust;
  backChannel: BackChannelAuthentication;
}

/** What we keep of a verified request while the citizen logs in (saml_requests.payload). */
const pendingRequestSchema = z.object({
  requestId: z.string(),
  acsUrl: z.string(),
  acsBinding: z.string(),
  relayState: z.string().optional(),
  level: levelNameSchema,
});
type PendingRequest = z.infer<typeof pendingRequestSchema>;

const resumeCookie = 'poortwachter_saml';

export function samlRoutes(deps: SamlRouteDeps): Router {
  const router = new Router();
  const checkDeps = () => ({
    idp: deps.idp,
    store: deps.store,
    trust: deps.trust,
    now: deps.clock.now(),
    maxAgeMs: deps.config.saml.requestMaxAgeSeconds * 1000,
    clockSkewMs: deps.config.saml.clockSkewSeconds * 1000,
  });

  router.get(samlPaths.metadata, (ctx) => {
    ctx.type = 'application/samlmetadata+xml';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = deps.idp.metadataXml();
  });

  async function deliver(
    ctx: Context,
    webdienst: WebdienstWithOrganisation,
    pending: PendingRequest,
    status: SamlStatus,
    assertion?: AssertionContent,
    /** Events of this request held back to go into the audit trail with the response's own, in one append. */
    heldEvents: AuditEvent[] = [],
  ): Promise<void> {
    const now = deps.clock.now();
    const encryptFor =
      pending.acsBinding === bindings.post
        ? trustedRegistration(deps.trust, webdienst).encryptionCertificates[0]
        : undefined;
    const xml = buildResponse({
      idp: deps.idp,
      inResponseTo: pending.requestId,
      destination: pending.acsUrl,
      audience: webdienst.clientId,
      now,
      status,
      ...(assertion ? { assertion } : {}),
      ...(encryptFor ? { encryptFor } : {}),
    });
    // Before the answer exists (artifact stored, form rendered): nothing leaves unaudited.
    await recordAuditEvents(deps.audit, [
      ...heldEvents,
      {
        type: 'saml.response',
        outcome: status.code === statusCodes.success ? 'success' : 'failure',
        reason: status.subCode?.split(':').pop(),
        webdienstId: webdienst.id,
        clientAddress: ctx.ip,
        details: { binding: pending.acsBinding === bindings.post ? 'post' : 'artifact' },
      },
    ]);
    ctx.set('Cache-Control', 'no-store');
    if (pending.acsBinding === bindings.post) {
      // HTTP-POST: the browser carries the answer; nothing left for the webdienst to collect.
      await deps.observer?.observe({
        webdienstId: webdienst.id,
        item: 'answer_collected',
        ok: true,
        evidence: 'Response delivered by HTTP-POST',
      });
      return render(ctx, 'saml/post.njk', {
        action: pending.acsUrl,
        samlResponse: Buffer.from(xml, 'utf8').toString('base64'),
        relayState: pending.relayState,
      });
    }
    const artifact = await issueArtifact(
      { idp: deps.idp, store: deps.store, now, ttlMs: deps.config.saml.artifactTtlSeconds * 1000 },
      webdienst.id,
      xml,
    );
    const query = new URLSearchParams({
      SAMLart: artifact,
      ...(pending.relayState ? { RelayState: pending.relayState } : {}),
    });
    ctx.status = 303;
    ctx.redirect(`${pending.acsUrl}${pending.acsUrl.includes('?') ? '&' : '?'}${query.toString()}`);
  }

  /** The checklist's view of an accepted AuthnRequest: signed, at a registered ACS. */
  async function observeRequest(request: VerifiedAuthnRequest): Promise<void> {
    if (!deps.observer) return;
    const webdienstId = request.webdienst.id;
    const binding = request.acs.binding === bindings.post ? 'HTTP-POST' : 'HTTP-Artifact';
    await deps.observer.observeAll([
      { webdienstId, item: 'request_signed', ok: true, evidence: 'signed AuthnRequest accepted' },
      {
        webdienstId,
        item: 'registered_endpoint',
        ok: true,
        evidence: `registered ACS ${request.acs.location} (${binding})`,
      },
    ]);
  }

  /**
   * A refused AuthnRequest whose Issuer is a registered webdienst becomes a failed checklist item; the
   * Issuer is read without trusting the message (it only picks whose checklist the failure goes to).
   */
  async function observingRefusal<T>(reading: Promise<T>, issuer: () => string | undefined): Promise<T> {
    try {
      return await reading;
    } catch (error) {
      const observer = deps.observer;
      const item = error instanceof SamlRefused ? refusalItem(error.reason) : undefined;
      const entityId = observer && item ? issuer() : undefined;
      const webdienst = entityId ? await deps.store.findWebdienstByClientId(entityId) : undefined;
      if (observer && item && webdienst?.protocol === 'saml')
        await observer.observe({
          webdienstId: webdienst.id,
          item,
          ok: false,
          evidence: `AuthnRequest refused: ${(error as SamlRefused).reason}`,
        });
      throw error;
    }
  }

  async function startLogin(ctx: Context, request: VerifiedAuthnRequest): Promise<void> {
    const ref = newToken();
    const browserBinding = newToken();
    const now = deps.clock.now();
    const pending: PendingRequest = {
      requestId: request.requestId,
      acsUrl: request.acs.location,
      acsBinding: request.acs.binding,
      ...(request.relayState !== undefined ? { relayState: request.relayState } : {}),
      level: request.level === 'unmet' ? levels.hoog.name : request.level.name,
    };
    // The (webdienst, ID) pair is unique in the database shared by every process.
    const stored = await deps.store.insertSamlRequest({
      id: ref,
      webdienstId: request.webdienst.id,
      requestId: request.requestId,
      browserBinding,
      payload: pending,
      createdAt: now,
      expiresAt:
        now +
        Math.max(
          deps.config.login.attemptTtlSeconds,
          deps.config.saml.requestMaxAgeSeconds + deps.config.saml.clockSkewSeconds,
        ) *
          1000,
    });
    if (!stored) throw new SamlRefused('replayed_request_id');
    await observeRequest(request);
    await deps.audit.record({
      type: 'saml.request',
      outcome: request.invalid ? 'failure' : 'success',
      reason: request.invalid,
      webdienstId: request.webdienst.id,
      clientAddress: ctx.ip,
      details: {
        binding: request.acs.binding === bindings.post ? 'post' : 'artifact',
        forceAuthn: request.forceAuthn,
        isPassive: request.isPassive,
      },
    });

    // authn-request.ts checkFields: signed, from a known webdienst, a usable ACS, but not servable.
    if (request.invalid)
      return deliver(ctx, request.webdienst, pending, {
        code: statusCodes.requester,
        subCode: statusCodes.noSupportedIdp,
        message: 'Invalid request',
      });

    // In maintenance the webdienst gets the answer at once, as a Response it knows how to read.
    if (await deps.maintenance.current())
      return deliver(ctx, request.webdienst, pending, {
        code: statusCodes.responder,
        message: 'Temporarily unavailable: the identity provider is down for maintenance',
      });

    // A suspended webdienst (or organisation): the core refuses, the webdienst reads RequestDenied.
    const refusal = loginRefusal(request.webdienst);
    if (refusal) {
      await deps.audit.record({
        type: 'saml.login_refused',
        outcome: 'failure',
        reason: refusal,
        webdienstId: request.webdienst.id,
        clientAddress: ctx.ip,
      });
      return deliver(ctx, request.webdienst, pending, {
        code: statusCodes.responder,
        subCode: statusCodes.requestDenied,
        message: refusalDescription[refusal],
      });
    }

    // Metadata read from a URL counts only until its validUntil (SAML Metadata 2.3.1); past it, and
    // until a refresh brings valid metadata, the webdienst reads RequestDenied and no one logs in.
    if (metadataExpired(request.webdienst, now)) {
      await deps.audit.record({
        type: 'saml.login_refused',
        outcome: 'failure',
        reason: 'metadata_expired',
        webdienstId: request.webdienst.id,
        clientAddress: ctx.ip,
      });
      return deliver(ctx, request.webdienst, pending, {
        code: statusCodes.responder,
        subCode: statusCodes.requestDenied,
        message: "this webdienst's SAML metadata has expired (validUntil passed) and no valid metadata was read since",
      });
    }

    // A level we cannot deliver is the standard error, without a login.
    if (request.level === 'unmet')
      return deliver(ctx, request.webdienst, pending, {
        code: statusCodes.responder,
        subCode: statusCodes.noAuthnContext,
        message: 'The requested level of assurance cannot be delivered',
      });
    // SAML core 3.4.1: IsPassive allows no page; only an SSO session that suffices as it is can answer.
    if (request.isPassive) {
      const session = await passiveSsoLogin(ctx, { sso: deps.sso, audit: deps.audit }, request.webdienst, {
        requiredLevel: request.level,
        forceAuthentication: request.forceAuthn,
      });
      if (!session)
        return deliver(ctx, request.webdienst, pending, {
          code: statusCodes.responder,
          subCode: statusCodes.noPassive,
        });
      return answerAuthenticated(
        ctx,
        request.webdienst,
        pending,
        session.citizenId,
        levelByName(session.level),
        session.authenticatedAt,
      );
    }

    ctx.cookies.set(resumeCookie, browserBinding, {
      path: samlPaths.resume(ref),
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.cookies.secure,
      signed: false,
      overwrite: true,
    });
    await redirectToLogin(
      ctx,
      deps.attempts,
      {
        protocol: 'saml',
        protocolRef: ref,
        webdienst: request.webdienst,
        requiredLevel: request.level,
        forceAuthentication: request.forceAuthn,
        resumeUrl: samlPaths.resume(ref),
        clientAddress: ctx.ip,
      },
      deps.cookies,
    );
  }

  router.get(samlPaths.sso, async (ctx) =>
    startLogin(
      ctx,
      await observingRefusal(readRedirectRequest(ctx.querystring, checkDeps()), () => redirectIssuer(ctx.querystring)),
    ),
  );
  router.post(samlPaths.sso, async (ctx) => {
    const form = await readForm(ctx);
    return startLogin(ctx, await observingRefusal(readPostRequest(form, checkDeps()), () => postIssuer(form)));
  });

  router.get(samlPaths.resume(':ref'), async (ctx) => {
    const ref = String(ctx.params.ref);
    const request = ref.length <= 64 ? await deps.store.findSamlRequest(ref) : undefined;
    const binding = ctx.cookies.get(resumeCookie, { signed: false });
    if (!request || request.expiresAt <= deps.clock.now() || !binding || binding !== request.browserBinding) {
      throw new PoortwachterError('login.expired', {
        status: 400,
        logMessage: 'SAML resume: unknown or expired request, or another browser',
      });
    }
    const result: LoginResult | undefined = await deps.attempts.takeResult('saml', ref);
    if (!result)
      throw new PoortwachterError('login.expired', {
        status: 400,
        logMessage: 'SAML resume without a login result (replayed or unfinished)',
      });
    ctx.cookies.set(resumeCookie, null, { path: samlPaths.resume(ref), signed: false, overwrite: true });
    const webdienst = await deps.store.findWebdienstById(request.webdienstId);
    if (!webdienst)
      throw new PoortwachterError('error.bad_request', {
        status: 400,
        logMessage: 'SAML webdienst no longer registered',
      });
    const stored = pendingRequestSchema.safeParse(request.payload);
    if (!stored.success)
      throw new PoortwachterError('error.internal', {
        status: 500,
        expose: false,
        logMessage: `stored SAML request does not fit its schema: ${stored.error.issues[0]?.message ?? ''}`,
      });
    const pending = stored.data;
    if (result.outcome === 'cancelled')
      return deliver(ctx, webdienst, pending, {
        code: statusCodes.responder,
        subCode: statusCodes.authnFailed,
        message: 'Authentication cancelled',
      });
    if (result.outcome === 'unmet')
      return deliver(ctx, webdienst, pending, { code: statusCodes.responder, subCode: statusCodes.noAuthnContext });
    return answerAuthenticated(ctx, webdienst, pending, result.citizenId, result.level, result.authenticatedAt);
  });

  /** The assertion for an authenticated citizen; the webdienst joins the browser's SSO session under its SessionIndex (single logout). */
  async function answerAuthenticated(
    ctx: Context,
    webdienst: WebdienstWithOrganisation,
    pending: PendingRequest,
    citizenId: string,
    level: Level,
    authenticatedAt: number,
  ): Promise<void> {
    const citizen = await deps.store.findCitizenById(citizenId);
    if (!citizen || citizen.status !== 'active')
      return deliver(ctx, webdienst, pending, { code: statusCodes.responder, subCode: statusCodes.requestDenied });
    if (level.rank < levelByName(pending.level).rank)
      return deliver(ctx, webdienst, pending, { code: statusCodes.responder, subCode: statusCodes.noAuthnContext });
    const sessionIndex = samlId();
    // The release is audited in one append with the response (deliver), before the response exists.
    const releaseAudit = heldAuditLog();
    const released = nameIdOf(
      await releaseSubject(releaseAudit, deps.pairwiseSalt, citizen, webdienst, {
        protocol: 'saml',
        clientAddress: ctx.ip,
      }),
    );
    const ssoSession = await deps.sso.findLive(readSsoCookie(ctx), webdienst);
    if (ssoSession?.citizenId === citizen.id) await deps.sso.join(ssoSession, webdienst, 'saml', sessionIndex);
    return deliver(
      ctx,
      webdienst,
      pending,
      { code: statusCodes.success },
      {
        ...released,
        levelUri: level.uri,
        authnInstant: authenticatedAt,
        sessionIndex,
        clientAddress: ctx.ip,
      },
      releaseAudit.held,
    );
  }

  router.post(samlPaths.artifact, async (ctx) => {
    ctx.type = 'text/xml; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    try {
      const { xml, webdienst, resolved } = await resolveArtifact(await readSoapBody(ctx), {
        idp: deps.idp,
        store: deps.store,
        trust: deps.trust,
        now: deps.clock.now(),
        backChannel: deps.backChannel,
        clientCertificate: (ctx.state as ClientCertificateState).clientCertificate,
      });
      await deps.audit.record({
        type: 'saml.artifact_resolve',
        outcome: resolved ? 'success' : 'failure',
        reason: resolved ? undefined : 'unknown_used_or_expired',
        webdienstId: webdienst.id,
        clientAddress: ctx.ip,
      });
      await deps.observer?.observe({
        webdienstId: webdienst.id,
        item: 'answer_collected',
        ok: resolved,
        evidence: resolved
          ? 'artifact resolved within its lifetime'
          : 'ArtifactResolve for an artifact unknown, already resolved or expired',
      });
      ctx.status = 200;
      ctx.body = xml;
    } catch (error) {
      if (!(error instanceof PoortwachterError)) throw error;
      const reason = (error instanceof SamlRefused ? error.reason : error.code).slice(0, 60);
      await deps.audit.record({ type: 'saml.artifact_resolve', outcome: 'failure', reason, clientAddress: ctx.ip });
      ctx.status = error.status;
      ctx.type = 'text/xml; charset=utf-8';
      ctx.body = soapFault(
        error instanceof ClientCertificateRefused
          ? `ArtifactResolve refused: ${error.publicReason}`
          : 'ArtifactResolve refused',
      );
    }
  });

  return router;
}
