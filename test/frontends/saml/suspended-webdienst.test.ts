// A suspended webdienst, or one of a suspended organisation, asks for a login: the core refuses it
// (core/webdienst-access.ts) and the SAML front-end answers Responder/RequestDenied as a Response the
// webdienst resolves like any other, without a login page. Resumed, it logs in again.
import { expect } from 'chai';
import { testCitizens } from '../../../seeds/development.ts';
import { setOrganisationSuspended } from '../../../src/admin/organisation-changes.ts';
import { setWebdienstSuspended } from '../../../src/admin/webdienst-changes.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { createServices } from '../../../src/services.ts';
import { TestBrowser } from '../../support/browser.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { idpCertificate, resolvedStatusCodes, TestSp } from './test-sp.ts';

const status = (name: string) => `urn:oasis:names:tc:SAML:2.0:status:${name}`;
const citizen = testCitizens[0];

describe('SAML: a suspended webdienst gets Responder/RequestDenied', () => {
  let server: TestServer;
  let certificate: string;
  let sp: TestSp;
  const admin = () => ({
    ...createServices(server.config, server.store, systemClock).adminDeps,
    operator: 'beheerder-test',
  });
  before(async () => {
    server = await startTestServer();
    certificate = await idpCertificate(server);
    sp = await TestSp.register(server);
  });
  after(() => server.stop());

  const ask = (browser: TestBrowser) => browser.get(sp.redirectUrl(sp.authnRequest().xml));

  it('answers RequestDenied at once while the webdienst is suspended, and logs in again once resumed', async () => {
    await setWebdienstSuspended(admin(), sp.entityId, true, 'contract ended');
    const answer = await ask(new TestBrowser());
    expect(answer.status).to.equal(303);
    expect(await resolvedStatusCodes(sp, answer, certificate)).to.deep.equal([
      status('Responder'),
      status('RequestDenied'),
    ]);
    const events = await server.store.listAuditEvents();
    expect(events.find((event) => event.type === 'admin.webdienst_suspended')).to.deep.include({
      reason: 'contract ended',
    });
    expect(events.find((event) => event.type === 'admin.webdienst_suspended')!.details).to.deep.include({
      operator: 'beheerder-test',
    });
    expect(events.find((event) => event.type === 'saml.login_refused')).to.deep.include({
      reason: 'webdienst_suspended',
      outcome: 'failure',
    });

    await setWebdienstSuspended(admin(), sp.entityId, false);
    const browser = new TestBrowser();
    const resumed = await sp.login(browser, await ask(browser), citizen.username, citizen.password);
    expect(await resolvedStatusCodes(sp, resumed, certificate)).to.deep.equal([status('Success')]);
  });

  it("answers RequestDenied while the webdienst's organisation is suspended", async () => {
    const { organisation } = (await server.store.findWebdienstByClientId(sp.entityId))!;
    await setOrganisationSuspended(admin(), organisation.oin, true);
    try {
      expect(await resolvedStatusCodes(sp, await ask(new TestBrowser()), certificate)).to.deep.equal([
        status('Responder'),
        status('RequestDenied'),
      ]);
      const refused = (await server.store.listAuditEvents()).filter((event) => event.type === 'saml.login_refused');
      expect(refused.at(-1)).to.deep.include({ reason: 'organisation_suspended' });
    } finally {
      await setOrganisationSuspended(admin(), organisation.oin, false);
    }
  });
});
