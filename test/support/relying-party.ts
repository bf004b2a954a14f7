// A webdienst as the tests see it: registered through the admin layer, driven with openid-client
// (a real relying party) over HTTP against the running server.
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { addOrganisation } from '../../src/admin/organisations.ts';
import { addOidcWebdienst, type NewOidcWebdienst } from '../../src/admin/webdiensten.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createServices } from '../../src/services.ts';
import { TestBrowser, formAction, type Page } from './browser.ts';
import type { TestServer } from './server.ts';

export interface WebdienstOptions {
  bsnEntitled?: boolean;
  name?: string;
  level?: string;
  federation?: string;
  registration?: Partial<NewOidcWebdienst>;
}

let oinCounter = 0;
export function uniqueOin(): string {
  oinCounter += 1;
  return `0000000${String(Date.now()).slice(-7)}${String(oinCounter).padStart(6, '0')}`.slice(0, 20).padEnd(20, '0');
}

export class RelyingParty {
  private constructor(
    readonly server: TestServer,
    readonly clientId: string,
    readonly clientSecret: string,
    readonly redirectUri: string,
    readonly configuration: oidc.Configuration,
  ) {}

  static async register(server: TestServer, options: WebdienstOptions = {}): Promise<RelyingParty> {
    const { adminDeps } = createServices(server.config, server.store, systemClock);
    const organisation = await addOrganisation(adminDeps, {
      name: `Organisatie ${randomBytes(3).toString('hex')}`,
      oin: uniqueOin(),
      bsnEntitled: options.bsnEntitled ?? true,
    });
    const redirectUri = `http://127.0.0.1:9/${randomBytes(4).toString('hex')}/callback`;
    const registered = await addOidcWebdienst(
      { ...adminDeps, environment: server.config.environment },
      {
        organisationOin: organisation.oin,
        name: options.name ?? 'Testwebdienst',
        redirectUris: [redirectUri],
        postLogoutRedirectUris: [`http://127.0.0.1:9/logged-out`],
        auth: 'client_secret_basic',
        level: options.level,
        federation: options.federation,
        ...options.registration,
      },
    );
    const configuration = await oidc.discovery(
      new URL(server.url),
      registered.clientId,
      undefined,
      oidc.ClientSecretBasic(registered.clientSecret),
      { execute: [oidc.allowInsecureRequests] },
    );
    return new RelyingParty(server, registered.clientId, registered.clientSecret!, redirectUri, configuration);
  }

  /** A webdienst registered elsewhere (the admin console), driven with its client_id and secret. */
  static async connect(
    server: TestServer,
    registered: { clientId: string; clientSecret: string; redirectUri: string },
  ): Promise<RelyingParty> {
    const configuration = await oidc.discovery(
      new URL(server.url),
      registered.clientId,
      undefined,
      oidc.ClientSecretBasic(registered.clientSecret),
      { execute: [oidc.allowInsecureRequests] },
    );
    return new RelyingParty(
      server,
      registered.clientId,
      registered.clientSecret,
      registered.redirectUri,
      configuration,
    );
  }

  /** Builds an authorization request with PKCE, state and nonce. */
  async authorizationRequest(params: Record<string, string> = {}) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(this.configuration, {
      redirect_uri: this.redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...params,
    });
    return { url: url.href, verifier, state, nonce };
  }

  /** Follows the browser from the authorization request to the first page it stops on (login page or back at us). */
  async start(browser: TestBrowser, params: Record<string, string> = {}) {
    const request = await this.authorizationRequest(params);
    const page = await browser.follow(await browser.get(request.url), (url) => url.startsWith(this.redirectUri));
    return { request, page };
  }

  async submitPassword(browser: TestBrowser, loginPage: Page, username: string, password: string): Promise<Page> {
    const posted = await browser.post(formAction(loginPage.body, 'username', loginPage.url), { username, password });
    return browser.follow(posted, (url) => url.startsWith(this.redirectUri));
  }

  async redeem(callbackUrl: string, request: { verifier: string; state: string; nonce: string }) {
    return oidc.authorizationCodeGrant(this.configuration, new URL(callbackUrl), {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
      idTokenExpected: true,
    });
  }

  /** A whole Basis login: authorize, login page, password, back at the webdienst, code for tokens. */
  async login(browser: TestBrowser, username: string, password: string, params: Record<string, string> = {}) {
    const { request, page } = await this.start(browser, params);
    const back = await this.submitPassword(browser, page, username, password);
    if (!back.location?.startsWith(this.redirectUri))
      throw new Error(
        `login did not return to the webdienst: ${back.status} ${back.location ?? back.body.slice(0, 300)}`,
      );
    return { tokens: await this.redeem(back.location, request), callbackUrl: back.location };
  }
}

/** The last one-time code the outbox holds for a number (what the citizen reads on their phone). */
export async function lastSmsCode(server: TestServer, to: string): Promise<string> {
  const [message] = await server.store.listOutboxSms({ to, limit: 1 });
  const code = message?.text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no code in the outbox for ${to}`);
  return code;
}

export async function submitCode(browser: TestBrowser, rp: RelyingParty, codePage: Page, code: string): Promise<Page> {
  const posted = await browser.post(formAction(codePage.body, 'code', codePage.url), { code });
  return browser.follow(posted, (url) => url.startsWith(rp.redirectUri));
}
