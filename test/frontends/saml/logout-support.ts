// What the single-logout tests share: LogoutRequests from a test SP, a webdienst's back channel (an HTTP
// server that keeps OIDC logout tokens and answers our SOAP LogoutRequests as a SAML SP would: it checks
// our signature and answers a LogoutResponse signed with the SP's key), and reading the LogoutResponse
// we send by Redirect.
import { randomBytes, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inflateRawSync } from 'node:zlib';
import { expect } from 'chai';
import type { TestServer } from '../../support/server.ts';
import { all, bindings, expectSignedBy, first, ns, parse, rsaSha256, TestSp } from './test-sp.ts';

export const soapBinding = 'urn:oasis:names:tc:SAML:2.0:bindings:SOAP';
export const sloUrlOf = (server: TestServer): string => `${server.url}/saml/slo`;

export interface LogoutRequestOptions {
  nameId: string;
  sessionIndexes?: string[];
  id?: string;
  issuer?: string;
  destination?: string | null;
  issueInstant?: string;
  notOnOrAfter?: string;
}

export function logoutRequestXml(sp: TestSp, options: LogoutRequestOptions): { id: string; xml: string } {
  const id = options.id ?? `_${randomBytes(16).toString('hex')}`;
  const destination =
    options.destination === null ? '' : ` Destination="${options.destination ?? sloUrlOf(sp.server)}"`;
  const notOnOrAfter = options.notOnOrAfter ? ` NotOnOrAfter="${options.notOnOrAfter}"` : '';
  const xml =
    `<samlp:LogoutRequest xmlns:samlp="${ns.samlp}" xmlns:saml="${ns.saml}" ID="${id}" Version="2.0" IssueInstant="${options.issueInstant ?? new Date().toISOString()}"${destination}${notOnOrAfter}>` +
    `<saml:Issuer>${options.issuer ?? sp.entityId}</saml:Issuer><saml:NameID>${options.nameId}</saml:NameID>` +
    (options.sessionIndexes ?? []).map((index) => `<samlp:SessionIndex>${index}</samlp:SessionIndex>`).join('') +
    `</samlp:LogoutRequest>`;
  return { id, xml };
}

/** The HTTP-Redirect URL of a LogoutRequest at our SLO endpoint (TestSp signs for its SSO URL; same query). */
export function logoutRedirectUrl(sp: TestSp, xml: string, options: Parameters<TestSp['redirectUrl']>[1] = {}): string {
  return sp.redirectUrl(xml, options).replace(sp.ssoUrl, sloUrlOf(sp.server));
}

export interface ReceivedSoapLogout {
  sp: string;
  requestId: string;
  nameId: string;
  nameIdFormat: string | null;
  sessionIndex: string;
  destination: string;
}

type Answer = 'signed' | 'unsigned' | 'foreign-key' | 'responder-error';

/**
 * One server for a webdienst's back channel: `/backchannel-logout` keeps OIDC logout tokens; `/slo/NAME`
 * is the SOAP SingleLogoutService of the SP attached under NAME. Every SOAP LogoutRequest must carry our
 * valid signature (checked with the IdP certificate); the answer is a LogoutResponse as `answer` says.
 */
export async function backChannel(idpCertificate: () => string) {
  const tokens: string[] = [];
  const soapLogouts: ReceivedSoapLogout[] = [];
  const sps = new Map<string, { sp: TestSp; answer: Answer }>();
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (request.url === '/backchannel-logout') {
        const token = new URLSearchParams(body).get('logout_token');
        if (token) tokens.push(token);
        response.writeHead(200).end();
        return;
      }
      const name = request.url?.match(/^\/slo\/([\w-]+)$/)?.[1];
      const attached = name ? sps.get(name) : undefined;
      if (!attached || request.method !== 'POST') return void response.writeHead(404).end();
      try {
        const doc = parse(body);
        const logoutRequest = first(doc, ns.samlp, 'LogoutRequest')!;
        expectSignedBy(body, logoutRequest, idpCertificate());
        const nameId = first(logoutRequest, ns.saml, 'NameID')!;
        soapLogouts.push({
          sp: name!,
          requestId: logoutRequest.getAttribute('ID')!,
          nameId: nameId.textContent,
          nameIdFormat: nameId.hasAttribute('Format') ? nameId.getAttribute('Format') : null,
          sessionIndex: first(logoutRequest, ns.samlp, 'SessionIndex')!.textContent,
          destination: logoutRequest.getAttribute('Destination')!,
        });
        response
          .writeHead(200, { 'content-type': 'text/xml' })
          .end(soapLogoutResponse(attached.sp, logoutRequest.getAttribute('ID')!, attached.answer));
      } catch (error) {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    backchannelLogoutUri: `${base}/backchannel-logout`,
    tokens,
    soapLogouts,
    /** The SOAP SLO URL for an SP that `attach` will connect to it. */
    sloUrl: (name: string) => `${base}/slo/${name}`,
    attach(name: string, sp: TestSp, answer: Answer = 'signed') {
      sps.set(name, { sp, answer });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function soapLogoutResponse(sp: TestSp, inResponseTo: string, answer: Answer): string {
  const status =
    answer === 'responder-error'
      ? 'urn:oasis:names:tc:SAML:2.0:status:Responder'
      : 'urn:oasis:names:tc:SAML:2.0:status:Success';
  const xml =
    `<samlp:LogoutResponse xmlns:samlp="${ns.samlp}" xmlns:saml="${ns.saml}" ID="_${randomBytes(16).toString('hex')}" Version="2.0" IssueInstant="${new Date().toISOString()}" InResponseTo="${inResponseTo}">` +
    `<saml:Issuer>${sp.entityId}</saml:Issuer><samlp:Status><samlp:StatusCode Value="${status}"/></samlp:Status></samlp:LogoutResponse>`;
  const signed =
    answer === 'unsigned'
      ? xml
      : sp.signXml(
          xml,
          'LogoutResponse',
          answer === 'foreign-key' ? new TestSp(sp.server, 'artifact', true).key.privateKey : sp.key.privateKey,
        );
  return `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${signed}</soap:Body></soap:Envelope>`;
}

/** The LogoutResponse in our HTTP-Redirect to the SP, after checking the signature over the query (SAML Bindings 3.4.4.1). */
export function redirectedLogoutResponse(
  location: string,
  certificate: string,
): { endpoint: string; relayState: string | null; response: Element; statusCodes: Array<string | null> } {
  const url = new URL(location);
  const raw = new Map(
    url.search
      .slice(1)
      .split('&')
      .map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)] as const),
  );
  expect(decodeURIComponent(raw.get('SigAlg')!)).to.equal(rsaSha256);
  const signed = ['SAMLResponse', 'RelayState', 'SigAlg']
    .filter((key) => raw.has(key))
    .map((key) => `${key}=${raw.get(key)}`)
    .join('&');
  expect(
    verify(
      'sha256',
      Buffer.from(signed),
      certificate,
      Buffer.from(decodeURIComponent(raw.get('Signature')!), 'base64'),
    ),
    'Redirect signature',
  ).to.equal(true);
  const xml = inflateRawSync(Buffer.from(url.searchParams.get('SAMLResponse')!, 'base64')).toString('utf8');
  const response = parse(xml).documentElement;
  expect(response.localName).to.equal('LogoutResponse');
  expect(first(response, ns.saml, 'NameID'), 'no NameID (BSN) in a URL').to.equal(undefined);
  return {
    endpoint: `${url.origin}${url.pathname}`,
    relayState: url.searchParams.get('RelayState'),
    response,
    statusCodes: all(response, ns.samlp, 'StatusCode').map((code) => code.getAttribute('Value')),
  };
}

export const frontChannelSlo = (sp: TestSp) => ({ binding: bindings.redirect, location: `${sp.acsBase}/slo` });
