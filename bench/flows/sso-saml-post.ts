// A SAML login that reuses the browser's SSO session (no password), answered by HTTP-POST: a citizen
// who logged in at an OIDC webdienst of a federation goes to a SAML webdienst of the same federation.
// The measured flow is the SAML webdienst's login only:
//   GET /saml/sso?SAMLRequest=..&SigAlg=..&Signature=.. -> 303 /inloggen/:attemptId -> 200 "you are logged in as" page
//   POST continue (Origin) -> 303 /saml/resume/:ref -> 200 the auto-posting form with the signed SAMLResponse
// The Response must say Success and carry the citizen's BSN NameID (signatures not checked here: that is
// client CPU the server does not spend). prepare() registers the two webdiensten in a federation of
// their own and logs a pool of browsers in at the OIDC one with the password, before the measurement.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../config/index.ts';
import { addOrganisation } from '../../src/admin/organisations.ts';
import { addSamlWebdienst } from '../../src/admin/saml-webdiensten.ts';
import { addOidcWebdienst } from '../../src/admin/webdiensten.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createServices } from '../../src/services.ts';
import { openStore } from '../../src/stores/index.ts';
import { type BenchBrowser, expectRedirect, FlowError } from '../browser.ts';
import { stepName } from './oidc.ts';
import { benchSp, metadata, redirectUrl, type BenchSp } from './saml-artifact.ts';
import type { BenchTarget, FlowContext, Scenario } from './scenario.ts';
import { BrowserPool, logIn } from './sso.ts';

const postBinding = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

async function ssoSamlPostFlow(ctx: FlowContext, pool: BrowserPool, sp: BenchSp): Promise<void> {
  const browser = await pool.acquire();
  try {
    const { target } = ctx;
    const seen = new Map<string, number>();
    const started = await ctx.step('GET /saml/sso', () => browser.get(redirectUrl(sp, target.baseUrl)));
    const pageUrl = expectRedirect('sso', started);
    const page = await ctx.step(stepName('GET', pageUrl, seen), () => browser.get(pageUrl));
    if (page.body.includes('name="password"'))
      throw new FlowError('interstitial', 'the password was asked: the SSO session was not reused');
    const action = /action="([^"]*\/doorgaan)"/.exec(page.body)?.[1];
    if (page.status !== 200 || !action)
      throw new FlowError('interstitial', `expected the "logged in as" page, got ${page.status}`);
    const continueUrl = new URL(action.replace(/&amp;/g, '&'), target.baseUrl).href;
    const posted = await ctx.step(stepName('POST', continueUrl, seen), () => browser.post(continueUrl, {}));
    const answer = await ctx.step('GET /saml/resume/:ref', () => browser.get(expectRedirect('continue', posted)));
    const samlResponse = /name="SAMLResponse" value="([^"]+)"/.exec(answer.body)?.[1];
    if (answer.status !== 200 || !samlResponse)
      throw new FlowError('resume', `expected the HTTP-POST form, got ${answer.status}`);
    const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
    if (!/StatusCode Value="[^"]+:Success"/.test(xml)) throw new FlowError('resume', 'the Response is not Success');
    if (!/<saml:NameID>s00000000:\d{9}<\/saml:NameID>/.test(xml))
      throw new FlowError('resume', 'no BSN NameID in the assertion');
  } finally {
    pool.release(browser);
  }
}

export const ssoSamlPostLogin: Scenario = {
  name: 'sso-saml-post',
  description:
    'SAML login at a webdienst of the federation, reusing the SSO session started at an OIDC webdienst (signed Redirect AuthnRequest -> "logged in as" page -> continue -> HTTP-POST Response)',
  checksNoPassword: true,
  async prepare(setup) {
    const config = loadConfig(setup.serverEnv);
    const store = openStore(setup.databaseUrl, { poolSize: 2 });
    try {
      const federation = `bench-saml-${randomBytes(3).toString('hex')}`;
      const { adminDeps } = createServices(config, store, systemClock);
      const oin = `0000000098${String(Date.now()).slice(-10)}`;
      await addOrganisation(adminDeps, { name: 'Bench SSO SAML', oin, bsnEntitled: true });
      const redirectUri = `http://127.0.0.1:9/${randomBytes(4).toString('hex')}/callback`;
      const oidc = await addOidcWebdienst(
        { ...adminDeps, environment: config.environment },
        {
          organisationOin: oin,
          name: 'Bench OIDC in de SAML-federatie',
          redirectUris: [redirectUri],
          auth: 'client_secret_basic',
          federation,
        },
      );
      const sp = benchSp('bench-post-acs');
      await addSamlWebdienst(
        { ...adminDeps, environment: config.environment },
        {
          organisationOin: oin,
          name: 'Bench SAML POST webdienst',
          metadataXml: metadata(sp, postBinding),
          responseBinding: 'post',
          federation,
        },
      );
      const first: BenchTarget = {
        ...setup.target,
        clientId: oidc.clientId,
        clientSecret: oidc.clientSecret!,
        redirectUri,
      };
      const browsers: BenchBrowser[] = [];
      for (let k = 0; k < setup.maxConcurrency * 2; k += 1) browsers.push(await logIn(first));
      const pool = new BrowserPool(browsers);
      return {
        scenario: {
          ...ssoSamlPostLogin,
          description: `${ssoSamlPostLogin.description}; ${browsers.length} logged-in browsers`,
          run: (ctx) => ssoSamlPostFlow(ctx, pool, sp),
        },
        close: () => store.close(),
      };
    } catch (error) {
      await store.close();
      throw error;
    }
  },
  run() {
    return Promise.reject(
      new Error('the sso-saml-post scenario needs prepare() (its webdiensten and logged-in browsers)'),
    );
  },
};
