// SAML single logout started by a webdienst: a signed LogoutRequest at
// /saml/slo by HTTP-Redirect, HTTP-POST or SOAP. The SSO session ends, the other webdiensten are told by
// the core, and the initiator gets a signed LogoutResponse at its SingleLogoutService: by HTTP-Redirect
// (or HTTP-POST when that is the only front-channel endpoint it has), on SOAP in the SOAP answer. When a
// webdienst did not confirm, the citizen first sees where, then continues to the initiator.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Config } from '../../../config/index.ts';
import type { AuditLog } from '../../core/audit.ts';
import type { ConnectionObserver } from '../../core/checklist/observer.ts';
import type { Clock } from '../../core/clock.ts';
import { PoortwachterError } from '../../core/errors.ts';
import { newToken } from '../../core/ids.ts';
import { readSsoCookie } from '../../login/sso-cookie.ts';
import type { SsoSessions } from '../../core/sso/sessions.ts';
import type { SingleLogout } from '../../core/sso/single-logout.ts';
import { readForm } from '../../http/form-body.ts';
import { render } from '../../http/views.ts';
import type { Store } from '../../stores/index.ts';
import { bindings, samlPaths, type SamlIdp } from './idp.ts';
import {
  readPostLogoutRequest,
  readRedirectLogoutRequest,
  readSoapLogoutRequest,
  type VerifiedLogoutRequest,
} from './logout-request.ts';
import { logoutResponseRedirectUrl, signedLogoutResponse } from './logout-response.ts';
import { createSamlLogout, type SamlLogoutResult } from './logout-session.ts';
import { statusCodes } from './response.ts';
import { isSoapRequest, readSoapBody, soapEnvelope, soapFault } from './soap.ts';
import type { SamlRegistration } from './sp-metadata.ts';
import { SamlRefused } from './xml.ts';
import type { CertificateTrust } from '../../core/trust/certificate-trust.ts';
import type { ClientCertificateState } from '../../http/client-certificate.ts';
import {
  assertClientCertificateOf,
  ClientCertificateRefused,
  type BackChannelAuthentication,
} from './client-certificate-check.ts';

export interface SamlLogoutRouteDeps {
  idp: SamlIdp;
  store: Pick<Store, 'findWebdienstByClientId' | 'findCitizenById' | 'insertSamlRequest'>;
  sso: SsoSessions;
  singleLogout: SingleLogout;
  audit: AuditLog;
  clock: Clock;
  config: Pick<Config, 'saml' | 'publicUrl'>;
  pairwiseSalt: string;
  /** The connection checklist's observer (outside production). */
  observer?: ConnectionObserver;
  trust: CertificateTrust;
  backChannel: BackChannelAuthentication;
}

/** A refused LogoutRequest gets the error page with a logout text, not the login one (no SAML answer). */
async function refusedAsLogout<T>(reading: Promise<T>): Promise<T> {
  try {
    return await reading;
  } catch (error) {
    if (error instanceof SamlRefused)
      throw new PoortwachterError('saml.invalid_logout_request', { status: error.status, logMessage: error.message });
    throw error;
  }
}

/** Where the initiator gets its LogoutResponse in the browser: HTTP-Redirect first, else HTTP-POST. */
function answerEndpoint(registration: SamlRegistration): { binding: string; destination: string } | undefined {
  const services = registration.singleLogoutServices ?? [];
  const endpoint =
    services.find((service) => service.binding === bindings.redirect) ??
    services.find((service) => service.binding === bindings.post);
  return endpoint && { binding: endpoint.binding, destination: endpoint.responseLocation ?? endpoint.location };
}

export function samlLogoutRoutes(deps: SamlLogoutRouteDeps): Router {
  const router = new Router();
  const logOut = createSamlLogout(deps);
  const checkDeps = () => ({
    store: deps.store,
    trust: deps.trust,
    sloUrl: `${deps.config.publicUrl}${samlPaths.slo}`,
    now: deps.clock.now(),
    maxAgeMs: deps.config.saml.requestMaxAgeSeconds * 1000,
    clockSkewMs: deps.config.saml.clockSkewSeconds * 1000,
  });

  /** A LogoutRequest ID works once per webdienst, in every process (the AuthnRequest table). */
  async function refuseReplay(request: VerifiedLogoutRequest): Promise<void> {
    const now = deps.clock.now();
    const expiresAt = now + (deps.config.saml.requestMaxAgeSeconds + deps.config.saml.clockSkewSeconds) * 1000;
    const stored = await deps.store.insertSamlRequest({
      id: newToken(),
      webdienstId: request.webdienst.id,
      requestId: request.requestId,
      browserBinding: newToken(),
      payload: { logoutRequest: true },
      createdAt: now,
      expiresAt,
    });
    if (!stored)
      throw new PoortwachterError('saml.invalid_logout_request', {
        status: 400,
        logMessage: 'SAML message refused: replayed_request_id',
      });
  }

  async function audit(ctx: Context, request: VerifiedLogoutRequest, result: SamlLogoutResult): Promise<void> {
    await deps.audit.record({
      type: 'saml.logout_request',
      outcome: result.reason === 'unknown_principal' ? 'failure' : 'success',
      reason: result.reason,
      citizenId: result.citizenId,
      webdienstId: request.webdienst.id,
      clientAddress: ctx.ip,
      details: { binding: request.binding, partial: result.status.subCode === statusCodes.partialLogout },
    });
    await deps.observer?.observe({
      webdienstId: request.webdienst.id,
      item: 'logout',
      ok: true,
      evidence: `signed LogoutRequest by ${request.binding}`,
    });
  }

  async function answerBrowser(ctx: Context, request: VerifiedLogoutRequest): Promise<void> {
    await refuseReplay(request);
    const result = await logOut(request, readSsoCookie(ctx));
    await audit(ctx, request, result);
    ctx.set('Cache-Control', 'no-store');
    const logoutReport = { outcomes: result.outcomes };
    const endpoint = answerEndpoint(request.registration);
    // No front-channel SingleLogoutService in the metadata: nowhere to send the answer, so our own page.
    if (!endpoint) return render(ctx, 'logout/done.njk', { logoutReport });
    const response = {
      idp: deps.idp,
      inResponseTo: request.requestId,
      destination: endpoint.destination,
      now: deps.clock.now(),
      status: result.status,
    };
    const partial = result.status.subCode === statusCodes.partialLogout;
    if (endpoint.binding === bindings.redirect) {
      const redirectUrl = logoutResponseRedirectUrl({
        ...response,
        ...(request.relayState !== undefined ? { relayState: request.relayState } : {}),
      });
      if (partial)
        return render(ctx, 'saml/logout-partial.njk', { logoutReport, webdienst: request.webdienst, redirectUrl });
      ctx.status = 303;
      return ctx.redirect(redirectUrl);
    }
    const post = {
      action: endpoint.destination,
      samlResponse: Buffer.from(signedLogoutResponse(response), 'utf8').toString('base64'),
      relayState: request.relayState,
    };
    if (partial) return render(ctx, 'saml/logout-partial.njk', { logoutReport, webdienst: request.webdienst, post });
    return render(ctx, 'saml/post.njk', post);
  }

  /** SOAP (back channel, no browser): only a SessionIndex can name the session. */
  async function answerSoap(ctx: Context): Promise<void> {
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'text/xml; charset=utf-8';
    try {
      const request = await readSoapLogoutRequest(await readSoapBody(ctx), {
        ...checkDeps(),
        sloUrl: deps.idp.soapSloUrl,
      });
      // The session named by the SessionIndex is the sender's: its TLS client certificate must be too.
      assertClientCertificateOf(
        deps.backChannel,
        (ctx.state as ClientCertificateState).clientCertificate,
        request.webdienst,
      );
      await refuseReplay(request);
      const result: SamlLogoutResult = request.sessionIndexes.length
        ? await logOut(request, undefined)
        : {
            status: {
              code: statusCodes.requester,
              subCode: statusCodes.requestUnsupported,
              message: 'A SessionIndex is required on the SOAP binding',
            },
            outcomes: [],
          };
      await audit(ctx, request, result);
      ctx.status = 200;
      ctx.body = soapEnvelope(
        signedLogoutResponse({
          idp: deps.idp,
          inResponseTo: request.requestId,
          now: deps.clock.now(),
          status: result.status,
        }),
      );
    } catch (error) {
      if (!(error instanceof PoortwachterError)) throw error;
      const reason = (error instanceof SamlRefused ? error.reason : error.code).slice(0, 60);
      await deps.audit.record({
        type: 'saml.logout_request',
        outcome: 'failure',
        reason,
        clientAddress: ctx.ip,
        details: { binding: 'soap' },
      });
      ctx.status = error.status;
      ctx.type = 'text/xml; charset=utf-8';
      ctx.body = soapFault(
        error instanceof ClientCertificateRefused
          ? `LogoutRequest refused: ${error.publicReason}`
          : 'LogoutRequest refused',
      );
    }
  }

  router.get(samlPaths.slo, async (ctx) =>
    answerBrowser(ctx, await refusedAsLogout(readRedirectLogoutRequest(ctx.querystring, checkDeps()))),
  );
  router.post(samlPaths.slo, async (ctx) =>
    isSoapRequest(ctx)
      ? answerSoap(ctx)
      : answerBrowser(ctx, await refusedAsLogout(readPostLogoutRequest(await readForm(ctx), checkDeps()))),
  );
  return router;
}
