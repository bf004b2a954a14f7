// Malformed SAML messages for the three bindings the IdP reads (SAML Bindings 3.4 HTTP-Redirect,
// 3.5 HTTP-POST, 3.2 SOAP): broken deflate, base64 and XML, XXE and entity expansion, oversized
// input, bad or missing signatures, messages signed correctly but wrong in what they say, and
// signature wrapping. Every case must be refused: none may be a request the IdP would accept.
import { sign } from 'node:crypto';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import type { Prng } from './prng.ts';
import { encode, form, withQuery, type FuzzRequest } from './requests.ts';
import type { FuzzTarget } from './target.ts';

const ns = {
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
};
const rsaSha256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const rsaSha1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';

interface MessageFields {
  id: string;
  issueInstant: string;
  destination?: string;
  issuer: string;
  acsIndex?: string;
  acsUrl?: string;
  version: string;
  extra: string;
}

/** What a correct message would say; each case changes at least one thing so it is refused. */
function fields(rng: Prng, target: FuzzTarget, destination: string): MessageFields {
  return {
    id: `_${rng.bytes(16).toString('hex')}`,
    issueInstant: new Date(target.now()).toISOString(),
    destination,
    issuer: target.sp.entityId,
    version: '2.0',
    extra: '',
  };
}

function authnRequest(f: MessageFields): string {
  const attrs = [
    `ID="${f.id}"`,
    `Version="${f.version}"`,
    `IssueInstant="${f.issueInstant}"`,
    ...(f.destination !== undefined ? [`Destination="${f.destination}"`] : []),
    ...(f.acsIndex !== undefined ? [`AssertionConsumerServiceIndex="${f.acsIndex}"`] : []),
    ...(f.acsUrl !== undefined ? [`AssertionConsumerServiceURL="${f.acsUrl}"`] : []),
  ];
  return `<samlp:AuthnRequest xmlns:samlp="${ns.samlp}" xmlns:saml="${ns.saml}" ${attrs.join(' ')}><saml:Issuer>${f.issuer}</saml:Issuer>${f.extra}</samlp:AuthnRequest>`;
}

function logoutRequest(f: MessageFields, rng: Prng): string {
  const nameId = rng.pick(['s00000000:999993653', rng.text(20), '', 'x'.repeat(300)]);
  return `<samlp:LogoutRequest xmlns:samlp="${ns.samlp}" xmlns:saml="${ns.saml}" ID="${f.id}" Version="${f.version}" IssueInstant="${f.issueInstant}"${f.destination !== undefined ? ` Destination="${f.destination}"` : ''}><saml:Issuer>${f.issuer}</saml:Issuer>${f.extra}<saml:NameID>${escapeXml(nameId)}</saml:NameID><samlp:SessionIndex>${rng.bytes(8).toString('hex')}</samlp:SessionIndex></samlp:LogoutRequest>`;
}

function artifactResolve(f: MessageFields, artifact: string): string {
  return `<samlp:ArtifactResolve xmlns:samlp="${ns.samlp}" xmlns:saml="${ns.saml}" ID="${f.id}" Version="${f.version}" IssueInstant="${f.issueInstant}"${f.destination !== undefined ? ` Destination="${f.destination}"` : ''}><saml:Issuer>${f.issuer}</saml:Issuer>${f.extra}<samlp:Artifact>${escapeXml(artifact)}</samlp:Artifact></samlp:ArtifactResolve>`;
}

const escapeXml = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Changes that make a message wrong in what it says (each alone is reason enough to refuse it). */
function semanticDefect(rng: Prng, f: MessageFields, target: FuzzTarget, authnRequest = true): string {
  // A signed AuthnRequest that is only too old, too new or of another Version is answered, not
  // refused: Requester/NoSupportedIDP as an artifact, which writes the request
  // and the artifact. Those defects are for the other messages only.
  const defects = authnRequest
    ? (['wrong-destination', 'unknown-issuer', 'empty-id', 'doctype', 'unknown-acs-index', 'foreign-acs-url'] as const)
    : (['stale', 'future', 'wrong-destination', 'unknown-issuer', 'version', 'empty-id', 'doctype'] as const);
  const defect = rng.pick(defects);
  switch (defect) {
    case 'stale':
      f.issueInstant = new Date(target.now() - rng.int(3600, 10 ** 7) * 1000).toISOString();
      break;
    case 'future':
      f.issueInstant = new Date(target.now() + rng.int(3600, 10 ** 7) * 1000).toISOString();
      break;
    case 'wrong-destination':
      f.destination = rng.pick([`${target.url}/elders`, 'https://idp.evil.example/sso', `${target.url.toUpperCase()}`]);
      break;
    case 'unknown-issuer':
      f.issuer = rng.pick(['https://unknown.example/sp', escapeXml(rng.text(30)), '']);
      break;
    case 'unknown-acs-index':
      f.acsIndex = String(rng.pick([2, 7, 65535, -1]));
      break;
    case 'foreign-acs-url':
      f.acsUrl = rng.pick([
        'https://evil.example/acs',
        `${target.sp.artifactAcs}/../x`,
        target.sp.artifactAcs.replace('https', 'http'),
        `${target.sp.artifactAcs}?x=1`,
      ]);
      break;
    case 'version':
      f.version = rng.pick(['1.1', '', '2.0.0', '3']);
      break;
    case 'empty-id':
      f.id = rng.pick(['', '1abc', ' ']);
      break;
    case 'doctype':
      break;
  }
  return defect;
}

const xxePayloads = [
  '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
  '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:9/xxe">]>',
  '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
  '<!DOCTYPE r SYSTEM "http://127.0.0.1:9/dtd">',
  '<!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]>',
];

/** XML that is broken in form: truncated, garbage, entities, deep nesting, odd encodings. */
function brokenXml(rng: Prng, valid: string): { xml: string | Buffer; how: string } {
  const how = rng.pick([
    'truncated',
    'garbage',
    'byte-flip',
    'xxe',
    'deep',
    'wide',
    'utf16',
    'bom-latin1',
    'two-roots',
    'comment-in-issuer',
    'cdata',
    'pi',
    'empty',
    'huge-attribute',
    'not-xml',
    'unclosed',
  ] as const);
  switch (how) {
    case 'truncated':
      return { xml: valid.slice(0, rng.int(0, valid.length - 1)), how };
    case 'garbage':
      return { xml: rng.text(rng.int(1, 400)), how };
    case 'byte-flip': {
      const bytes = Buffer.from(valid);
      for (let flips = rng.int(1, 5); flips > 0; flips -= 1) bytes[rng.int(0, bytes.length - 1)] = rng.int(0, 255);
      return { xml: bytes, how };
    }
    case 'xxe':
      return { xml: rng.pick(xxePayloads) + valid.replace('</saml:Issuer>', '&x;</saml:Issuer>'), how };
    case 'deep':
      return { xml: `${'<a>'.repeat(rng.pick([100, 5000, 20000]))}${valid}`, how };
    case 'wide':
      return { xml: valid.replace('</saml:Issuer>', `</saml:Issuer>${'<x/>'.repeat(rng.pick([100, 5000]))}`), how };
    case 'utf16':
      return { xml: Buffer.from(`<?xml version="1.0" encoding="UTF-16"?>${valid}`, 'utf16le'), how };
    case 'bom-latin1':
      return {
        xml: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid, 'latin1'), Buffer.from([0xff, 0xfe])]),
        how,
      };
    case 'two-roots':
      return { xml: valid + valid, how };
    case 'comment-in-issuer':
      return { xml: valid.replace(/(<saml:Issuer>[^<]{5})/, '$1<!-- x -->'), how };
    case 'cdata':
      return { xml: valid.replace(/<saml:Issuer>([^<]*)</, '<saml:Issuer><![CDATA[$1]]><'), how };
    case 'pi':
      return { xml: `<?evil ${rng.text(20)}?>${valid}`, how };
    case 'empty':
      return { xml: '', how };
    case 'huge-attribute':
      return { xml: valid.replace('Version=', `X="${'a'.repeat(rng.pick([1000, 60_000, 200_000]))}" Version=`), how };
    case 'not-xml':
      return { xml: JSON.stringify({ SAMLRequest: rng.text(20) }), how };
    case 'unclosed':
      return { xml: valid.replace(/<\/samlp:[A-Za-z]+>$/, ''), how };
  }
}

/** An enveloped XML signature over the root, after its Issuer, with the SP's key. */
function signXml(target: FuzzTarget, xml: string, rootName: string): string {
  const signer = new SignedXml({
    privateKey: target.sp.key as unknown as string,
    publicCert: target.sp.certificate,
    signatureAlgorithm: rsaSha256,
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
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

/** A correctly signed message changed afterwards, or wrapped (XSW): the signature no longer covers what is read. */
function tamperSigned(rng: Prng, signed: string, rootName: string): { xml: string; how: string } {
  const how = rng.pick([
    'attribute-changed',
    'issuer-changed',
    'signature-removed',
    'digest-flipped',
    'signature-value-flipped',
    'wrapped-in-extensions',
    'duplicated-root-content',
    'signature-moved',
    'second-signature',
  ] as const);
  switch (how) {
    case 'attribute-changed':
      // Another year: a change of one character inside the signed element.
      return { xml: signed.replace(/IssueInstant="\d/, 'IssueInstant="1'), how };
    case 'issuer-changed':
      return {
        xml: signed.replace(/<saml:Issuer>[^<]*<\/saml:Issuer>/, '<saml:Issuer>https://other.example/sp</saml:Issuer>'),
        how,
      };
    case 'signature-removed':
      return { xml: signed.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, ''), how };
    case 'digest-flipped':
      return {
        xml: signed.replace(/<ds:DigestValue>(.)/, (_m, c: string) => `<ds:DigestValue>${c === 'A' ? 'B' : 'A'}`),
        how,
      };
    case 'signature-value-flipped':
      return {
        xml: signed.replace(/<ds:SignatureValue>(.)/, (_m, c: string) => `<ds:SignatureValue>${c === 'A' ? 'B' : 'A'}`),
        how,
      };
    case 'wrapped-in-extensions': {
      // XSW: the signed original hides in Extensions of a new, unsigned root with another ID.
      const evil = signed
        .replace(/ ID="[^"]*"/, ` ID="_evil${rng.bytes(4).toString('hex')}"`)
        .replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '');
      return {
        xml: evil.replace('</saml:Issuer>', `</saml:Issuer><samlp:Extensions>${signed}</samlp:Extensions>`),
        how,
      };
    }
    case 'duplicated-root-content':
      return {
        xml: signed.replace(
          `</samlp:${rootName}>`,
          `<saml:Issuer>https://other.example/sp</saml:Issuer></samlp:${rootName}>`,
        ),
        how,
      };
    case 'signature-moved':
      return {
        xml: signed
          .replace(/(<ds:Signature[\s\S]*<\/ds:Signature>)([\s\S]*)(<\/samlp:[A-Za-z]+>)$/, '$2$1$3')
          .replace(/ ID="/, ' ID="_x'),
        how,
      };
    case 'second-signature': {
      const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signed)?.[0] ?? '';
      return { xml: signed.replace('</saml:Issuer>', `</saml:Issuer>${signature}`), how };
    }
  }
}

function base64Broken(rng: Prng, data: Buffer): string {
  const clean = data.toString('base64');
  const how = rng.int(0, 5);
  if (how === 0) return clean.replace(/=+$/, '') + '===';
  if (how === 1) return clean.slice(0, Math.max(0, clean.length - rng.int(1, 3)));
  if (how === 2) return clean.replace(/[A-Za-z]/, '*');
  if (how === 3) return `${clean.slice(0, 10)} \n${clean.slice(10)}`;
  if (how === 4) return data.toString('base64url');
  return rng.text(rng.int(1, 200));
}

type Encoded = { value: string; how: string };

/** The SAMLRequest value of the Redirect binding: deflate + base64, broken in one of many ways. */
function redirectEncoding(rng: Prng, xml: string | Buffer): Encoded {
  const data = Buffer.isBuffer(xml) ? xml : Buffer.from(xml);
  const how = rng.pick([
    'proper',
    'not-deflated',
    'zlib-header',
    'gzip',
    'truncated-deflate',
    'random-bytes',
    'broken-base64',
    'deflate-bomb',
    'empty',
    'huge-base64',
  ] as const);
  switch (how) {
    case 'proper':
      return { value: deflateRawSync(data).toString('base64'), how };
    case 'not-deflated':
      return { value: data.toString('base64'), how };
    case 'zlib-header':
      return { value: deflateSync(data).toString('base64'), how };
    case 'gzip':
      return { value: gzipSync(data).toString('base64'), how };
    case 'truncated-deflate': {
      const deflated = deflateRawSync(data);
      return { value: deflated.subarray(0, rng.int(0, Math.max(0, deflated.length - 2))).toString('base64'), how };
    }
    case 'random-bytes':
      return { value: rng.bytes(rng.int(1, 2000)).toString('base64'), how };
    case 'broken-base64':
      return { value: base64Broken(rng, deflateRawSync(data)), how };
    case 'deflate-bomb':
      // Megabytes of one byte deflate to a few kilobytes.
      return { value: deflateRawSync(Buffer.alloc(rng.pick([1, 10, 50]) * 1024 * 1024, 0x41)).toString('base64'), how };
    case 'empty':
      return { value: '', how };
    case 'huge-base64':
      return { value: 'A'.repeat(rng.pick([100_000, 1_000_000])), how };
  }
}

/** Query-string signature parameters (SAML Bindings 3.4.4.1), mostly wrong, sometimes right over a wrong message. */
function redirectQuery(
  rng: Prng,
  target: FuzzTarget,
  parameter: 'SAMLRequest',
  encoded: Encoded,
  alwaysBroken: boolean,
): { pairs: Array<[string, string]>; how: string } {
  const pairs: Array<[string, string]> = [[parameter, encoded.value]];
  if (rng.chance(0.4)) pairs.push(['RelayState', rng.pick([rng.text(20), 'x'.repeat(81), '<script>', ''])]);
  const how = rng.pick([
    'unsigned',
    'signed',
    'bad-sigalg',
    'sha1',
    'garbage-signature',
    'wrong-key',
    'duplicate',
  ] as const);
  const sigAlg = how === 'sha1' ? rsaSha1 : how === 'bad-sigalg' ? rng.pick(['', 'none', rng.text(30)]) : rsaSha256;
  if (how === 'unsigned') return { pairs, how };
  if (how === 'duplicate') {
    pairs.push([parameter, encoded.value]);
    return { pairs, how };
  }
  pairs.push(['SigAlg', sigAlg]);
  const signed = form(pairs);
  let signature: string;
  if (how === 'garbage-signature') signature = rng.pick([rng.bytes(256).toString('base64'), rng.text(40), '']);
  else if (how === 'wrong-key') signature = rng.bytes(256).toString('base64');
  else signature = sign(sigAlg === rsaSha1 ? 'sha1' : 'sha256', Buffer.from(signed), target.sp.key).toString('base64');
  // A correct signature is only allowed over a message that is wrong in itself. Base64 with
  // whitespace, url-safe letters or extra padding still decodes (RFC 2045 6.8 decoders skip what is
  // not base64), so it counts as a proper encoding here.
  if (how === 'signed' && !alwaysBroken && ['proper', 'broken-base64'].includes(encoded.how))
    signature = signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
  pairs.push(['Signature', signature]);
  return { pairs, how };
}

function samlRedirect(rng: Prng, target: FuzzTarget, kind: 'sso' | 'slo'): FuzzRequest {
  const path = kind === 'sso' ? '/saml/sso' : '/saml/slo';
  const f = fields(rng, target, `${target.url}${path}`);
  const wrongInItself = rng.chance(0.5);
  const defect = wrongInItself ? semanticDefect(rng, f, target, kind === 'sso') : 'none';
  let xml: string | Buffer = kind === 'sso' ? authnRequest(f) : logoutRequest(f, rng);
  if (defect === 'doctype') xml = rng.pick(xxePayloads) + xml;
  let broken = 'whole';
  if (rng.chance(0.5)) {
    const mangled = brokenXml(rng, xml.toString());
    xml = mangled.xml;
    broken = mangled.how;
  }
  const encoded = redirectEncoding(rng, xml);
  // The Redirect signature covers the encoded bytes, not the XML: a mutation that leaves the XML well
  // formed and the message valid (a processing instruction, a comment or CDATA in the Issuer) would
  // give a request the IdP rightly accepts, so with those the signature must be wrong too.
  const stillValid = ['whole', 'pi', 'comment-in-issuer', 'cdata', 'huge-attribute', 'wide'].includes(broken);
  const query = redirectQuery(rng, target, 'SAMLRequest', encoded, wrongInItself || !stillValid);
  const pairs = rng.chance(0.05) ? query.pairs.slice(1) : query.pairs;
  return {
    name: `saml-redirect-${kind}/${defect}/${broken}/${encoded.how}/${query.how}`,
    method: rng.chance(0.95) ? 'GET' : rng.pick(['PUT', 'DELETE', 'OPTIONS', 'HEAD'] as const),
    path: rng.chance(0.05) ? `${withQuery(path, pairs)}%zz&%` : withQuery(path, pairs),
  };
}

function postBody(rng: Prng, pairs: Array<[string, string]>): { body: Buffer | string; type: string; how: string } {
  const how = rng.pick([
    'form',
    'form',
    'form',
    'form',
    'multipart',
    'json',
    'text',
    'no-type',
    'charset',
    'bad-percent',
  ] as const);
  switch (how) {
    case 'form':
      return { body: form(pairs), type: 'application/x-www-form-urlencoded', how };
    case 'multipart':
      return {
        body: `--b\r\nContent-Disposition: form-data; name="SAMLRequest"\r\n\r\n${pairs[0]?.[1] ?? ''}\r\n--b--\r\n`,
        type: 'multipart/form-data; boundary=b',
        how,
      };
    case 'json':
      return { body: JSON.stringify(Object.fromEntries(pairs)), type: 'application/json', how };
    case 'text':
      return { body: form(pairs), type: 'text/plain', how };
    case 'no-type':
      return { body: form(pairs), type: '', how };
    case 'charset':
      return {
        body: form(pairs),
        type: `application/x-www-form-urlencoded; charset=${rng.pick(['utf-16', 'ebcdic', '"'])}`,
        how,
      };
    case 'bad-percent':
      return { body: `${form(pairs)}&%zz=%&SAMLRequest=%E0%A4%A`, type: 'application/x-www-form-urlencoded', how };
  }
}

function samlPost(rng: Prng, target: FuzzTarget, kind: 'sso' | 'slo'): FuzzRequest {
  const path = kind === 'sso' ? '/saml/sso' : '/saml/slo';
  const f = fields(rng, target, `${target.url}${path}`);
  const rootName = kind === 'sso' ? 'AuthnRequest' : 'LogoutRequest';
  const variant = rng.pick(['broken-xml', 'signed-but-wrong', 'tampered', 'broken-base64', 'huge', 'empty'] as const);
  let value: string;
  let how: string = variant;
  if (variant === 'broken-xml') {
    const mangled = brokenXml(rng, kind === 'sso' ? authnRequest(f) : logoutRequest(f, rng));
    value = Buffer.from(mangled.xml).toString('base64');
    how += `/${mangled.how}`;
  } else if (variant === 'signed-but-wrong') {
    how += `/${semanticDefect(rng, f, target, kind === 'sso')}`;
    const xml = kind === 'sso' ? authnRequest(f) : logoutRequest(f, rng);
    const signed = signXml(target, xml, rootName);
    value = Buffer.from(how.endsWith('doctype') ? rng.pick(xxePayloads) + signed : signed).toString('base64');
  } else if (variant === 'tampered') {
    const tampered = tamperSigned(
      rng,
      signXml(target, kind === 'sso' ? authnRequest(f) : logoutRequest(f, rng), rootName),
      rootName,
    );
    value = Buffer.from(tampered.xml).toString('base64');
    how += `/${tampered.how}`;
  } else if (variant === 'broken-base64') {
    value = base64Broken(rng, Buffer.from(authnRequest(f)));
  } else if (variant === 'huge') {
    value = Buffer.from(
      authnRequest({ ...f, extra: `<x>${'a'.repeat(rng.pick([20_000, 70_000, 300_000]))}</x>` }),
    ).toString('base64');
  } else {
    value = '';
  }
  const pairs: Array<[string, string]> = [['SAMLRequest', value]];
  if (rng.chance(0.3)) pairs.push(['RelayState', rng.pick([rng.text(30), 'y'.repeat(100)])]);
  if (rng.chance(0.1)) pairs.push(['SAMLRequest', value]);
  const body = postBody(rng, pairs);
  return {
    name: `saml-post-${kind}/${how}/${body.how}`,
    method: 'POST',
    path,
    headers: {
      ...(body.type ? { 'content-type': body.type } : {}),
      origin: rng.pick([target.url, 'https://sp.fuzz.example.nl', 'null']),
    },
    body: body.body,
  };
}

function envelope(inner: string): string {
  return `<soap:Envelope xmlns:soap="${ns.soap}"><soap:Body>${inner}</soap:Body></soap:Envelope>`;
}

function samlSoap(rng: Prng, target: FuzzTarget, kind: 'artifact' | 'slo'): FuzzRequest {
  const path = kind === 'artifact' ? '/saml/artifact' : '/saml/slo';
  const f = fields(rng, target, `${target.url}${path}`);
  const rootName = kind === 'artifact' ? 'ArtifactResolve' : 'LogoutRequest';
  const artifact = rng.pick([
    Buffer.concat([Buffer.from([0, 4, 0, 0]), rng.bytes(40)]).toString('base64'),
    rng.text(20),
    '',
    'AAQAA'.repeat(100),
  ]);
  const message = () => (kind === 'artifact' ? artifactResolve(f, artifact) : logoutRequest(f, rng));
  const variant = rng.pick([
    'garbage',
    'not-envelope',
    'two-bodies',
    'empty-body',
    'unsigned',
    'signed-but-wrong',
    'signed-unknown-artifact',
    'tampered',
    'broken-xml',
    'wrong-message',
    'huge',
    'fault',
  ] as const);
  let xml: string | Buffer;
  let how: string = variant;
  switch (variant) {
    case 'garbage':
      xml = rng.text(rng.int(0, 500));
      break;
    case 'not-envelope':
      xml = message();
      break;
    case 'two-bodies':
      xml = `<soap:Envelope xmlns:soap="${ns.soap}"><soap:Body>${message()}</soap:Body><soap:Body>${message()}</soap:Body></soap:Envelope>`;
      break;
    case 'empty-body':
      xml = envelope('');
      break;
    case 'unsigned':
      xml = envelope(message());
      break;
    case 'signed-but-wrong':
      how += `/${semanticDefect(rng, f, target, false)}`;
      xml = envelope(signXml(target, message(), rootName));
      if (how.endsWith('doctype')) xml = rng.pick(xxePayloads) + xml;
      break;
    case 'signed-unknown-artifact':
      // Signed correctly by the registered SP, for an artifact that was never issued: no assertion.
      xml = envelope(
        signXml(
          target,
          artifactResolve(f, Buffer.concat([Buffer.from([0, 4, 0, 0]), rng.bytes(40)]).toString('base64')),
          'ArtifactResolve',
        ),
      );
      break;
    case 'tampered': {
      const tampered = tamperSigned(rng, signXml(target, message(), rootName), rootName);
      xml = envelope(tampered.xml);
      how += `/${tampered.how}`;
      break;
    }
    case 'broken-xml': {
      const mangled = brokenXml(rng, envelope(message()));
      xml = mangled.xml;
      how += `/${mangled.how}`;
      break;
    }
    case 'wrong-message':
      xml = envelope(kind === 'artifact' ? logoutRequest(f, rng) : artifactResolve(f, artifact));
      break;
    case 'huge':
      xml = envelope(`<x>${'a'.repeat(rng.pick([60_000, 100_000, 2_000_000]))}</x>`);
      break;
    case 'fault':
      xml = envelope('<soap:Fault><faultcode>soap:Server</faultcode></soap:Fault>');
      break;
  }
  const type = rng.pick([
    'text/xml',
    'text/xml',
    'text/xml; charset=utf-8',
    'application/soap+xml',
    'application/xml',
    'text/plain',
    '',
  ]);
  return {
    name: `saml-soap-${kind}/${how}/${type || 'no-type'}`,
    method: 'POST',
    path,
    headers: {
      ...(type ? { 'content-type': type } : {}),
      ...(rng.chance(0.8)
        ? { soapaction: rng.pick(['http://www.oasis-open.org/committees/security', '', rng.text(10)]) }
        : {}),
    },
    body: xml,
  };
}

export function samlCase(rng: Prng, target: FuzzTarget): FuzzRequest {
  const binding = rng.pick([
    'redirect-sso',
    'redirect-slo',
    'post-sso',
    'post-slo',
    'soap-artifact',
    'soap-slo',
    'metadata',
  ] as const);
  switch (binding) {
    case 'redirect-sso':
      return samlRedirect(rng, target, 'sso');
    case 'redirect-slo':
      return samlRedirect(rng, target, 'slo');
    case 'post-sso':
      return samlPost(rng, target, 'sso');
    case 'post-slo':
      return samlPost(rng, target, 'slo');
    case 'soap-artifact':
      return samlSoap(rng, target, 'artifact');
    case 'soap-slo':
      return samlSoap(rng, target, 'slo');
    case 'metadata':
      return {
        name: 'saml-metadata/odd-request',
        method: rng.pick(['GET', 'POST', 'OPTIONS'] as const),
        path: withQuery(`/saml/${rng.pick(['metadata', 'resume/x', `resume/${encode(rng.text(10))}`, 'sso/extra'])}`, [
          [rng.text(5), rng.text(20)],
        ]),
      };
  }
}
