// Single sign-on and single logout with real clients on both sides: a citizen logs in at an OIDC webdienst (openid-client), then
// at Debian's python3-pysaml2 as a SAML webdienst of the same federation (test/interop/pysaml2_sso_sp.py): no
// password, only the interstitial page, and pysaml2 accepts the Response with the NameID and the level
// of the OIDC login. Then pysaml2 starts single logout itself (Saml2Client.global_logout: a signed
// HTTP-Redirect LogoutRequest with the NameID and SessionIndex it got), the browser carries it to our
// /saml/slo, the OIDC webdienst gets a back-channel logout token, pysaml2 accepts our signed
// LogoutResponse by Redirect, and the old cookie gives no SSO. Needs python3-pysaml2 and xmlsec1.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { inflateRawSync } from 'node:zlib';
import { expect } from 'chai';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { testCitizens } from '../../seeds/development.ts';
import { levels } from '../../src/core/levels.ts';
import { formAction, formActionEndingWith, TestBrowser, type Page } from '../support/browser.ts';
import { databaseKinds } from '../support/databases.ts';
import { logoutReceiver, type LogoutReceiver } from '../support/logout-receiver.ts';
import { lastSmsCode, RelyingParty, submitCode } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { debianPython } from './support/processes.ts';
import { interopScript, preparePysaml2Sp } from './support/pysaml2.ts';

const spScript = interopScript('pysaml2_sso_sp.py');
const citizen = testCitizens[1]; // test-midden: password and SMS code, so the level is more than the SP's minimum
const success = 'urn:oasis:names:tc:SAML:2.0:status:Success';

type Answer = Record<string, unknown> & { error?: string };

/** pysaml2_sso_sp.py drive: one Saml2Client (with its identity cache) for the whole test, a JSON line per step. */
class Pysaml2Driver {
  private readonly answers: Array<(answer: Answer) => void> = [];
  private stderr = '';
  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => this.answers.shift()?.(JSON.parse(line) as Answer));
    child.stderr.on('data', (chunk) => (this.stderr += chunk));
    child.on('exit', () => {
      for (const waiting of this.answers.splice(0))
        waiting({ error: `pysaml2 driver exited:\n${this.stderr.slice(-2000)}` });
    });
  }

  static start(env: NodeJS.ProcessEnv): Pysaml2Driver {
    return new Pysaml2Driver(
      spawn(debianPython, [spScript, 'drive'], {
        env: { ...process.env, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
  }

  log(): string {
    return this.stderr.slice(-3000);
  }

  /** One command and pysaml2's answer, which may be a refusal (`error`). */
  attempt(command: Record<string, unknown>): Promise<Answer> {
    return new Promise<Answer>((resolve) => {
      this.answers.push(resolve);
      this.child.stdin.write(`${JSON.stringify(command)}\n`);
    });
  }

  /** One command; an answer with `error` (pysaml2 refused something) fails the test with pysaml2's log. */
  async send(command: Record<string, unknown>): Promise<Answer> {
    const answer = await this.attempt(command);
    expect(answer.error, `pysaml2 (${String(command.op)}): ${answer.error}\n${this.log()}`).to.equal(undefined);
    return answer;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    await exited;
  }
}

/** Our auto-submitting HTTP-POST form (saml/post.njk): where it goes and its hidden fields. */
function postForm(page: Page): { action: string; fields: Record<string, string> } {
  const form = page.body.match(/<form[^>]*id="saml-post"[\s\S]*?<\/form>/)?.[0];
  if (!form) throw new Error(`no SAML POST form: ${page.status} ${page.location ?? page.body.slice(0, 300)}`);
  const unescape = (value: string) =>
    value
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  const fields: Record<string, string> = {};
  for (const input of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[input[1]!] = unescape(input[2]!);
  return { action: new URL(unescape(form.match(/action="([^"]*)"/)![1]!), page.url).href, fields };
}

for (const kind of databaseKinds) {
  describe(`SAML interop: pysaml2 (Debian) in an SSO session with an OIDC webdienst, and its own single logout (${kind})`, function () {
    this.timeout(120_000);
    let server: TestServer;
    let receiver: LogoutReceiver;
    let work: string;
    let pysaml2: Pysaml2Driver;
    let spBase: string;
    const federation = `pysaml2-sso-${kind}`;

    before(async () => {
      receiver = await logoutReceiver();
      server = await startTestServer({ kind });
      work = mkdtempSync(join(tmpdir(), 'pysaml2-sso-sp-'));
      // The browser stops at the SP's endpoints and hands what it carries to the driver: nothing listens there.
      spBase = `http://127.0.0.1:9/pysaml2-sso-${kind}`;
      const env = { WORK: work, SP_ENTITY_ID: `${spBase}/metadata`, SP_BASE: spBase };
      await preparePysaml2Sp(server, {
        script: spScript,
        work,
        env,
        registration: {
          organisationName: 'Gemeente Eenmalig',
          name: 'pysaml2 SSO-dienst',
          federation,
          responseBinding: 'post',
        },
      });
      pysaml2 = Pysaml2Driver.start(env);
    });
    after(async () => {
      await pysaml2?.stop();
      await server?.stop();
      await receiver?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('OIDC login, then SSO at pysaml2 without a password at the same level; pysaml2 logs out everywhere by Redirect and accepts our LogoutResponse', async () => {
      // 1. The OIDC webdienst at Midden: password and SMS code.
      const rp = await RelyingParty.register(server, {
        federation,
        level: 'midden',
        name: 'OIDC-dienst',
        registration: { backchannelLogoutUri: receiver.url },
      });
      const browser = new TestBrowser();
      const { request, page: loginPage } = await rp.start(browser);
      const codePage = await browser.follow(
        await rp.submitPassword(browser, loginPage, citizen.username, citizen.password),
      );
      const back = await submitCode(browser, rp, codePage, await lastSmsCode(server, citizen.phone));
      expect(back.location?.startsWith(rp.redirectUri), back.body.slice(0, 300)).to.equal(true);
      const idClaims = (await rp.redeem(back.location!, request)).claims()!;
      expect(idClaims.acr).to.equal(levels.midden.uri);
      expect(idClaims.sid, 'sid for a webdienst with back-channel logout').to.be.a('string');

      // 2. pysaml2's signed AuthnRequest: the interstitial page, no password; "doorgaan" as a browser posts it.
      const login = await pysaml2.send({ op: 'login' });
      const interstitial = await browser.follow(await browser.get(String(login.url)));
      expect(interstitial.status, interstitial.body.slice(0, 300)).to.equal(200);
      expect(interstitial.body, 'no password asked').to.not.include('name="password"');
      expect(interstitial.body).to.include(citizen.username).and.include('pysaml2 SSO-dienst');
      const answer = await browser.follow(
        await browser.post(formActionEndingWith(interstitial.body, '/doorgaan', interstitial.url), {}),
      );
      const { action, fields } = postForm(answer);
      expect(action).to.equal(`${spBase}/acs`);
      const accepted = await pysaml2.send({ op: 'acs', ...fields });
      expect(accepted).to.deep.include({
        name_id_text: `s00000000:${citizen.bsn}`,
        issuer: `${server.url}/saml/metadata`,
        in_response_to: login.request_id,
      });
      expect(accepted.known_to, "the session is in pysaml2's identity cache").to.deep.equal([
        `${server.url}/saml/metadata`,
      ]);
      expect(accepted.authn_context, 'the level of the OIDC login').to.deep.equal([levels.midden.uri]);
      expect(accepted.session_index).to.be.a('string').and.not.equal('');

      // 3. pysaml2 logs out: global_logout from its identity cache, a signed LogoutRequest by Redirect to our /saml/slo.
      const tokensBefore = receiver.tokens.length;
      const logout = await pysaml2.send({ op: 'logout', name_id: accepted.name_id });
      const logoutUrl = new URL(String(logout.url));
      expect(`${logoutUrl.origin}${logoutUrl.pathname}`).to.equal(`${server.url}/saml/slo`);
      expect([...logoutUrl.searchParams.keys()].sort()).to.deep.equal([
        'RelayState',
        'SAMLRequest',
        'SigAlg',
        'Signature',
      ]);
      expect(logoutUrl.searchParams.get('SigAlg')).to.equal('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
      const logoutRequest = inflateRawSync(Buffer.from(logoutUrl.searchParams.get('SAMLRequest')!, 'base64')).toString(
        'utf8',
      );
      expect(logoutRequest, 'the NameID pysaml2 got').to.match(
        new RegExp(`<(\\w+:)?NameID[^>]*>s00000000:${citizen.bsn}</`),
      );
      expect(logoutRequest.match(/<(?:\w+:)?SessionIndex>([^<]*)</)?.[1], 'the SessionIndex pysaml2 got').to.equal(
        accepted.session_index,
      );
      expect(logoutRequest).to.include(`Destination="${server.url}/saml/slo"`);
      const afterLogout = await browser.get(logoutUrl.href);
      expect(afterLogout.status, `${afterLogout.body.slice(0, 500)}\n${pysaml2.log()}`).to.equal(303);
      expect(afterLogout.location?.startsWith(`${spBase}/slo?`), afterLogout.location).to.equal(true);

      // The OIDC webdienst: a valid back-channel logout token for the sub and sid of its ID token.
      expect(receiver.tokens.length, 'one logout token for the OIDC webdienst').to.equal(tokensBefore + 1);
      const { payload } = await jwtVerify(receiver.tokens.at(-1)!, createRemoteJWKSet(new URL(`${server.url}/jwks`)), {
        issuer: server.url,
        audience: rp.clientId,
      });
      expect(payload.sub).to.equal(idClaims.sub);
      expect(payload.sid).to.equal(idClaims.sid);
      expect(payload.events).to.deep.equal({ 'http://schemas.openid.net/event/backchannel-logout': {} });

      // pysaml2: the redirect signature with our metadata key (a RelayState changed on the way breaks it),
      // the LogoutResponse handled, the citizen out of its cache.
      const tampered = new URL(afterLogout.location!);
      tampered.searchParams.set('RelayState', `${tampered.searchParams.get('RelayState')}x`);
      expect((await pysaml2.attempt({ op: 'logout_response', url: tampered.href })).error).to.match(
        /redirect signature .* does not verify/,
      );
      const done = await pysaml2.send({ op: 'logout_response', url: afterLogout.location });
      expect(done).to.deep.include({
        status: success,
        sub_status: null,
        in_response_to: logout.request_id,
        issuer: `${server.url}/saml/metadata`,
        destination: `${spBase}/slo`,
        relay_state: logout.relay_state,
        handled: '200 Ok',
      });
      expect(done.known_to, 'pysaml2 ended its own session').to.deep.equal([]);

      const initiator = await server.store.findWebdienstByClientId(`${spBase}/metadata`);
      expect((await server.store.listAuditEvents({ type: 'saml.logout_request' })).at(-1)).to.deep.include({
        outcome: 'success',
        webdienstId: initiator!.id,
      });

      // The old cookie gives no SSO.
      const silent = await rp.start(browser, { prompt: 'none' });
      expect(new URL(silent.page.location!).searchParams.get('error')).to.equal('login_required');
    });

    it('login at pysaml2 first, then SSO at the OIDC webdienst without a password, at the level pysaml2 got', async () => {
      const browser = new TestBrowser();
      const login = await pysaml2.send({ op: 'login' });
      const loginPage = await browser.follow(await browser.get(String(login.url)));
      expect(loginPage.body).to.include('name="password"');
      const posted = await browser.post(formAction(loginPage.body, 'password', loginPage.url), {
        username: citizen.username,
        password: citizen.password,
      });
      const { fields } = postForm(await browser.follow(posted));
      const accepted = await pysaml2.send({ op: 'acs', ...fields });
      expect(accepted).to.deep.include({ name_id_text: `s00000000:${citizen.bsn}`, in_response_to: login.request_id });
      expect(accepted.authn_context).to.deep.equal([levels.basis.uri]);

      const rp = await RelyingParty.register(server, { federation, name: 'OIDC-dienst na SAML' });
      const { request, page } = await rp.start(browser);
      expect(page.body, 'no password asked').to.not.include('name="password"');
      const back = await browser.follow(
        await browser.post(formActionEndingWith(page.body, '/doorgaan', page.url), {}),
        (url) => url.startsWith(rp.redirectUri),
      );
      const claims = (await rp.redeem(back.location!, request)).claims()!;
      expect(claims).to.deep.include({ acr: levels.basis.uri, bsn: citizen.bsn });
    });
  });
}
