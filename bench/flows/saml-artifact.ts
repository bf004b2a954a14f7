// One SAML login at level Basis answered by HTTP-Artifact (the DigiD default), as
// a browser and a SAML webdienst do it:
//   GET /saml/sso?SAMLRequest=..&SigAlg=..&Signature=.. (HTTP-Redirect, RSA-SHA256 over the query string)
//     -> 303 /inloggen/:attemptId -> 200 login form
//   POST form (username, password; Origin) -> 303 /saml/resume/:ref -> 303 <ACS>?SAMLart=...
//   POST /saml/artifact: a SOAP ArtifactResolve signed by the webdienst (enveloped, RSA-SHA256)
//     -> the signed ArtifactResponse; its status must be Success and the NameID the citizen's BSN
//     (signatures not checked here: that is client CPU the server does not spend).
// prepare() registers a SAML webdienst (a BSN-entitled organisation) from metadata with a key made
// in this process; the ACS is never contacted (the browser stops at the redirect to it).
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import { loadConfig } from '../../config/index.ts';
import { addOrganisation } from '../../src/admin/organisations.ts';
import { addSamlWebdienst } from '../../src/admin/saml-webdiensten.ts';
import { systemClock } from '../../src/core/clock.ts';
import { selfSignedCertificate } from '../../src/frontends/saml/certificate.ts';
import { createServices } from '../../src/services.ts';
import { openStore } from '../../src/stores/index.ts';
import { expectRedirect, FlowError } from '../browser.ts';
import { stepName } from './oidc.ts';
import { parallelLoginsOfOneCitizen, type FlowContext, type Scenario } from './scenario.ts';

const ns = {
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
};
const artifactBinding = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact';
const rsaSha256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const excC14n = 'http://www.w3.org/2001/10/xml-exc-c14n#';

export interface BenchSp {
  entityId: string;
  acs: string;
  privateKey: KeyObject;
  certificate: string;
}

/** A bench SP with a fresh RSA key and a self-signed certificate. */
export function benchSp(acsPath: string): BenchSp {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const suffix = randomBytes(4).toString('hex');
  return {
    entityId: `https://bench-${suffix}.example.nl/saml`,
    acs: `http://127.0.0.1:9/${acsPath}-${suffix}`,
    privateKey,
    certificate: selfSignedCertificate(privateKey, 'bench SP', Date.now()),
  };
}

const id = () => `_${randomBytes(16).toString('hex')}`;
const body = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');

export function metadata(sp: BenchSp, acsBinding = artifactBinding): string {
  return (
    `<md:EntityDescriptor xmlns:md="${ns.md}" xmlns:ds="${ns.ds}" entityID="${sp.entityId}"><md:SPSSODescriptor protocolSupportEnumeration="${ns.samlp}" AuthnRequestsSigned="true">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${body(sp.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:AssertionConsumerService Binding="${acsBinding}" Location="${sp.acs}" index="0" isDefault="true"/></md:SPSSODescriptor></md:EntityDescriptor>`
  );
}

/** The signed HTTP-Redirect URL of a fresh AuthnRequest (SAML Bindings 3.4.4.1). */
export function redirectUrl(sp: BenchSp, baseUrl: string): string {
  const sso = `${baseUrl}/saml/sso`;
  const request = `<samlp:AuthnRequest xmlns:samlp="${ns.samlp}" xmlns:saml="${ns.saml}" ID="${id()}" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${sso}" AssertionConsumerServiceIndex="0"><saml:Issuer>${sp.entityId}</saml:Issuer></samlp:AuthnRequest>`;
  const signed = `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(request)).toString('base64'))}&SigAlg=${encodeURIComponent(rsaSha256)}`;
  return `${sso}?${signed}&Signature=${encodeURIComponent(sign('sha256', Buffer.from(signed), sp.privateKey).toString('base64'))}`;
}

function artifactResolve(sp: BenchSp, artifact: string): string {
  const resolve = `<samlp:ArtifactResolve xmlns:samlp="${ns.samlp}" xmlns:saml="${ns.saml}" ID="${id()}" Version="2.0" IssueInstant="${new Date().toISOString()}"><saml:Issuer>${sp.entityId}</saml:Issuer><samlp:Artifact>${artifact}</samlp:Artifact></samlp:ArtifactResolve>`;
  const signer = new SignedXml({
    privateKey: sp.privateKey as unknown as string,
    publicCert: sp.certificate,
    signatureAlgorithm: rsaSha256,
    canonicalizationAlgorithm: excC14n,
  });
  signer.addReference({
    xpath: `/*[local-name(.)='ArtifactResolve']`,
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', excC14n],
  });
  signer.computeSignature(resolve, {
    prefix: 'ds',
    location: { reference: `/*[local-name(.)='ArtifactResolve']/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${signer.getSignedXml()}</soap:Body></soap:Envelope>`;
}

async function samlArtifactFlow(ctx: FlowContext, sp: BenchSp): Promise<void> {
  const { target, browser } = ctx;
  const seen = new Map<string, number>();
  const get = (url: string) => ctx.step(stepName('GET', url, seen), () => browser.get(url));

  const started = await ctx.step('GET /saml/sso', () => browser.get(redirectUrl(sp, target.baseUrl)));
  const loginPage = await get(expectRedirect('sso', started));
  const action = /<form[^>]*action="([^"]*)"[^>]*>(?:(?!<\/form>)[\s\S])*name="password"/.exec(loginPage.body)?.[1];
  if (loginPage.status !== 200 || !action)
    throw new FlowError('login page', `expected the login form, got ${loginPage.status} ${loginPage.location ?? ''}`);
  const actionUrl = new URL(action.replace(/&amp;/g, '&'), target.baseUrl).href;
  const posted = await ctx.step(stepName('POST', actionUrl, seen), () =>
    browser.post(actionUrl, { username: target.citizen.username, password: target.citizen.password }),
  );
  const resumed = await ctx.step('GET /saml/resume/:ref', () => browser.get(expectRedirect('password', posted)));
  const acsUrl = expectRedirect('resume', resumed);
  if (!acsUrl.startsWith(`${sp.acs}?`)) throw new FlowError('resume', `not sent to the ACS: ${acsUrl.slice(0, 120)}`);
  const artifact = new URL(acsUrl).searchParams.get('SAMLart');
  if (!artifact) throw new FlowError('resume', 'no SAMLart');

  // The webdienst resolves the artifact on the back channel.
  const answer = await ctx.step('POST /saml/artifact', async () => {
    const response = await fetch(`${target.baseUrl}/saml/artifact`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml', soapaction: 'http://www.oasis-open.org/committees/security' },
      body: artifactResolve(sp, artifact),
    });
    return { status: response.status, body: await response.text() };
  });
  if (answer.status !== 200) throw new FlowError('artifact resolve', `${answer.status} ${answer.body.slice(0, 200)}`);
  const statuses = [...answer.body.matchAll(/StatusCode Value="([^"]+)"/g)].map((match) => match[1]);
  if (statuses.length !== 2 || statuses.some((value) => !value!.endsWith(':Success')))
    throw new FlowError('artifact resolve', `status ${statuses.join(' ')}`);
  if (!/<saml:NameID>s00000000:\d{9}<\/saml:NameID>/.test(answer.body))
    throw new FlowError('artifact resolve', 'no BSN NameID in the assertion');
}

export const samlArtifactLogin: Scenario = {
  name: 'saml-artifact',
  serverConfig: parallelLoginsOfOneCitizen,
  description: 'SAML Basis login (signed Redirect AuthnRequest -> password -> SAMLart -> signed SOAP ArtifactResolve)',
  async prepare(setup) {
    const config = loadConfig(setup.serverEnv);
    const store = openStore(setup.databaseUrl, { poolSize: 2 });
    try {
      const sp = benchSp('bench-acs');
      const suffix = sp.entityId.slice('https://bench-'.length, 'https://bench-'.length + 8);
      const { adminDeps } = createServices(config, store, systemClock);
      const oin = `00000009${String(Date.now()).slice(-12)}`;
      await addOrganisation(adminDeps, { name: `Bench SAML ${suffix}`, oin, bsnEntitled: true });
      await addSamlWebdienst(
        { ...adminDeps, environment: config.environment },
        { organisationOin: oin, name: 'Bench SAML webdienst', metadataXml: metadata(sp), responseBinding: 'artifact' },
      );
      await store.close();
      return {
        scenario: { ...samlArtifactLogin, run: (ctx) => samlArtifactFlow(ctx, sp) },
        close: () => Promise.resolve(),
      };
    } catch (error) {
      await store.close();
      throw error;
    }
  },
  run() {
    return Promise.reject(new Error('the saml-artifact scenario needs prepare() (its webdienst and key)'));
  },
};
