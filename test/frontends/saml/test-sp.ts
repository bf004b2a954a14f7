// A test service provider with real crypto: its own RSA key and certificate, SP metadata registered
// through the admin function (as `webdienst add-saml` does), signed AuthnRequests for both bindings,
// signed ArtifactResolves, and a strict check of the Response we get back.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import { expect } from 'chai';
import { SignedXml } from 'xml-crypto';
import { addOrganisation } from '../../../src/admin/organisations.ts';
import { addSamlWebdienst } from '../../../src/admin/saml-webdiensten.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { selfSignedCertificate } from '../../../src/frontends/saml/certificate.ts';
import { createServices } from '../../../src/services.ts';
import { formAction, type Page, type TestBrowser } from '../../support/browser.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

export const ns = {
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
};
export const bindings = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
  artifact: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact',
};
export const rsaSha256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

export function newKey(): { privateKey: KeyObject; certificate: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, certificate: selfSignedCertificate(privateKey, 'test SP', Date.now()) };
}
const body = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');

let oinCounter = Math.floor(Math.random() * 100000);
export function nextOin(): string {
  oinCounter += 1;
  return `0000000${String(oinCounter).padStart(13, '0')}`.slice(-20);
}

export interface RequestOptions {
  id?: string;
  issueInstant?: string;
  destination?: string | null;
  issuer?: string;
  acsIndex?: number;
  acsUrl?: string;
  protocolBinding?: string;
  forceAuthn?: boolean;
  isPassive?: boolean;
  authnContext?: { refs: string[]; comparison?: string };
  extra?: string;
  version?: string;
  issuerFormat?: string;
}

const xmlEscape = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export class TestSp {
  entityId = `https://sp-${randomBytes(4).toString('hex')}.example.nl/saml`;
  readonly acsBase = `http://127.0.0.1:9/acs-${randomBytes(3).toString('hex')}`;
  readonly key = newKey();
  /** Published as KeyDescriptor use="encryption" when the SP is registered with encryption. */
  readonly encryptionKey = newKey();
  /** SingleLogoutService endpoints published in the metadata (single logout tests). */
  singleLogoutServices: Array<{ binding: string; location: string; responseLocation?: string }> = [];
  constructor(
    readonly server: TestServer,
    readonly responseBinding: 'artifact' | 'post',
    readonly bsnEntitled: boolean,
    readonly withEncryption = false,
  ) {}

  get postAcs() {
    return `${this.acsBase}/post`;
  }
  get artifactAcs() {
    return `${this.acsBase}/artifact`;
  }
  get ssoUrl() {
    return `${this.server.url}/saml/sso`;
  }

  metadata(): string {
    return (
      `<md:EntityDescriptor xmlns:md="${ns.md}" xmlns:ds="${ns.ds}" entityID="${xmlEscape(this.entityId)}">` +
      `<md:SPSSODescriptor protocolSupportEnumeration="${ns.samlp}" AuthnRequestsSigned="true" WantAssertionsSigned="true">` +
      `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${body(this.key.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
      (this.withEncryption
        ? `<md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${body(this.encryptionKey.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`
        : '') +
      this.singleLogoutServices
        .map(
          (slo) =>
            `<md:SingleLogoutService Binding="${slo.binding}" Location="${slo.location}"${slo.responseLocation ? ` ResponseLocation="${slo.responseLocation}"` : ''}/>`,
        )
        .join('') +
      `<md:AssertionConsumerService Binding="${bindings.artifact}" Location="${this.artifactAcs}" index="0" isDefault="${this.responseBinding === 'artifact'}"/>` +
      `<md:AssertionConsumerService Binding="${bindings.post}" Location="${this.postAcs}" index="1"/>` +
      `</md:SPSSODescriptor></md:EntityDescriptor>`
    );
  }

  static async register(
    server: TestServer,
    options: {
      responseBinding?: 'artifact' | 'post';
      bsnEntitled?: boolean;
      level?: string;
      encryption?: boolean;
      organisationName?: string;
      name?: string;
      federation?: string;
      entityId?: string;
      singleLogoutServices?: (sp: TestSp) => TestSp['singleLogoutServices'];
    } = {},
  ): Promise<TestSp> {
    const sp = new TestSp(
      server,
      options.responseBinding ?? 'artifact',
      options.bsnEntitled ?? true,
      options.encryption ?? false,
    );
    if (options.entityId) sp.entityId = options.entityId;
    if (options.singleLogoutServices) sp.singleLogoutServices = options.singleLogoutServices(sp);
    const { adminDeps } = createServices(server.config, server.store, systemClock);
    const oin = nextOin();
    await addOrganisation(adminDeps, {
      name: options.organisationName ?? `Organisatie ${oin}`,
      oin,
      bsnEntitled: sp.bsnEntitled,
    });
    await addSamlWebdienst(
      { ...adminDeps, environment: 'development' },
      {
        organisationOin: oin,
        name: options.name ?? 'SAML testdienst',
        metadataXml: sp.metadata(),
        responseBinding: sp.responseBinding,
        ...(options.level ? { level: options.level } : {}),
        ...(options.federation ? { federation: options.federation } : {}),
      },
    );
    return sp;
  }

  authnRequest(options: RequestOptions = {}): { id: string; xml: string } {
    const id = options.id ?? `_${randomBytes(16).toString('hex')}`;
    const attrs = [
      `ID="${id}"`,
      `Version="${options.version ?? '2.0'}"`,
      `IssueInstant="${options.issueInstant ?? new Date().toISOString()}"`,
      ...(options.destination === null ? [] : [`Destination="${options.destination ?? this.ssoUrl}"`]),
      ...(options.acsIndex !== undefined ? [`AssertionConsumerServiceIndex="${options.acsIndex}"`] : []),
      ...(options.acsUrl !== undefined ? [`AssertionConsumerServiceURL="${options.acsUrl}"`] : []),
      ...(options.protocolBinding !== undefined ? [`ProtocolBinding="${options.protocolBinding}"`] : []),
      ...(options.forceAuthn ? ['ForceAuthn="true"'] : []),
      ...(options.isPassive ? ['IsPassive="true"'] : []),
    ];
    const context = options.authnContext
      ? `<samlp:RequestedAuthnContext Comparison="${options.authnContext.comparison ?? 'minimum'}">${options.authnContext.refs.map((ref) => `<saml:AuthnContextClassRef>${ref}</saml:AuthnContextClassRef>`).join('')}</samlp:RequestedAuthnContext>`
      : '';
    const xml = `<samlp:AuthnRequest xmlns:samlp="${ns.samlp}" xmlns:saml="${ns.saml}" ${attrs.join(' ')}><saml:Issuer${options.issuerFormat ? ` Format="${options.issuerFormat}"` : ''}>${options.issuer ?? xmlEscape(this.entityId)}</saml:Issuer>${options.extra ?? ''}<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient" AllowCreate="true"/>${context}</samlp:AuthnRequest>`;
    return { id, xml };
  }

  /** The HTTP-Redirect URL, signed over the query string (SAML Bindings 3.4.4.1). */
  redirectUrl(
    xml: string,
    options: { relayState?: string; key?: KeyObject; sigAlg?: string; unsigned?: boolean; deflated?: Buffer } = {},
  ): string {
    const parts = [
      `SAMLRequest=${encodeURIComponent((options.deflated ?? deflateRawSync(Buffer.from(xml))).toString('base64'))}`,
    ];
    if (options.relayState !== undefined) parts.push(`RelayState=${encodeURIComponent(options.relayState)}`);
    if (!options.unsigned) {
      const sigAlg = options.sigAlg ?? rsaSha256;
      parts.push(`SigAlg=${encodeURIComponent(sigAlg)}`);
      const hash = sigAlg.endsWith('rsa-sha1') ? 'sha1' : 'sha256';
      const signature = sign(hash, Buffer.from(parts.join('&')), options.key ?? this.key.privateKey);
      parts.push(`Signature=${encodeURIComponent(signature.toString('base64'))}`);
    }
    return `${this.ssoUrl}?${parts.join('&')}`;
  }

  /** An enveloped signature over the root element, after its Issuer. */
  signXml(
    xml: string,
    rootName: string,
    key: KeyObject = this.key.privateKey,
    options: { canonicalization?: string } = {},
  ): string {
    const signer = new SignedXml({
      privateKey: key as unknown as string,
      publicCert: this.key.certificate,
      signatureAlgorithm: rsaSha256,
      canonicalizationAlgorithm: options.canonicalization ?? 'http://www.w3.org/2001/10/xml-exc-c14n#',
    });
    signer.addReference({
      xpath: `/*[local-name(.)='${rootName}']`,
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
      transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    });
    signer.computeSignature(xml, {
      prefix: 'ds',
      location: { reference: `/*[local-name(.)='${rootName}']/*[local-name(.)='Issuer']`, action: 'after' },
    });
    return signer.getSignedXml();
  }

  /** Logs in through the login pages; returns the page the IdP answers with after the login. */
  async login(browser: TestBrowser, start: Page, username: string, password: string): Promise<Page> {
    expect(start.status, start.body.slice(0, 300)).to.equal(303);
    const loginPage = await browser.follow(start);
    expect(loginPage.status, loginPage.body.slice(0, 300)).to.equal(200);
    const submitted = await browser.post(formAction(loginPage.body, 'password', loginPage.url), { username, password });
    expect(submitted.status, submitted.body.slice(0, 300)).to.equal(303);
    expect(new URL(submitted.location!).pathname).to.match(/^\/saml\/resume\//);
    return browser.get(submitted.location!);
  }

  /** Resolves an artifact with a signed SOAP ArtifactResolve (at `at`: another process); returns the HTTP status and the body. */
  async resolve(
    artifact: string,
    options: { key?: KeyObject; issuer?: string; unsigned?: boolean; destination?: string; at?: string } = {},
  ): Promise<{ status: number; xml: string }> {
    const resolve = `<samlp:ArtifactResolve xmlns:samlp="${ns.samlp}" xmlns:saml="${ns.saml}" ID="_${randomBytes(16).toString('hex')}" Version="2.0" IssueInstant="${new Date().toISOString()}"${options.destination ? ` Destination="${options.destination}"` : ''}><saml:Issuer>${options.issuer ?? xmlEscape(this.entityId)}</saml:Issuer><samlp:Artifact>${artifact}</samlp:Artifact></samlp:ArtifactResolve>`;
    const signed = options.unsigned ? resolve : this.signXml(resolve, 'ArtifactResolve', options.key);
    const envelope = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${signed}</soap:Body></soap:Envelope>`;
    const response = await fetch(`${options.at ?? this.server.url}/saml/artifact`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml', soapaction: 'http://www.oasis-open.org/committees/security' },
      body: envelope,
    });
    return { status: response.status, xml: await response.text() };
  }
}

export function parse(xml: string): Document {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

export function all(parent: Document | Element, namespace: string, name: string): Element[] {
  const list = parent.getElementsByTagNameNS(namespace, name);
  return Array.from({ length: list.length }, (_, i) => list.item(i)!);
}

export function first(parent: Document | Element, namespace: string, name: string): Element | undefined {
  return all(parent, namespace, name)[0];
}

export function statusCodesOf(element: Element): Array<string | null> {
  return all(element, ns.samlp, 'StatusCode').map((code) => code.getAttribute('Value'));
}

/** A test server and the IdP certificate from its metadata, for a describe block's before hook. */
export async function startSamlTestServer(
  kind: 'sqlite' | 'postgres',
): Promise<{ server: TestServer; certificate: string }> {
  const server = await startTestServer({ kind });
  return { server, certificate: await idpCertificate(server) };
}

/** The IdP's signing certificate, from its published metadata. */
export async function idpCertificate(server: TestServer): Promise<string> {
  const metadata = await (await fetch(`${server.url}/saml/metadata`)).text();
  const certificate = first(parse(metadata), ns.ds, 'X509Certificate')!.textContent.replace(/\s/g, '');
  return `-----BEGIN CERTIFICATE-----\n${certificate.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Verifies the enveloped signature of `element` (Response, Assertion, ArtifactResponse) with the IdP certificate. */
export function expectSignedBy(xml: string, element: Element, certificate: string): void {
  const signature = all(element, ns.ds, 'Signature').find((candidate) => candidate.parentNode === element);
  expect(signature, `${element.localName} is not signed`).to.not.equal(undefined);
  const verifier = new SignedXml({ publicCert: certificate, getCertFromKeyInfo: () => null });
  verifier.loadSignature(signature!);
  expect(verifier.checkSignature(xml), `signature of ${element.localName}`).to.equal(true);
  const reference = first(signature!, ns.ds, 'Reference')!.getAttribute('URI');
  expect(reference).to.equal(`#${element.getAttribute('ID')}`);
}

/** The Response inside a SOAP ArtifactResponse, or undefined; checks the ArtifactResponse signature. */
export function responseFromArtifactResponse(
  soapXml: string,
  certificate: string,
): { status: string; subStatus?: string; response?: Element; responseXml?: string } {
  const doc = parse(soapXml);
  const artifactResponse = first(doc, ns.samlp, 'ArtifactResponse')!;
  expect(artifactResponse, soapXml.slice(0, 400)).to.not.equal(undefined);
  expectSignedBy(soapXml, artifactResponse, certificate);
  const statusCodes = all(artifactResponse, ns.samlp, 'StatusCode');
  const response = first(artifactResponse, ns.samlp, 'Response');
  return {
    status: statusCodes[0]!.getAttribute('Value')!,
    subStatus: statusCodes[1]?.getAttribute('Value') ?? undefined,
    response,
    responseXml: response ? soapXml : undefined,
  };
}

export function artifactFrom(page: Page): { artifact: string; relayState: string | null; acs: string } {
  expect(page.status, page.body.slice(0, 300)).to.equal(303);
  const url = new URL(page.location!);
  return {
    artifact: url.searchParams.get('SAMLart')!,
    relayState: url.searchParams.get('RelayState'),
    acs: `${url.origin}${url.pathname}`,
  };
}

/** Resolves the artifact of a redirect to the ACS; returns the status codes of the Response in it. */
export async function resolvedStatusCodes(sp: TestSp, page: Page, certificate: string): Promise<Array<string | null>> {
  const result = responseFromArtifactResponse((await sp.resolve(artifactFrom(page).artifact)).xml, certificate);
  expect(result.status, 'the ArtifactResponse itself succeeds').to.equal('urn:oasis:names:tc:SAML:2.0:status:Success');
  return statusCodesOf(result.response!);
}

export function postedResponse(page: Page): { xml: string; relayState?: string; action: string } {
  expect(page.status, page.body.slice(0, 300)).to.equal(200);
  const action = page.body.match(/<form id="saml-post" method="post" action="([^"]*)"/)![1]!.replace(/&amp;/g, '&');
  const value = page.body.match(/name="SAMLResponse" value="([^"]*)"/)![1]!;
  const relay = page.body.match(/name="RelayState" value="([^"]*)"/)?.[1];
  return {
    xml: Buffer.from(value, 'base64').toString('utf8'),
    action,
    ...(relay !== undefined ? { relayState: relay } : {}),
  };
}

export { createPrivateKey, createPublicKey, X509Certificate };
