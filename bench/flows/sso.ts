// Eenmalig inloggen (single sign-on): a citizen who logged in at one webdienst of a federation goes to a
// second one, which reuses the SSO session. The measured flow is the second webdienst's login only:
//   GET /auth?... (PKCE S256) -> 303 /inloggen/:attemptId -> 200 "you are logged in as" page
//   POST continue (Origin) -> 303 /auth/:uid -> 303 redirect_uri?code -> POST /token
// prepare() registers the two webdiensten in a federation of their own and logs a pool of browsers in
// at the first one (with the password, before the measurement); each flow takes a browser from the
// pool, one flow per browser at a time. The 15-minute idle timeout never ends a pooled session (every
// flow is activity), and a bench run is far shorter than the 3-hour absolute timeout.
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../config/index.ts';
import { addOrganisation } from '../../src/admin/organisations.ts';
import { addOidcWebdienst } from '../../src/admin/webdiensten.ts';
import { systemClock } from '../../src/core/clock.ts';
import { levels } from '../../src/core/levels.ts';
import { createServices } from '../../src/services.ts';
import { ssoCookieName, ssoSessionId } from '../../src/core/sso/sessions.ts';
import { openStore, type Store } from '../../src/stores/index.ts';
import { BenchBrowser, FlowError } from '../browser.ts';
import { finishLogin, formAction, startLogin, submitForm } from './oidc.ts';
import type { BenchTarget, FlowContext, Scenario } from './scenario.ts';

const federation = 'bench-sso';

/** Browsers with a live SSO session, handed out one flow at a time. */
export class BrowserPool {
  private waiters: Array<(browser: BenchBrowser) => void> = [];
  constructor(private readonly idle: BenchBrowser[]) {}

  acquire(): Promise<BenchBrowser> {
    const browser = this.idle.shift();
    return browser ? Promise.resolve(browser) : new Promise((resolve) => this.waiters.push(resolve));
  }

  release(browser: BenchBrowser): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(browser);
    else this.idle.push(browser);
  }
}

async function registerWebdienst(
  adminDeps: ReturnType<typeof createServices>['adminDeps'],
  environment: Config['environment'],
  oin: string,
  name: string,
  baseTarget: BenchTarget,
): Promise<BenchTarget> {
  const redirectUri = `http://127.0.0.1:9/${randomBytes(4).toString('hex')}/callback`;
  const registered = await addOidcWebdienst(
    { ...adminDeps, environment },
    { organisationOin: oin, name, redirectUris: [redirectUri], auth: 'client_secret_basic', federation },
  );
  return { ...baseTarget, clientId: registered.clientId, clientSecret: registered.clientSecret!, redirectUri };
}

/** The first webdienst's login with the password, which starts the browser's SSO session. */
export async function logIn(target: BenchTarget): Promise<BenchBrowser> {
  const browser = new BenchBrowser(target.baseUrl);
  const ctx: FlowContext = { target, browser, step: (_name, fn) => fn() };
  const { flow, page } = await startLogin(ctx);
  const back = await submitForm(flow, formAction(flow, page, 'password', 'login page'), {
    username: target.citizen.username,
    password: target.citizen.password,
  });
  await finishLogin(flow, back, 'password');
  return browser;
}

/**
 * What one SSO session keeps in the database: its row, its participants and oidc-provider's session
 * (JSON bytes). Processes keep nothing of it in memory.
 */
async function storedBytesOfOneSession(store: Store, browser: BenchBrowser): Promise<number> {
  const token = browser.cookie(ssoCookieName);
  const oidcSessionId = browser.cookie('pw_session');
  const session = token ? await store.findSsoSession(ssoSessionId(token, federation)) : undefined;
  if (!session || !oidcSessionId) throw new FlowError('sso session', 'the logged-in browser has no SSO session');
  const participants = await store.listSsoParticipants(session.id);
  const oidcSession = await store.findOidcPayload('Session', oidcSessionId, Date.now());
  return [session, participants, oidcSession?.payload ?? {}].reduce<number>(
    (sum, part) => sum + Buffer.byteLength(JSON.stringify(part)),
    0,
  );
}

async function ssoFlow(ctx: FlowContext, pool: BrowserPool, second: BenchTarget): Promise<void> {
  const browser = await pool.acquire();
  try {
    const flowCtx: FlowContext = { ...ctx, target: second, browser };
    const { flow, page } = await startLogin(flowCtx);
    if (page.body.includes('name="password"'))
      throw new FlowError('interstitial', 'the password was asked: the SSO session was not reused');
    const back = await submitForm(
      flow,
      new URL(/action="([^"]*\/doorgaan)"/.exec(page.body)?.[1] ?? '/missing', second.baseUrl).href,
      {},
    );
    const claims = await finishLogin(flow, back, 'continue');
    if (claims.acr !== levels.basis.uri)
      throw new FlowError('token', `acr is ${String(claims.acr)}, not the Basis URI`);
  } finally {
    pool.release(browser);
  }
}

export const ssoLogin: Scenario = {
  name: 'sso',
  description:
    'OIDC login at a second webdienst of the federation, reusing the SSO session (authorize -> "logged in as" page -> continue -> code -> token)',
  checksNoPassword: true,
  async prepare(setup) {
    const config = loadConfig(setup.serverEnv);
    const store = openStore(setup.databaseUrl, { poolSize: 2 });
    try {
      const { adminDeps } = createServices(config, store, systemClock);
      const oin = `0000000099${String(Date.now()).slice(-10)}`;
      await addOrganisation(adminDeps, { name: 'Bench SSO-federatie', oin, bsnEntitled: true });
      const first = await registerWebdienst(adminDeps, config.environment, oin, 'Bench eerste dienst', setup.target);
      const second = await registerWebdienst(adminDeps, config.environment, oin, 'Bench tweede dienst', setup.target);
      const browsers: BenchBrowser[] = [];
      for (let k = 0; k < setup.maxConcurrency * 2; k += 1) browsers.push(await logIn(first));
      const pool = new BrowserPool(browsers);
      const bytes = await storedBytesOfOneSession(store, browsers[0]!);
      return {
        scenario: {
          ...ssoLogin,
          description: `${ssoLogin.description}; ${browsers.length} logged-in browsers; one SSO session keeps ${bytes} bytes in the database, none in process memory`,
          run: (ctx) => ssoFlow(ctx, pool, second),
        },
        close: () => store.close(),
      };
    } catch (error) {
      await store.close();
      throw error;
    }
  },
  run() {
    return Promise.reject(new Error('the sso scenario needs prepare() (its webdiensten and logged-in browsers)'));
  },
};
