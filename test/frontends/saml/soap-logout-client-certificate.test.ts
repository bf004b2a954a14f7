// Outgoing SOAP logout requests present Poortwachter's own client certificate (SOAP_CLIENT_CERT_FILE):
// a webdienst whose SOAP endpoint requires mutual TLS confirms the logout; without the certificate the
// TLS handshake fails there and the logout is reported as not confirmed. The webdienst's server
// certificate is checked against the trust anchors besides the system's CAs.
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { expect } from 'chai';
import { loadConfig } from '../../../config/index.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { configuredCertificateTrust } from '../../../src/core/trust/certificate-trust.ts';
import { bindings, type SamlIdp } from '../../../src/frontends/saml/idp.ts';
import { soapLogoutNotifier } from '../../../src/frontends/saml/soap-logout.ts';
import { soapClientTls } from '../../../src/http/listeners.ts';
import type { SsoParticipantRow, SsoSessionRow, WebdienstWithOrganisation } from '../../../src/stores/index.ts';
import { testPki, type TestPki } from '../../support/test-pki.ts';
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

describe('SOAP logout with our client certificate (mutual TLS)', function () {
  this.timeout(120_000);
  let pki: TestPki;
  let server: Server;
  let url: string;
  const presented: Array<string | undefined> = [];

  before(async () => {
    pki = testPki();
    server = createServer(
      {
        cert: pki.server.certificatePem,
        key: pki.server.keyPem,
        ca: [pki.root.certificatePem, pki.intermediate.certificatePem],
        requestCert: true,
        rejectUnauthorized: true,
      },
      (request, response) => {
        presented.push((request.socket as TLSSocket).getPeerX509Certificate()?.subject.split('\n').pop());
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        request.on('end', () => {
          const id = /<samlp:LogoutRequest[^>]* ID="([^"]+)"/.exec(body)?.[1] ?? '';
          response
            .writeHead(200, { 'content-type': 'text/xml' })
            .end(
              `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1" Version="2.0" IssueInstant="${new Date().toISOString()}" InResponseTo="${id}"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse></soap:Body></soap:Envelope>`,
            );
        });
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/slo`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const webdienst = () =>
    ({
      id: 'w1',
      name: 'Dienst',
      protocol: 'saml',
      clientId: 'https://sp.example.nl/saml',
      organisation: { oin: pki.oin, bsnEntitled: true },
      protocolMetadata: {
        entityId: 'https://sp.example.nl/saml',
        assertionConsumerServices: [],
        signingCertificates: [pki.good.body],
        encryptionCertificates: [],
        singleLogoutServices: [{ binding: bindings.soap, location: url }],
        authnRequestsSigned: true,
        responseBinding: 'artifact',
      },
    }) as unknown as WebdienstWithOrganisation;

  const notifier = (env: NodeJS.ProcessEnv) => {
    const config = loadConfig({ POORTWACHTER_ENV: 'development', TRUST_ANCHOR_FILES: pki.anchorsFile, ...env });
    const warnings: Array<Record<string, unknown>> = [];
    return {
      warnings,
      notify: soapLogoutNotifier({
        idp,
        store: { findCitizenById: () => Promise.resolve({ id: 'c1', bsn: '999990019' } as never) },
        clock: systemClock,
        pairwiseSalt: 'salt',
        allowPrivateNetworkCalls: true,
        logger: { warn: (details: Record<string, unknown>) => void warnings.push(details) } as never,
        trust: configuredCertificateTrust(config, systemClock),
        ...soapClientTls(config),
      }),
    };
  };

  it('presents SOAP_CLIENT_CERT_FILE and the webdienst confirms', async () => {
    const { notify } = notifier({
      SOAP_CLIENT_CERT_FILE: pki.poortwachterClient.certificateFile,
      SOAP_CLIENT_KEY_FILE: pki.poortwachterClient.keyFile,
    });
    expect(await notify(participant, webdienst(), session)).to.equal(true);
    expect(presented.at(-1)).to.equal('CN=poortwachter.example.nl');
  });

  it('without a client certificate the webdienst refuses the connection: not confirmed', async () => {
    const before = presented.length;
    const { notify, warnings } = notifier({});
    expect(await notify(participant, webdienst(), session)).to.equal(false);
    expect(presented.length, 'no request got through').to.equal(before);
    expect(warnings).to.have.length(1);
  });
});
