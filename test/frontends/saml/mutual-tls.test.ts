// Mutual TLS on the SOAP back channel, in both deployments: Poortwachter's own HTTPS listener asking
// for a client certificate, and a reverse proxy passing the verified certificate in a header (believed
// only from the proxy's address). An ArtifactResolve without a client certificate, with another
// webdienst's, or with a revoked one gets a SOAP fault naming the rule and no assertion, and leaves
// the artifact unspent; with the webdienst's own certificate it resolves. SOAP single logout holds to
// the same rule. The policy also holds at use for signatures: a metadata certificate that is revoked
// after registration no longer signs.
import { createPrivateKey, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { expect } from 'chai';
import { testCitizens } from '../../../seeds/development.ts';
import { addOrganisation } from '../../../src/admin/organisations.ts';
import { addSamlWebdienst } from '../../../src/admin/saml-webdiensten.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { configuredCertificateTrust } from '../../../src/core/trust/certificate-trust.ts';
import { createServices } from '../../../src/services.ts';
import { TestBrowser } from '../../support/browser.ts';
import { capturedLogLines, freePort, startTestServer, type TestServer } from '../../support/server.ts';
import { testPki, type TestCertificate, type TestPki } from '../../support/test-pki.ts';
import { all, artifactFrom, idpCertificate, ns, parse, responseFromArtifactResponse, TestSp } from './test-sp.ts';

const citizen = testCitizens[0];
const success = 'urn:oasis:names:tc:SAML:2.0:status:Success';

interface SoapAnswer {
  status: number;
  xml: string;
}

/** A SOAP POST with optional TLS client certificate, header and source address. */
function postSoap(
  url: string,
  body: string,
  options: { tls?: TestCertificate; ca?: string; headers?: Record<string, string>; localAddress?: string } = {},
): Promise<SoapAnswer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'text/xml',
          soapaction: 'http://www.oasis-open.org/committees/security',
          ...options.headers,
        },
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        ...(target.protocol === 'https:'
          ? { ca: options.ca, ...(options.tls ? { cert: options.tls.certificatePem, key: options.tls.keyPem } : {}) }
          : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, xml: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** A test SP whose keys are certificates of the test PKI; the metadata lists `listed` (signing). */
async function registerPkiSp(
  server: TestServer,
  pki: TestPki,
  organisation: { oin: string; name: string },
  signingKey: TestCertificate,
  listed: TestCertificate[],
): Promise<TestSp> {
  const sp = new TestSp(server, 'artifact', true);
  Object.assign(sp, {
    key: { privateKey: createPrivateKey(signingKey.keyPem), certificate: signingKey.certificatePem },
  });
  const keyDescriptors = listed
    .map(
      (certificate) =>
        `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificate.body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
    )
    .join('');
  const metadata = sp.metadata().replace(/<md:KeyDescriptor use="signing">.*?<\/md:KeyDescriptor>/, keyDescriptors);
  const { adminDeps } = createServices(server.config, server.store, systemClock);
  if (!(await server.store.findOrganisationByOin(organisation.oin)))
    await addOrganisation(adminDeps, { ...organisation, bsnEntitled: true });
  // Registered while the CRL did not yet list the revoked certificate: it is revoked after registration.
  const trustAtRegistration = configuredCertificateTrust(
    {
      environment: server.config.environment,
      trust: { anchorFiles: [pki.anchorsFile], crlFiles: [pki.crlBeforeRevocationFile], crlRefreshSeconds: 60 },
    },
    systemClock,
  );
  await addSamlWebdienst(
    { ...adminDeps, environment: server.config.environment, trust: trustAtRegistration },
    {
      organisationOin: organisation.oin,
      name: 'Parkeervergunning',
      metadataXml: metadata,
      responseBinding: 'artifact',
    },
  );
  return sp;
}

function artifactResolve(sp: TestSp, artifact: string): string {
  const resolve = `<samlp:ArtifactResolve xmlns:samlp="${ns.samlp}" xmlns:saml="${ns.saml}" ID="_${randomBytes(16).toString('hex')}" Version="2.0" IssueInstant="${new Date().toISOString()}"><saml:Issuer>${sp.entityId}</saml:Issuer><samlp:Artifact>${artifact}</samlp:Artifact></samlp:ArtifactResolve>`;
  return `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${sp.signXml(resolve, 'ArtifactResolve')}</soap:Body></soap:Envelope>`;
}

async function loginForArtifact(sp: TestSp): Promise<string> {
  const browser = new TestBrowser({ 'x-forwarded-for': '10.200.0.9' });
  const { xml } = sp.authnRequest();
  const answer = await sp.login(browser, await browser.get(sp.redirectUrl(xml)), citizen.username, citizen.password);
  return artifactFrom(answer).artifact;
}

function expectFault(answer: SoapAnswer, faultstring: string): void {
  expect(answer.status, answer.xml).to.equal(403);
  const doc = parse(answer.xml);
  expect(doc.getElementsByTagName('faultstring')[0]?.textContent).to.equal(faultstring);
  expect(all(doc, 'urn:oasis:names:tc:SAML:2.0:assertion', 'Assertion')).to.deep.equal([]);
}

const faults = {
  none: 'ArtifactResolve refused: a TLS client certificate is required',
  other: "ArtifactResolve refused: the TLS client certificate is not one of the webdienst's metadata certificates",
  revoked:
    'ArtifactResolve refused: the TLS client certificate is refused (revoked): the certificate (serial 1003) is revoked',
};

describe('mutual TLS on the SAML back channel', function () {
  this.timeout(120_000);
  let pki: TestPki;
  before(() => {
    pki = testPki();
  });

  describe("Poortwachter's own back-channel listener (requestCert)", () => {
    let server: TestServer;
    let backChannelUrl: string;
    let sp: TestSp;
    let certificate: string;

    before(async () => {
      const port = await freePort();
      backChannelUrl = `https://127.0.0.1:${port}`;
      server = await startTestServer({
        overrides: {
          trust: { anchorFiles: [pki.anchorsFile], crlFiles: [pki.crlFile] },
          backChannel: {
            clientCertificates: 'listener',
            port,
            url: backChannelUrl,
            tlsCertificateFile: pki.server.certificateFile,
            tlsKeyFile: pki.server.keyFile,
          },
        },
      });
      certificate = await idpCertificate(server);
      await registerPkiSp(server, pki, { oin: pki.otherOin, name: 'Gemeente Elders' }, pki.otherWebdienst, [
        pki.otherWebdienst,
      ]);
      sp = await registerPkiSp(server, pki, { oin: pki.oin, name: 'Gemeente Voorbeeld' }, pki.good, [
        pki.good,
        pki.revoked,
      ]);
    });
    after(() => server.stop());

    const resolveAt = (url: string, artifact: string, tls?: TestCertificate) =>
      postSoap(`${url}/saml/artifact`, artifactResolve(sp, artifact), {
        ca: pki.root.certificatePem + pki.intermediate.certificatePem,
        ...(tls ? { tls } : {}),
      });

    it('publishes the back-channel address for artifact resolution and SOAP logout in the metadata', async () => {
      const doc = parse(await (await fetch(`${server.url}/saml/metadata`)).text());
      const ars = all(doc, ns.md, 'ArtifactResolutionService')[0]!;
      expect(ars.getAttribute('Location')).to.equal(`${backChannelUrl}/saml/artifact`);
      const soapSlo = all(doc, ns.md, 'SingleLogoutService').find(
        (slo) => slo.getAttribute('Binding') === 'urn:oasis:names:tc:SAML:2.0:bindings:SOAP',
      );
      expect(soapSlo?.getAttribute('Location')).to.equal(`${backChannelUrl}/saml/slo`);
    });

    it('refuses without a client certificate, with another webdienst’s and with a revoked one; resolves with its own', async () => {
      const artifact = await loginForArtifact(sp);
      expectFault(await resolveAt(backChannelUrl, artifact), faults.none);
      expectFault(await resolveAt(backChannelUrl, artifact, pki.otherWebdienst), faults.other);
      expectFault(await resolveAt(backChannelUrl, artifact, pki.revoked), faults.revoked);
      // The front channel has no client certificate to give.
      expectFault(await resolveAt(server.url, artifact, pki.good), faults.none);
      const resolved = await resolveAt(backChannelUrl, artifact, pki.good);
      expect(resolved.status, resolved.xml).to.equal(200);
      const result = responseFromArtifactResponse(resolved.xml, certificate);
      expect(result.status).to.equal(success);
      expect(all(result.response!, 'urn:oasis:names:tc:SAML:2.0:assertion', 'Assertion')).to.have.length(1);
    });

    it('audits each refusal with its rule', async () => {
      const artifact = await loginForArtifact(sp);
      const before = await server.store.listAuditEvents({ type: 'saml.artifact_resolve' });
      await resolveAt(backChannelUrl, artifact);
      await resolveAt(backChannelUrl, artifact, pki.otherWebdienst);
      await resolveAt(backChannelUrl, artifact, pki.revoked);
      const events = await server.store.listAuditEvents({
        type: 'saml.artifact_resolve',
        sinceId: before[before.length - 1]?.id ?? 0,
      });
      expect(events.map((event) => [event.outcome, event.reason])).to.deep.equal([
        ['failure', 'no_client_certificate'],
        ['failure', 'client_certificate_not_of_webdienst'],
        ['failure', 'client_certificate_revoked'],
      ]);
    });

    it("holds SOAP single logout to the same rule: the sender's own client certificate", async () => {
      const logoutRequest = () => {
        const xml = `<samlp:LogoutRequest xmlns:samlp="${ns.samlp}" xmlns:saml="${ns.saml}" ID="_${randomBytes(16).toString('hex')}" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${backChannelUrl}/saml/slo"><saml:Issuer>${sp.entityId}</saml:Issuer><saml:NameID>s00000000:${citizen.bsn}</saml:NameID><samlp:SessionIndex>_onbekend</samlp:SessionIndex></samlp:LogoutRequest>`;
        return `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${sp.signXml(xml, 'LogoutRequest')}</soap:Body></soap:Envelope>`;
      };
      const send = (tls?: TestCertificate) =>
        postSoap(`${backChannelUrl}/saml/slo`, logoutRequest(), {
          ca: pki.root.certificatePem + pki.intermediate.certificatePem,
          ...(tls ? { tls } : {}),
        });
      const refused = async (tls: TestCertificate | undefined, faultstring: string) => {
        const answer = await send(tls);
        expect(answer.status, answer.xml).to.equal(403);
        expect(parse(answer.xml).getElementsByTagName('faultstring')[0]?.textContent).to.equal(faultstring);
      };
      await refused(undefined, 'LogoutRequest refused: a TLS client certificate is required');
      await refused(
        pki.otherWebdienst,
        "LogoutRequest refused: the TLS client certificate is not one of the webdienst's metadata certificates",
      );
      await refused(
        pki.revoked,
        'LogoutRequest refused: the TLS client certificate is refused (revoked): the certificate (serial 1003) is revoked',
      );
      const answered = await send(pki.good);
      expect(answered.status, answered.xml).to.equal(200);
      expect(all(parse(answered.xml), ns.samlp, 'LogoutResponse')).to.have.length(1);
    });

    it('serves only the SOAP endpoints on the back-channel listener', async () => {
      const answer = await new Promise<number>((resolve, reject) => {
        const request = httpsRequest(`${backChannelUrl}/saml/metadata`, {
          ca: pki.root.certificatePem + pki.intermediate.certificatePem,
        });
        request.on('response', (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
        request.end();
      });
      expect(answer).to.equal(404);
    });

    it('refuses an AuthnRequest signed with a metadata certificate revoked after registration', async () => {
      const revokedSigner = await registerPkiSp(
        server,
        pki,
        { oin: pki.oin, name: 'Gemeente Voorbeeld' },
        pki.revoked,
        [pki.revoked],
      );
      const { xml } = revokedSigner.authnRequest();
      const page = await new TestBrowser().get(revokedSigner.redirectUrl(xml));
      expect(page.status).to.equal(403);
      expect(page.body).to.not.include('SAMLart');
      expect(capturedLogLines.some((line) => line.includes('SAML message refused: certificate_revoked'))).to.equal(
        true,
      );
    });
  });

  describe('a reverse proxy passing the client certificate in a header', () => {
    let server: TestServer;
    let sp: TestSp;
    let certificate: string;
    const header = 'x-ssl-client-cert';
    // nginx: proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
    const escaped = (tls: TestCertificate) => encodeURIComponent(tls.certificatePem);

    before(async () => {
      server = await startTestServer({
        overrides: {
          trust: { anchorFiles: [pki.anchorsFile], crlFiles: [pki.crlFile] },
          backChannel: { clientCertificates: 'proxy', trustedProxies: ['127.0.0.2'], proxyHeader: 'X-SSL-Client-Cert' },
        },
      });
      certificate = await idpCertificate(server);
      sp = await registerPkiSp(server, pki, { oin: pki.oin, name: 'Gemeente Voorbeeld' }, pki.good, [
        pki.good,
        pki.revoked,
      ]);
    });
    after(() => server.stop());

    const fromProxy = (artifact: string, tls?: TestCertificate, localAddress = '127.0.0.2') =>
      postSoap(`${server.url}/saml/artifact`, artifactResolve(sp, artifact), {
        localAddress,
        headers: tls ? { [header]: escaped(tls) } : {},
      });

    it('refuses without the header, with another webdienst’s and with a revoked one; resolves with its own', async () => {
      const artifact = await loginForArtifact(sp);
      expectFault(await fromProxy(artifact), faults.none);
      expectFault(await fromProxy(artifact, pki.otherWebdienst), faults.other);
      expectFault(await fromProxy(artifact, pki.revoked), faults.revoked);
      const resolved = await fromProxy(artifact, pki.good);
      expect(resolved.status, resolved.xml).to.equal(200);
      expect(responseFromArtifactResponse(resolved.xml, certificate).status).to.equal(success);
    });

    it('ignores the header from any address but the proxy’s', async () => {
      const artifact = await loginForArtifact(sp);
      expectFault(await fromProxy(artifact, pki.good, '127.0.0.1'), faults.none);
      expect((await fromProxy(artifact, pki.good)).status).to.equal(200);
    });

    it('reads the header as PEM with spaces or as base64 DER too', async () => {
      const artifact = await loginForArtifact(sp);
      const resolved = await postSoap(`${server.url}/saml/artifact`, artifactResolve(sp, artifact), {
        localAddress: '127.0.0.2',
        headers: { [header]: pki.good.certificatePem.replace(/\n/g, ' ') },
      });
      expect(resolved.status, resolved.xml).to.equal(200);
      const again = await loginForArtifact(sp);
      const der = await postSoap(`${server.url}/saml/artifact`, artifactResolve(sp, again), {
        localAddress: '127.0.0.2',
        headers: { [header]: pki.good.body },
      });
      expect(der.status, der.xml).to.equal(200);
    });
  });
});
