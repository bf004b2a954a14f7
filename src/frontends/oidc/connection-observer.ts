// What the connection checklist sees of an OIDC webdienst (core/checklist): after oidc-provider has
// answered an authorization, token or end-session request of a known client, the request's
// parameters and the answer become observations. Only observes; never changes an answer.
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { ConnectionObservation, ConnectionObserver } from '../../core/checklist/observer.ts';
import { levelByName, levelFromUri } from '../../core/levels.ts';
import type { Store } from '../../stores/index.ts';

function answeredWithError(ctx: KoaContextWithOIDC): string | undefined {
  if (ctx.status >= 400) return `HTTP ${ctx.status}`;
  const location = ctx.response.get('location');
  const error = location ? new URL(location, 'http://x').searchParams.get('error') : null;
  return error ?? undefined;
}

async function authorization(
  ctx: KoaContextWithOIDC,
  observer: ConnectionObserver,
  store: Pick<Store, 'findWebdienstByClientId'>,
) {
  const client = ctx.oidc.client;
  const params = ctx.oidc.params ?? {};
  const webdienst = client && (await store.findWebdienstByClientId(client.clientId));
  if (!client || !webdienst) return;
  const webdienstId = webdienst.id;
  const redirectUri = typeof params.redirect_uri === 'string' ? params.redirect_uri : '';
  const registered = redirectUri !== '' && client.redirectUriAllowed(redirectUri);
  const registeredEndpoint: ConnectionObservation = {
    webdienstId,
    item: 'registered_endpoint',
    ok: registered,
    evidence: registered
      ? `redirect_uri ${redirectUri}`
      : `redirect_uri "${redirectUri.slice(0, 200)}" is not registered`,
  };
  const missing = [
    params.code_challenge_method === 'S256' && params.code_challenge ? undefined : 'PKCE S256',
    params.state ? undefined : 'state',
    params.nonce ? undefined : 'nonce',
  ].filter(Boolean);
  const pkceStateNonce: ConnectionObservation = {
    webdienstId,
    item: 'pkce_state_nonce',
    ok: missing.length === 0,
    evidence: missing.length === 0 ? 'PKCE S256, state and nonce present' : `missing: ${missing.join(', ')}`,
  };
  const minimum = levelByName(webdienst.minimumLevel);
  const asked = typeof params.acr_values === 'string' ? params.acr_values.split(' ').filter(Boolean) : [];
  const below = asked.filter((uri) => (levelFromUri(uri)?.rank ?? 0) < minimum.rank);
  // One statement for the three (an authorization request is the most frequent request observed).
  await observer.observeAll([
    registeredEndpoint,
    pkceStateNonce,
    {
      webdienstId,
      item: 'level_at_or_above_minimum',
      ok: below.length === 0,
      evidence:
        asked.length === 0
          ? `no acr_values: the minimum ${minimum.name} applies`
          : below.length === 0
            ? `acr_values ${asked.join(' ')}`
            : `acr_values ${below.join(' ')} below the minimum ${minimum.name}`,
    },
  ]);
}

/** Attaches the observer to the provider's requests (once per provider). */
export function observeOidcConnections(
  provider: Provider,
  observer: ConnectionObserver,
  store: Pick<Store, 'findWebdienstByClientId'>,
): void {
  provider.use(async (koaContext, next) => {
    await next();
    // Set by oidc-provider on its own routes only (discovery, jwks and others have none we observe).
    const ctx = koaContext as KoaContextWithOIDC & { oidc?: KoaContextWithOIDC['oidc'] };
    const route = ctx.oidc?.route;
    if (route === 'authorization') return authorization(ctx, observer, store);
    const client = ctx.oidc?.client;
    const webdienst = client && (await store.findWebdienstByClientId(client.clientId));
    if (!webdienst) return;
    if (route === 'token' && ctx.oidc.params?.grant_type === 'authorization_code') {
      const error = answeredWithError(ctx);
      await observer.observe({
        webdienstId: webdienst.id,
        item: 'answer_collected',
        ok: !error,
        evidence: error ? `the token endpoint refused the code (${error})` : 'authorization code exchanged for tokens',
      });
    }
    if (route === 'end_session' || route === 'end_session_confirm')
      await observer.observe({
        webdienstId: webdienst.id,
        item: 'logout',
        ok: true,
        evidence: 'RP-initiated logout at the end_session_endpoint',
      });
  });
}
