// The automated connection checklist (core/checklist): what Poortwachter observed of a webdienst's
// traffic, reported per item with the evidence. A webdienst that misbehaves on purpose fails each
// item it broke, named with what was seen; one that behaves passes what it showed.
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { webdienstChecklist } from '../../src/admin/webdienst-transfer.ts';
import type { ChecklistReport } from '../../src/core/checklist/report.ts';
import { systemClock } from '../../src/core/clock.ts';
import { levels } from '../../src/core/levels.ts';
import { createServices } from '../../src/services.ts';
import { TestBrowser } from '../support/browser.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { idpCertificate, resolvedStatusCodes, TestSp } from '../frontends/saml/test-sp.ts';

const citizen = testCitizens[0];
const item = (report: ChecklistReport, name: string) => report.items.find((entry) => entry.item === name)!;

describe('connection checklist: observations turned into pass/fail with evidence', () => {
  let server: TestServer;
  const checklist = (clientId: string) =>
    webdienstChecklist(createServices(server.config, server.store, systemClock).adminDeps, clientId);
  before(async () => (server = await startTestServer()));
  after(() => server.stop());

  async function authorize(rp: RelyingParty, params: Record<string, string | undefined>) {
    const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as {
      authorization_endpoint: string;
    };
    const verifier = randomBytes(32).toString('base64url');
    const query = new URLSearchParams(
      Object.entries({
        client_id: rp.clientId,
        redirect_uri: rp.redirectUri,
        response_type: 'code',
        scope: 'openid',
        state: 'state-1',
        nonce: 'nonce-1',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        ...params,
      }).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    return fetch(`${discovery.authorization_endpoint}?${query.toString()}`, { redirect: 'manual' });
  }

  it('an OIDC webdienst that omits the nonce, uses an unregistered redirect URI and asks a level below its minimum fails those items, with evidence', async () => {
    const rp = await RelyingParty.register(server, { level: 'midden' });
    expect((await checklist(rp.clientId)).items.every((entry) => entry.result === 'not_observed')).to.equal(true);
    await authorize(rp, { nonce: undefined });
    await authorize(rp, { redirect_uri: 'http://127.0.0.1:9/not-registered' });
    await authorize(rp, { acr_values: levels.basis.uri });

    const report = await checklist(rp.clientId);
    expect(report.passed).to.equal(false);
    expect(item(report, 'pkce_state_nonce')).to.deep.include({ result: 'fail', evidence: 'missing: nonce' });
    expect(item(report, 'registered_endpoint')).to.deep.include({
      result: 'fail',
      evidence: 'redirect_uri "http://127.0.0.1:9/not-registered" is not registered',
    });
    expect(item(report, 'level_at_or_above_minimum')).to.deep.include({
      result: 'fail',
      evidence: `acr_values ${levels.basis.uri} below the minimum midden`,
    });
    expect(item(report, 'answer_collected').result).to.equal('not_observed');
    expect(item(report, 'logout').result).to.equal('not_observed');
    expect(report.items.map((entry) => entry.item)).to.not.include('request_signed');
  });

  it('a well-behaved OIDC login passes PKCE, redirect URI, level and code exchange', async () => {
    const rp = await RelyingParty.register(server);
    await rp.login(new TestBrowser(), citizen.username, citizen.password);
    const report = await checklist(rp.clientId);
    for (const name of ['pkce_state_nonce', 'registered_endpoint', 'level_at_or_above_minimum', 'answer_collected'])
      expect(item(report, name).result, `${name}: ${item(report, name).evidence}`).to.equal('pass');
    expect(item(report, 'answer_collected').evidence).to.equal('authorization code exchanged for tokens');
    expect(item(report, 'logout').result, 'no logout yet').to.equal('not_observed');
    expect(report.passed).to.equal(false);
  });

  it('a SAML webdienst: a signed request at a registered ACS and a resolved artifact pass; an unsigned request and an unregistered ACS fail', async () => {
    const sp = await TestSp.register(server);
    const browser = new TestBrowser();
    const answer = await sp.login(
      browser,
      await browser.get(sp.redirectUrl(sp.authnRequest().xml)),
      citizen.username,
      citizen.password,
    );
    expect(await resolvedStatusCodes(sp, answer, await idpCertificate(server))).to.deep.equal([
      'urn:oasis:names:tc:SAML:2.0:status:Success',
    ]);
    let report = await checklist(sp.entityId);
    expect(item(report, 'request_signed').result).to.equal('pass');
    expect(item(report, 'registered_endpoint').result).to.equal('pass');
    expect(item(report, 'answer_collected')).to.deep.include({
      result: 'pass',
      evidence: 'artifact resolved within its lifetime',
    });

    expect(
      (await fetch(sp.redirectUrl(sp.authnRequest().xml, { unsigned: true }), { redirect: 'manual' })).status,
    ).to.be.at.least(400);
    expect(
      (
        await fetch(sp.redirectUrl(sp.authnRequest({ acsUrl: 'https://elsewhere.example/acs' }).xml), {
          redirect: 'manual',
        })
      ).status,
    ).to.be.at.least(400);
    report = await checklist(sp.entityId);
    expect(item(report, 'request_signed')).to.deep.include({
      result: 'fail',
      evidence: 'AuthnRequest refused: unsigned',
    });
    expect(item(report, 'registered_endpoint')).to.deep.include({
      result: 'fail',
      evidence: 'AuthnRequest refused: acs_url_not_registered',
    });
    expect(report.passed).to.equal(false);
  });
});
