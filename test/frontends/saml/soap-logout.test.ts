// The SOAP LogoutRequest we send to SAML webdiensten (soap-logout.ts) on its own: no calls to this
// machine or a private network unless the configuration allows them, a time limit, and only a Success
// answer to this request counts as confirmed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { anchorlessCertificateTrust } from '../../../src/core/trust/certificate-trust.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { bindings, type SamlIdp } from '../../../src/frontends/saml/idp.ts';
import { isSpecialUseAddress } from '../../../src/frontends/saml/public-address.ts';
import { soapLogoutNotifier } from '../../../src/frontends/saml/soap-logout.ts';
import type { SsoParticipantRow, SsoSessionRow, WebdienstWithOrganisation } from '../../../src/stores/index.ts';
import { newKey } from './test-sp.ts';

const idpKey = newKey();
const idp = {
  entityId: 'https://poortwachter.example.nl/saml/metadata',
  signing: { privateKey: idpKey.privateKey, certificatePem: idpKey.certificate },
} as unknown as SamlIdp;
const session = { id: 's1', citizenId: 'c1' } as SsoSessionRow;
const participant = {
  sessionId: 's1',
  webdienstId: 'w1',
  protocol: 'saml',
  sessionRef: '_index',
  joinedAt: 0,
} as SsoParticipantRow;
const warnings: Array<Record<string, unknown>> = [];

function webdienstWithSlo(location: string): WebdienstWithOrganisation {
  return {
    id: 'w1',
    name: 'Dienst',
    protocol: 'saml',
    clientId: 'https://sp.example.nl/saml',
    organisation: { bsnEntitled: true },
    protocolMetadata: {
      entityId: 'https://sp.example.nl/saml',
      assertionConsumerServices: [],
      signingCertificates: [],
      encryptionCertificates: [],
      singleLogoutServices: [{ binding: bindings.soap, location }],
      authnRequestsSigned: true,
      responseBinding: 'artifact',
    },
  } as unknown as WebdienstWithOrganisation;
}

const notifier = (allowPrivateNetworkCalls: boolean) =>
  soapLogoutNotifier({
    idp,
    store: { findCitizenById: () => Promise.resolve({ id: 'c1', bsn: '999990019' } as never) },
    clock: systemClock,
    pairwiseSalt: 'salt',
    allowPrivateNetworkCalls,
    trust: anchorlessCertificateTrust('development', systemClock),
    logger: { warn: (details: Record<string, unknown>) => void warnings.push(details) } as never,
  });

describe('SAML SOAP logout towards a webdienst', () => {
  let server: Server;
  let requests = 0;
  let url = '';
  before(async () => {
    server = createServer((_request, response) => {
      requests += 1;
      setTimeout(() => response.writeHead(200, { 'content-type': 'text/xml' }).end('<x/>'), 6_000).unref();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slo`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('knows loopback, private, link-local and mapped addresses as special-use, public ones not', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      'not-an-address',
    ]) {
      expect(isSpecialUseAddress(address), address).to.equal(true);
    }
    for (const address of ['145.21.0.1', '8.8.8.8', '2a00:1450::1', '::ffff:145.21.0.1'])
      expect(isSpecialUseAddress(address), address).to.equal(false);
  });

  it('does not call a loopback or private endpoint when private network calls are off, and the logout is not confirmed', async () => {
    for (const location of [url, 'http://localhost:9/slo', 'http://[::1]:9/slo', 'http://10.0.0.1/slo']) {
      expect(await notifier(false)(participant, webdienstWithSlo(location), session), location).to.equal(false);
    }
    expect(requests, 'no request reached the loopback endpoint').to.equal(0);
  });

  it('gives up on a webdienst that does not answer within a few seconds', async function () {
    this.timeout(15_000);
    const started = Date.now();
    expect(await notifier(true)(participant, webdienstWithSlo(url), session)).to.equal(false);
    expect(requests).to.equal(1);
    expect(Date.now() - started).to.be.within(4_000, 6_000);
    expect(warnings.at(-1)).to.deep.include({ reason: 'timeout' });
    expect(JSON.stringify(warnings), 'no BSN in the log').to.not.include('999990019');
  });

  it('does not confirm a webdienst without a SOAP SingleLogoutService', async () => {
    const webdienst = webdienstWithSlo(url);
    (webdienst.protocolMetadata as { singleLogoutServices: unknown[] }).singleLogoutServices = [
      { binding: bindings.redirect, location: url },
    ];
    expect(await notifier(true)(participant, webdienst, session)).to.equal(false);
  });
});
