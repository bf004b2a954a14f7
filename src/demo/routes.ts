// The demo webdienst (development and preproduction only): a real OIDC client of this service, served
// by the same process, so a newcomer can click through a whole login and see what a webdienst receives.
import Router from '@koa/router';
import * as oidc from 'openid-client';
import type { Config } from '../../config/index.ts';
import { PoortwachterError } from '../core/errors.ts';
import { levelFromUri } from '../core/levels.ts';
import { render } from '../http/views.ts';
import type { Store } from '../stores/index.ts';

const flowCookie = 'demo_flow';

export function demoRoutes({
  store,
  config,
}: {
  store: Pick<Store, 'findWebdienstByClientId'>;
  config: Config;
}): Router {
  const router = new Router({ prefix: '/demo' });
  const redirectUri = `${config.publicUrl}/demo/callback`;
  const demoClientId = config.demo.clientId;
  let discovered: Promise<oidc.Configuration> | undefined;

  async function client(): Promise<oidc.Configuration> {
    discovered ??= (async () => {
      const webdienst = await store.findWebdienstByClientId(demoClientId);
      const secret = webdienst?.protocolMetadata.client_secret;
      if (typeof secret !== 'string')
        throw new PoortwachterError('demo.not_registered', {
          status: 503,
          logMessage: 'demo webdienst missing from the database (seed did not run)',
        });
      return oidc.discovery(new URL(config.publicUrl), demoClientId, undefined, oidc.ClientSecretBasic(secret), {
        execute: config.publicUrl.startsWith('http://') ? [oidc.allowInsecureRequests] : [],
      });
    })().catch((error: unknown) => {
      discovered = undefined;
      throw error;
    });
    return discovered;
  }

  router.get('/', async (ctx) => {
    const webdienst = await store.findWebdienstByClientId(demoClientId);
    render(ctx, 'demo/home.njk', { webdienst });
  });

  router.get('/login', async (ctx) => {
    const configuration = await client();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const level =
      ctx.query.level === 'midden' ? 'urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract' : undefined;
    ctx.cookies.set(flowCookie, JSON.stringify({ verifier, state, nonce }), {
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      maxAge: 15 * 60 * 1000,
      path: '/demo',
    });
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(level ? { acr_values: level } : {}),
    });
    ctx.redirect(url.href);
  });

  router.get('/callback', async (ctx) => {
    const flow = ctx.cookies.get(flowCookie, { signed: true });
    if (!flow)
      throw new PoortwachterError('demo.no_flow', { status: 400, logMessage: 'demo callback without its flow cookie' });
    ctx.cookies.set(flowCookie, null, { path: '/demo', signed: true });
    const { verifier, state, nonce } = JSON.parse(flow) as { verifier: string; state: string; nonce: string };
    const currentUrl = new URL(ctx.originalUrl, config.publicUrl);
    const error = currentUrl.searchParams.get('error');
    if (error) {
      // OIDC Core 3.1.2.6: access_denied is the answer to a citizen who pressed cancel.
      return render(ctx, 'demo/result.njk', {
        error,
        cancelled: error === 'access_denied',
        levelNotMet: error === 'unmet_authentication_requirements',
      });
    }
    let tokens;
    try {
      tokens = await oidc.authorizationCodeGrant(await client(), currentUrl, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw new PoortwachterError('demo.token_failed', {
        status: 400,
        logMessage: `demo token exchange failed: ${(error as Error).message}`,
      });
    }
    const claims = tokens.claims()!;
    render(ctx, 'demo/result.njk', {
      claims,
      level: typeof claims.acr === 'string' ? levelFromUri(claims.acr)?.name : undefined,
      endSessionUrl: `${config.publicUrl}/session/end`,
      postLogoutRedirectUri: `${config.publicUrl}/demo`,
      clientId: demoClientId,
    });
  });

  return router;
}
