// A newcomer opens the start page, goes to the demo webdienst,
// logs in as a test citizen and sees the BSN and level the webdienst received.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { TestBrowser, formAction } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('the demo webdienst (development seed)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('links from the start page, logs a test citizen in and shows the BSN and Basis level it received', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(`${server.url}/`);
    expect(start.status).to.equal(200);
    expect(start.body).to.include('href="/demo"');
    expect((await browser.get(`${server.url}/demo`)).status).to.equal(200);
    const loginPage = await browser.follow(await browser.get(`${server.url}/demo/login`));
    expect(loginPage.body).to.include('name="password"');
    const citizen = testCitizens[0];
    const result = await browser.follow(
      await browser.post(formAction(loginPage.body, 'username', loginPage.url), {
        username: citizen.username,
        password: citizen.password,
      }),
    );
    expect(result.status).to.equal(200);
    expect(result.url).to.include('/demo/callback');
    expect(result.body).to.match(new RegExp(`id="bsn">${citizen.bsn}<`));
    expect(result.body).to.match(/id="level">basis/);
  });

  it('shows a cancel, answered with access_denied (OIDC Core 3.1.2.6), as cancelled on its own page', async () => {
    const browser = new TestBrowser();
    const loginPage = await browser.follow(await browser.get(`${server.url}/demo/login`));
    const cancelAction = loginPage.body.match(/action="([^"]*\/annuleren)"/)![1]!;
    const result = await browser.follow(await browser.post(new URL(cancelAction, loginPage.url).href, {}));
    expect(result.status).to.equal(200);
    expect(result.url).to.match(/\/demo\/callback\?.*error=access_denied/);
    expect(result.body).to.include('U hebt het inloggen geannuleerd');
  });
});

describe('the demo webdienst with a seed file of its own (SEED_FILE, DEMO_CLIENT_ID)', () => {
  let server: TestServer;
  const citizen = { username: 'proef-burger', password: 'lantaarnpaal-schaatsbaan-2026', bsn: '999991905' };
  before(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pw-seed-')), 'seed.json');
    writeFileSync(
      file,
      JSON.stringify({
        citizens: [{ ...citizen, description: 'a citizen of this seed file only' }],
        organisations: [{ name: 'Gemeente Proefstad', oin: '00000001007777777000', bsnEntitled: true }],
        oidcWebdiensten: [
          {
            organisationOin: '00000001007777777000',
            name: 'Proef webdienst',
            clientId: 'proef-demo',
            redirectUris: ['/demo/callback'],
          },
        ],
      }),
    );
    server = await startTestServer({ env: { SEED_FILE: file, DEMO_CLIENT_ID: 'proef-demo' } });
  });
  after(() => server.stop());

  it('shows the citizens of the configured seed file on the start page', async () => {
    const start = await new TestBrowser().get(`${server.url}/`);
    expect(start.body).to.include('<code>proef-burger</code>');
    expect(start.body).to.include('a citizen of this seed file only');
    expect(start.body).to.not.include('test-basis');
  });

  it('logs in through the webdienst of the configured client_id', async () => {
    const browser = new TestBrowser();
    expect((await browser.get(`${server.url}/demo`)).body).to.include('Gemeente Proefstad');
    const loginPage = await browser.follow(await browser.get(`${server.url}/demo/login`));
    const result = await browser.follow(
      await browser.post(formAction(loginPage.body, 'username', loginPage.url), citizen),
    );
    expect(result.url).to.include('/demo/callback');
    expect(result.body).to.match(new RegExp(`id="bsn">${citizen.bsn}<`));
  });
});
