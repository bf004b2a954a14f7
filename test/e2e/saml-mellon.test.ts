// A citizen in Chromium at a SAML webdienst nobody on this team wrote: Apache httpd with Debian's
// mod_auth_mellon, configured by docs/guides/mod_auth_mellon.conf as the interop test does
// (test/interop/mellon.test.ts). The browser opens the protected page, logs in at Poortwachter's
// login page (HTTP-POST response binding back to mellon), sees REMOTE_USER s00000000:<BSN>, and then
// ends the session by SAML single logout started at mellon's logout endpoint (SAML core 3.7,
// HTTP-Redirect binding). Every Poortwachter page passes the checks of page-checks.ts.
//
// The webdienst is at http://localhost, Poortwachter at http://127.0.0.1: two sites, so the browser
// treats the SAML messages as cross-site as it does between a gemeente and Poortwachter.
// MellonSecureCookie is On as the guide demands outside a test machine: mellon's cookie test cookie is
// SameSite=None, which Chromium only keeps when it is also Secure (it counts http://localhost as
// secure), so with Off Chromium drops it and mellon answers "User has disabled cookies".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { webdienstChecklist } from '../../src/admin/webdienst-transfer.ts';
import { systemClock } from '../../src/core/clock.ts';
import { levels } from '../../src/core/levels.ts';
import { createServices } from '../../src/services.ts';
import { freePort } from '../support/server.ts';
import { startApache, type Apache } from '../interop/support/apache.ts';
import { registerSamlWebdienst } from '../interop/support/registration.ts';
import { useE2e } from './support/harness.ts';
import { heading, submitPassword } from './support/journeys.ts';
import { checkPage } from './support/page-checks.ts';

const citizen = testCitizens[0];

describe('In Chromium: SAML login and single logout at mod_auth_mellon (Debian), configured by its guide', function () {
  this.timeout(120_000);
  const e2e = useE2e();
  let work: string;
  let apache: Apache;
  let webdienst: string;
  let entityId: string;

  before(async function () {
    this.timeout(60_000);
    work = mkdtempSync(join(tmpdir(), 'mellon-e2e-'));
    const port = await freePort();
    webdienst = `http://localhost:${port}`;
    entityId = `${webdienst}/mellon-sp`;
    // The SP's key and metadata, made by mellon's own tool as the guide says.
    const created = spawnSync('mellon_create_metadata', [entityId, `${webdienst}/mellon`], {
      cwd: work,
      stdio: 'ignore',
    });
    expect(created.status, 'mellon_create_metadata').to.equal(0);
    const base = entityId.replace(/[^0-9A-Za-z.]/g, '_').replace(/__+/g, '_');
    renameSync(join(work, `${base}.xml`), join(work, 'sp-metadata.xml'));
    renameSync(join(work, `${base}.key`), join(work, 'sp.key'));
    renameSync(join(work, `${base}.cert`), join(work, 'sp.cert'));
    writeFileSync(join(work, 'idp-metadata.xml'), await (await fetch(`${e2e.server.url}/saml/metadata`)).text());
    await registerSamlWebdienst(e2e.server, {
      organisationName: 'Gemeente Browser',
      name: 'mellon SP',
      metadataXml: readFileSync(join(work, 'sp-metadata.xml'), 'utf8'),
      responseBinding: 'post',
    });
    apache = await startApache({
      module: 'mellon',
      guide: 'mod_auth_mellon.conf',
      work,
      port,
      variables: {
        WEBDIENST_ENTITY_ID: entityId,
        MELLON_DIR: work,
        POORTWACHTER_LEVEL: levels.basis.uri,
        MELLON_SECURE_COOKIE: 'On',
      },
    });
  });
  after(async () => {
    await apache?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const loginPage = /\/inloggen\/[\w-]+$/;

  it('logs in at the protected page, shows REMOTE_USER s00000000:<BSN>, and logs out by SAML single logout', async () => {
    const page = await e2e.newPage();
    // The webdienst (whoami.cgi) has no icon; its 404 is not a problem on Poortwachter's pages.
    await page.route(`${webdienst}/favicon.ico`, (route) => route.fulfill({ status: 204 }));
    const protectedPage = `${webdienst}/protected/whoami`;
    // What Chromium says about where each SAML request to Poortwachter came from.
    const samlRequests: string[] = [];
    page.on('request', async (request) => {
      if (request.url().startsWith(`${e2e.server.url}/saml/`))
        samlRequests.push(
          `${request.method()} ${new URL(request.url()).pathname} ${(await request.allHeaders())['sec-fetch-site']}`,
        );
    });

    // From a page of the webdienst, as after a click there (a typed address would be Sec-Fetch-Site none).
    await page.goto(`${webdienst}/logged-out`);
    await page.evaluate((url) => window.location.assign(url), protectedPage);
    await page.waitForURL(loginPage);
    expect(await heading(page)).to.equal('Inloggen');
    await checkPage(e2e, page, 'login page for mellon');

    await submitPassword(page, citizen.username, citizen.password);
    await page.waitForURL(protectedPage);
    const whoami = (await page.locator('body').textContent()) ?? '';
    expect(whoami, apache.problems()).to.match(new RegExp(`AUTHENTICATED-AS: s00000000:${citizen.bsn}\\b`));
    expect(whoami).to.match(new RegExp(`MELLON_NAME_ID=s00000000:${citizen.bsn}\\b`));
    expect(samlRequests[0], 'the AuthnRequest came to Poortwachter from the webdienst, another site').to.match(
      /^GET \/saml\/sso cross-site$/,
    );

    // SAML single logout started by the webdienst: mellon sends its LogoutRequest to our
    // SingleLogoutService, we end the session and answer mellon, which sends the browser to ReturnTo.
    const returnTo = `${webdienst}/logged-out`;
    await page.evaluate(
      (url) => window.location.assign(url),
      `${webdienst}/mellon/logout?ReturnTo=${encodeURIComponent(returnTo)}`,
    );
    await page.waitForURL(returnTo);
    expect((await page.locator('body').textContent()) ?? '', apache.problems()).to.include('AUTHENTICATED-AS: <none>');
    expect(samlRequests.join('\n'), 'the LogoutRequest came to our SingleLogoutService').to.match(
      /GET \/saml\/slo cross-site/,
    );

    expect(
      apache
        .errorLog()
        .split('\n')
        .filter((line) => line.includes('[auth_mellon:error]')),
      'mellon accepted our LogoutResponse',
    ).to.deep.equal([]);

    // Logged out at both ends: the protected page asks for the password again.
    await page.goto(protectedPage);
    await page.waitForURL(loginPage);
    expect(await heading(page)).to.equal('Inloggen');
    expect(await page.getByLabel('Wachtwoord', { exact: true }).count()).to.equal(1);
    await checkPage(e2e, page, 'login page for mellon after single logout');

    // A webdienst that behaves so passes its connection checklist: signed request, registered ACS,
    // answer delivered, logout implemented, no storm of retries.
    const report = await webdienstChecklist(
      createServices(e2e.server.config, e2e.server.store, systemClock).adminDeps,
      entityId,
    );
    expect(
      report.items.filter((entry) => entry.result !== 'pass').map((entry) => `${entry.item}: ${entry.evidence}`),
    ).to.deep.equal([]);
    expect(report.passed).to.equal(true);
  });
});
