// Every check on an incoming AuthnRequest is ours (samlify does none of them). A refused
// request gets an error page at the IdP: no redirect, no SAML answer; a
// signed request of a known webdienst with a usable ACS that we cannot serve gets the SAML answer
// Requester/NoSupportedIDP by artifact, and no login (authn-request.ts checkFields).
import { generateKeyPairSync } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { expect } from 'chai';
import { TestBrowser, type Page } from '../../support/browser.ts';
import { databaseKinds } from '../../support/databases.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { bindings, idpCertificate, resolvedStatusCodes, TestSp } from './test-sp.ts';

const noSupportedIdp = [
  'urn:oasis:names:tc:SAML:2.0:status:Requester',
  'urn:oasis:names:tc:SAML:2.0:status:NoSupportedIDP',
];

function expectRefused(page: Page, status = 400): void {
  expect(page.status, page.body.slice(0, 200)).to.equal(status);
  expect(page.location).to.equal(undefined);
  expect(page.body).to.not.match(/SAMLResponse|SAMLart/);
  expect(page.headers.get('content-type')).to.match(/^text\/html/);
}

for (const kind of databaseKinds) {
  describe(`SAML front-end: AuthnRequest checks (${kind})`, () => {
    let server: TestServer;
    let sp: TestSp;
    let other: TestSp;
    let certificate: string;
    /** An invalid request answered at the default (artifact) ACS with Requester/NoSupportedIDP, without a login. */
    const expectNoSupportedIdp = async (page: Page) => {
      expect(page.status, page.body.slice(0, 200)).to.equal(303);
      expect(new URL(page.location!).pathname).to.not.match(/^\/inloggen/);
      expect(page.location!.startsWith(`${sp.artifactAcs}?SAMLart=`), page.location).to.equal(true);
      expect(await resolvedStatusCodes(sp, page, certificate)).to.deep.equal(noSupportedIdp);
    };
    const browser = () => new TestBrowser();
    const postSigned = (xml: string, signer: TestSp = sp) =>
      browser().post(sp.ssoUrl, { SAMLRequest: Buffer.from(signer.signXml(xml, 'AuthnRequest')).toString('base64') });
    const postRaw = (xml: string, extra: Record<string, string> = {}) =>
      browser().post(sp.ssoUrl, { SAMLRequest: Buffer.from(xml).toString('base64'), ...extra });

    before(async () => {
      server = await startTestServer({ kind });
      sp = await TestSp.register(server);
      other = await TestSp.register(server);
      certificate = await idpCertificate(server);
    });
    after(() => server.stop());

    it('starts a login for a well-formed signed request (the control for every refusal below)', async () => {
      expect((await browser().get(sp.redirectUrl(sp.authnRequest().xml))).status).to.equal(303);
      expect((await postSigned(sp.authnRequest().xml)).status).to.equal(303);
    });

    describe('23: DOCTYPE, entities, billion laughs', () => {
      const doctype = '<!DOCTYPE samlp:AuthnRequest [<!ENTITY x SYSTEM "file:///etc/passwd">]>';
      it('refuses an external entity on Redirect and POST, without echoing file content', async () => {
        const { xml } = sp.authnRequest({ issuer: '&x;' });
        for (const page of [await browser().get(sp.redirectUrl(doctype + xml)), await postRaw(doctype + xml)]) {
          expectRefused(page);
          expect(page.body).to.not.include('root:');
        }
      });
      it('refuses a billion-laughs payload fast', async () => {
        const lol = `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]>`;
        const started = Date.now();
        expectRefused(await browser().get(sp.redirectUrl(lol + sp.authnRequest({ issuer: '&lol9;' }).xml)));
        expect(Date.now() - started).to.be.below(2000);
      });
    });

    describe('24: sizes', () => {
      it('refuses a deflate bomb while inflating', async () => {
        const bomb = deflateRawSync(
          Buffer.concat([
            Buffer.from(sp.authnRequest().xml.slice(0, -'</samlp:AuthnRequest>'.length)),
            Buffer.alloc(8 * 1024 * 1024, 0x20),
            Buffer.from('</samlp:AuthnRequest>'),
          ]),
        );
        expect(bomb.length).to.be.below(10 * 1024); // 8 MiB inflated
        expectRefused(await browser().get(sp.redirectUrl('', { deflated: bomb })), 413);
      });
      it('refuses oversized base64 on Redirect and POST', async () => {
        const huge = Buffer.alloc(60 * 1024, 1).toString('base64');
        const page = await browser().get(`${sp.ssoUrl}?SAMLRequest=${encodeURIComponent(huge)}`);
        expect(page.status).to.be.oneOf([413, 414, 431]); // 431: Node's own 16 KiB header limit comes first
        expect(page.location).to.equal(undefined);
        expect((await browser().post(sp.ssoUrl, { SAMLRequest: huge })).status).to.equal(413);
      });
    });

    describe('25: signatures', () => {
      it('refuses an unsigned request on Redirect and POST', async () => {
        expectRefused(await browser().get(sp.redirectUrl(sp.authnRequest().xml, { unsigned: true })));
        expectRefused(await postRaw(sp.authnRequest().xml));
      });
      it('refuses RSA-SHA1 on Redirect (no webdienst is allowed it)', async () => {
        expectRefused(
          await browser().get(
            sp.redirectUrl(sp.authnRequest().xml, { sigAlg: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1' }),
          ),
        );
      });
      it('refuses a signature by a key that is not in the metadata, whatever KeyInfo says', async () => {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        expectRefused(await browser().get(sp.redirectUrl(sp.authnRequest().xml, { key: privateKey })));
        // other's key and other's certificate in KeyInfo, but sp's Issuer: sp's metadata key decides.
        expectRefused(await postSigned(sp.authnRequest().xml, other));
      });
      it('refuses a request whose signed query was changed (RelayState added after signing)', async () => {
        const url = sp.redirectUrl(sp.authnRequest().xml);
        expectRefused(await browser().get(url.replace('&SigAlg=', '&RelayState=x&SigAlg=')));
      });
    });

    describe('26: signature wrapping', () => {
      it('refuses the signed request wrapped in Extensions of another request', async () => {
        const signed = sp.signXml(sp.authnRequest().xml, 'AuthnRequest');
        const inner = signed.replace(/^<samlp:AuthnRequest [^>]*>/, (tag) =>
          tag.replace(
            '<samlp:AuthnRequest ',
            '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ',
          ),
        );
        const evil = sp.authnRequest({
          acsUrl: 'https://aanvaller.example.nl/acs',
          extra: `<samlp:Extensions>${inner}</samlp:Extensions>`,
        }).xml;
        expectRefused(await postRaw(evil));
      });
      it('refuses a signed request with an attribute changed after signing', async () => {
        const signed = sp.signXml(sp.authnRequest().xml, 'AuthnRequest');
        expectRefused(
          await postRaw(signed.replace('Version="2.0"', `Version="2.0" AssertionConsumerServiceURL="${sp.postAcs}"`)),
        );
      });
      it('refuses an appended sibling element after signing', async () => {
        const signed = sp.signXml(sp.authnRequest().xml, 'AuthnRequest');
        expectRefused(await postRaw(signed.replace('</samlp:AuthnRequest>', '<samlp:Scoping/></samlp:AuthnRequest>')));
      });
      it('refuses a second element with the signed ID', async () => {
        const { id, xml } = sp.authnRequest();
        const signed = sp.signXml(xml, 'AuthnRequest');
        expectRefused(
          await postRaw(
            signed.replace(
              '</samlp:AuthnRequest>',
              `<samlp:Extensions><x:Other xmlns:x="urn:x" ID="${id}"/></samlp:Extensions></samlp:AuthnRequest>`,
            ),
          ),
        );
      });
      it('refuses WithComments canonicalisation and a comment inside the digest value', async () => {
        const withComments = sp.signXml(sp.authnRequest().xml, 'AuthnRequest', undefined, {
          canonicalization: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
        });
        expectRefused(await postRaw(withComments));
        const signed = sp.signXml(sp.authnRequest().xml, 'AuthnRequest');
        expectRefused(await postRaw(signed.replace(/<ds:DigestValue>(.)/, '<ds:DigestValue><!--x-->$1')));
      });
      it('refuses two signatures', async () => {
        const signed = sp.signXml(sp.authnRequest().xml, 'AuthnRequest');
        const signature = signed.match(/<ds:Signature[\s\S]*<\/ds:Signature>/)![0];
        expectRefused(
          await postRaw(
            signed.replace(
              '</samlp:AuthnRequest>',
              `<samlp:Extensions>${signature}</samlp:Extensions></samlp:AuthnRequest>`,
            ),
          ),
        );
      });
    });

    describe('27: Issuer, Destination, ACS', () => {
      it('answers an unknown Issuer with a 404 error page', async () => {
        expectRefused(
          await browser().get(sp.redirectUrl(sp.authnRequest({ issuer: 'https://onbekend.example.nl' }).xml)),
          404,
        );
        expectRefused(await postSigned(sp.authnRequest({ issuer: 'https://onbekend.example.nl' }).xml), 404);
      });
      it('refuses a wrong or missing Destination', async () => {
        expectRefused(
          await browser().get(
            sp.redirectUrl(sp.authnRequest({ destination: 'https://elders.example.nl/saml/sso' }).xml),
          ),
        );
        expectRefused(await browser().get(sp.redirectUrl(sp.authnRequest({ destination: null }).xml)));
      });
      it('refuses ACS URLs that are not exactly in the metadata', async () => {
        const acs = new URL(sp.artifactAcs);
        const variants = [
          `${sp.artifactAcs}/`,
          `${sp.artifactAcs}x`,
          sp.artifactAcs.slice(0, -1),
          `${sp.artifactAcs}/../artifact`,
          sp.artifactAcs.replace('http:', 'https:'),
          sp.artifactAcs.replace(`:${acs.port}`, ':8443'),
          sp.artifactAcs.toUpperCase(),
          'https://aanvaller.example.nl/acs',
        ];
        for (const acsUrl of variants)
          expectRefused(await browser().get(sp.redirectUrl(sp.authnRequest({ acsUrl }).xml)));
      });
      it('refuses an ACS with a binding the metadata does not give it, an unknown index, and POST for an artifact-only webdienst', async () => {
        expectRefused(
          await browser().get(
            sp.redirectUrl(sp.authnRequest({ acsUrl: sp.artifactAcs, protocolBinding: bindings.post }).xml),
          ),
        );
        expectRefused(await browser().get(sp.redirectUrl(sp.authnRequest({ acsIndex: 7 }).xml)));
        expectRefused(await browser().get(sp.redirectUrl(sp.authnRequest({ acsIndex: 1 }).xml))); // index 1 is HTTP-POST
        expectRefused(await browser().get(sp.redirectUrl(sp.authnRequest({ acsUrl: sp.postAcs }).xml)));
      });
      it('accepts the registered artifact ACS by index and by URL', async () => {
        expect((await browser().get(sp.redirectUrl(sp.authnRequest({ acsIndex: 0 }).xml))).status).to.equal(303);
        expect(
          (
            await browser().get(
              sp.redirectUrl(sp.authnRequest({ acsUrl: sp.artifactAcs, protocolBinding: bindings.artifact }).xml),
            )
          ).status,
        ).to.equal(303);
      });
    });

    describe('28: replay and IssueInstant', () => {
      it('refuses the same request ID twice, also in a second process on the same database', async () => {
        const { xml } = sp.authnRequest();
        expect((await browser().get(sp.redirectUrl(xml))).status).to.equal(303);
        expectRefused(await browser().get(sp.redirectUrl(xml)));
        const second = await startTestServer({ database: server.database, overrides: { publicUrl: server.url } });
        try {
          const again = sp.authnRequest();
          expect((await browser().get(sp.redirectUrl(again.xml))).status).to.equal(303);
          // now ask the second process (same public URL, other port) with the ID the first one stored
          const viaSecond = sp.redirectUrl(again.xml).replace(server.url, `http://127.0.0.1:${second.port}`);
          expectRefused(await browser().get(viaSecond));
        } finally {
          await second.stop();
        }
      });
      it('refuses an IssueInstant that is too old or in the future: Requester/NoSupportedIDP, no login; not a dateTime: an error page', async () => {
        await expectNoSupportedIdp(
          await browser().get(
            sp.redirectUrl(sp.authnRequest({ issueInstant: new Date(Date.now() - 10 * 60_000).toISOString() }).xml),
          ),
        );
        await expectNoSupportedIdp(
          await postSigned(sp.authnRequest({ issueInstant: new Date(Date.now() + 5 * 60_000).toISOString() }).xml),
        );
        await expectNoSupportedIdp(
          await browser().get(sp.redirectUrl(sp.authnRequest({ issueInstant: '2030-01-01T00:00:00+01:00' }).xml)),
        );
        expectRefused(await browser().get(sp.redirectUrl(sp.authnRequest({ issueInstant: 'gisteren' }).xml)));
      });
      it('refuses a replayed ID even when the first request was answered with NoSupportedIDP', async () => {
        const { xml } = sp.authnRequest({ issueInstant: new Date(Date.now() - 10 * 60_000).toISOString() });
        await expectNoSupportedIdp(await browser().get(sp.redirectUrl(xml)));
        expectRefused(await browser().get(sp.redirectUrl(xml)));
      });
    });

    describe('invalid requests of a known webdienst: Requester/NoSupportedIDP at the default ACS', () => {
      it('answers a ProtocolBinding we do not answer with (PAOS, HTTP-Redirect, HTTP-POST for an artifact-only webdienst)', async () => {
        for (const protocolBinding of ['urn:oasis:names:tc:SAML:2.0:bindings:PAOS', bindings.redirect, bindings.post]) {
          await expectNoSupportedIdp(await browser().get(sp.redirectUrl(sp.authnRequest({ protocolBinding }).xml)));
        }
      });
      it('answers another SAML Version and an Issuer with another Format', async () => {
        await expectNoSupportedIdp(await browser().get(sp.redirectUrl(sp.authnRequest({ version: '2.1' }).xml)));
        await expectNoSupportedIdp(
          await browser().get(
            sp.redirectUrl(
              sp.authnRequest({ issuerFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' }).xml,
            ),
          ),
        );
      });
      it('keeps the RelayState on the answer, and a ProtocolBinding it does support starts the login', async () => {
        const page = await browser().get(
          sp.redirectUrl(sp.authnRequest({ version: '3.0' }).xml, { relayState: 'terug' }),
        );
        expect(new URL(page.location!).searchParams.get('RelayState')).to.equal('terug');
        await expectNoSupportedIdp(page);
        const supported = await browser().get(
          sp.redirectUrl(sp.authnRequest({ protocolBinding: bindings.artifact }).xml),
        );
        expect(new URL(supported.location!, server.url).pathname).to.match(/^\/inloggen\//);
      });
    });

    describe('30: RelayState', () => {
      it('refuses a RelayState over 80 bytes; 80 bytes work', async () => {
        expectRefused(await browser().get(sp.redirectUrl(sp.authnRequest().xml, { relayState: 'x'.repeat(81) })));
        expectRefused(await browser().get(sp.redirectUrl(sp.authnRequest().xml, { relayState: 'é'.repeat(41) })));
        expect(
          (await browser().get(sp.redirectUrl(sp.authnRequest().xml, { relayState: 'x'.repeat(80) }))).status,
        ).to.equal(303);
      });
    });

    describe('garbage gets a clear 4xx, never a 500', () => {
      it('refuses schema-invalid, wrong-root and unreadable requests', async () => {
        expectRefused(await postSigned(sp.authnRequest({ extra: '<samlp:Onbekend/>' }).xml));
        expectRefused(
          await browser().get(
            sp.redirectUrl(`<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`),
          ),
        );
        expectRefused(await browser().get(sp.redirectUrl('<niet-gesloten')));
        expectRefused(await browser().get(sp.redirectUrl('', { deflated: Buffer.from('geen deflate') })));
      });
      it('answers nonsense on every SAML endpoint with 4xx', async () => {
        const pages = [
          await browser().get(sp.ssoUrl),
          await browser().get(`${sp.ssoUrl}?SAMLRequest=%%%`),
          await browser().get(`${sp.ssoUrl}?SAMLRequest=!!!&SAMLRequest=x`),
          await browser().post(sp.ssoUrl, { SAMLRequest: 'bm9nIG1lZXIgb25zaW4=' }),
          await browser().get(`${server.url}/saml/resume/onbekend`),
          await browser().get(`${server.url}/saml/resume/${'x'.repeat(500)}`),
        ];
        for (const page of pages) {
          expect(page.status, page.url).to.be.within(400, 499);
          expect(page.location).to.equal(undefined);
        }
        const json = await fetch(sp.ssoUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        expect(json.status).to.equal(415);
        for (const body of [
          '',
          'geen xml',
          '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>',
          '<!DOCTYPE x [<!ENTITY y "z">]><x/>',
        ]) {
          const response = await fetch(`${server.url}/saml/artifact`, {
            method: 'POST',
            headers: { 'content-type': 'text/xml' },
            body,
          });
          expect(response.status, body).to.be.within(400, 499);
          expect(await response.text()).to.include('Fault');
        }
        const wrongType = await fetch(`${server.url}/saml/artifact`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'a=b',
        });
        expect(wrongType.status).to.equal(415);
      });
    });
  });
}
