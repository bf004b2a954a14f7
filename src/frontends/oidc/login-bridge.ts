// The OIDC front-end's bridge to the login layer, in both directions, without extra browser hops:
// - oidc-provider's interaction URL is the first login page itself: the login attempt is started
//   while /auth answers (the interaction is saved by then);
// - when the login layer is done, the result goes into the interaction in-process and the browser
//   goes straight back to /auth/:uid, where oidc-provider's resume cookie still binds it.
// /interaction/:uid (interaction-routes.ts) stays for the rest (consent, an expired attempt).
import type Provider from 'oidc-provider';
import { errors, type Interaction, type InteractionResults, type KoaContextWithOIDC } from 'oidc-provider';
import type { LoginAttempts } from '../../core/login/attempts.ts';
import { startLoginAttempt, type CookiePolicy, type Resumer } from '../../login/flow.ts';
import type { LoginRequest, LoginResult } from '../../core/login/login-request.ts';
import type { Store, WebdienstWithOrganisation } from '../../stores/index.ts';
import { requestedLevel } from './requested-level.ts';

export const interactionPath = (uid: string): string => `/interaction/${uid}`;

type InteractionLike = Pick<Interaction, 'uid' | 'prompt' | 'params' | 'session'>;

export function loginRequestFor(
  interaction: InteractionLike,
  webdienst: WebdienstWithOrganisation,
  clientAddress: string,
): LoginRequest {
  const reasons = interaction.prompt.reasons;
  // A session below the level (level_too_low) is stepped up by the login layer's SSO step, which
  // checks the SSO session of the webdienst's federation first (sso-check.ts).
  const forceAuthentication = reasons.includes('login_prompt') || reasons.includes('max_age');
  const level = requestedLevel(webdienst, interaction.params);
  // level_not_offered (level-policy.ts) ends such a request before any interaction.
  if (level === 'unmet') throw new errors.UnmetAuthenticationRequirements('the requested level is not offered');
  return {
    protocol: 'oidc',
    protocolRef: interaction.uid,
    webdienst,
    requiredLevel: level,
    forceAuthentication,
    resumeUrl: interactionPath(interaction.uid),
    clientAddress,
  };
}

export function toInteractionResult(result: LoginResult): InteractionResults {
  if (result.outcome === 'cancelled') {
    // OIDC Core 3.1.2.6: the end-user refused; the webdienst gets access_denied.
    return { error: 'access_denied', error_description: 'The citizen cancelled the login' };
  }
  if (result.outcome === 'unmet') {
    return {
      error: 'unmet_authentication_requirements',
      error_description: 'The citizen has no second factor for the required level',
    };
  }
  return {
    login: {
      accountId: result.citizenId,
      acr: result.level.uri,
      ts: Math.floor(result.authenticatedAt / 1000),
      remember: true,
    },
  };
}

export interface BridgeDeps {
  store: Pick<Store, 'findWebdienstByClientId'>;
  attempts: LoginAttempts;
  cookies: CookiePolicy;
}

/** oidc-provider's interactions.url: for a login prompt, start the login attempt and send the browser to it. */
export function interactionUrl(deps: BridgeDeps) {
  return async (ctx: KoaContextWithOIDC, interaction: Interaction): Promise<string> => {
    if (interaction.prompt.name !== 'login') return interactionPath(interaction.uid);
    const webdienst = await deps.store.findWebdienstByClientId(String(interaction.params.client_id));
    if (!webdienst) return interactionPath(interaction.uid);
    return startLoginAttempt(ctx, deps.attempts, loginRequestFor(interaction, webdienst, ctx.ip), deps.cookies);
  };
}

/** The login layer's Resumer for OIDC: the result into the interaction, the browser back to /auth/:uid. */
export function oidcResumer(provider: Provider, attempts: LoginAttempts): Resumer {
  return async (attempt) => {
    const interaction = await provider.Interaction.find(attempt.protocolRef);
    if (!interaction) return undefined;
    const result = await attempts.takeResult('oidc', attempt.protocolRef);
    if (!result) return undefined;
    interaction.result = toInteractionResult(result);
    await interaction.save(Math.max(1, interaction.exp - Math.floor(Date.now() / 1000)));
    return interaction.returnTo;
  };
}
