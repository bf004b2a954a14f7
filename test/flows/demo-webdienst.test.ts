// Acceptance 1 of issue 2 as a test: a newcomer opens the start page, goes to the demo webdienst,
// logs in as a test citizen and sees the BSN and level the webdienst received.
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
