// Development and preproduction check requests against the seeded register: a seeded person without
// an account can request one out of the box, and English is there too.
import { expect } from 'chai';
import { seededPersons } from '../../src/gateways/population-register/index.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { browserInOwnNetwork, errorSummary, letterFor, postRequest, requestForm } from './helpers.ts';

describe('Account request against the seeded register (development)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('accepts a seeded person with an addition and sends the letter to their address', async () => {
    const person = seededPersons.find((candidate) => candidate.bsn === '999991905')!;
    const page = await postRequest(server, browserInOwnNetwork(), requestForm(person));
    expect(page.status, errorSummary(page)).to.equal(303);
    const letter = await letterFor(server, person);
    expect(letter!.addressLines).to.deep.equal(['Havenweg 45-2', "2511 AB  'S-GRAVENHAGE"]);
  });

  it('serves the request and activation pages in English', async () => {
    const browser = browserInOwnNetwork();
    const request = await browser.get(`${server.url}/aanvragen?lang=en`);
    expect(request.body).to.include('Request an account').and.include('Citizen service number (BSN)');
    const activate = await browser.get(`${server.url}/activeren?lang=en`);
    expect(activate.body).to.include('Activate your account').and.include('Activation code');
  });
});
