// HTTP-POST response binding with an encrypted Assertion: a webdienst
// whose metadata has an encryption certificate gets the signed Assertion encrypted (AES-256-GCM, key by
// RSA-OAEP) inside a signed Response. Decrypted here by samlify's XML Encryption code with the SP's
// private key, so a second implementation proves the format (mellon decrypts it in interop-mellon).
import type { KeyObject } from 'node:crypto';
import { expect } from 'chai';
import * as samlify from 'samlify';
import { testCitizens } from '../../../seeds/development.ts';
import { TestBrowser } from '../../support/browser.ts';
import { databaseKinds } from '../../support/databases.ts';
import type { TestServer } from '../../support/server.ts';
import {
  all,
  artifactFrom,
  expectSignedBy,
  first,
  ns,
  parse,
  postedResponse,
  responseFromArtifactResponse,
  TestSp,
  startSamlTestServer,
} from './test-sp.ts';

const citizen = testCitizens[0];
const xenc = 'http://www.w3.org/2001/04/xmlenc#';
// samlify is CommonJS with an `exports.default`: depending on the loader SamlLib is a named export or
// sits under `default`.
type SamlLib = { decryptAssertion(entity: unknown, xml: string): Promise<[string, string]> };
const samlLib: SamlLib =
  (samlify as unknown as { SamlLib?: SamlLib }).SamlLib ??
  (samlify as unknown as { default: { SamlLib: SamlLib } }).default.SamlLib;

for (const kind of databaseKinds) {
  describe(`SAML HTTP-POST with an encrypted Assertion (${kind})`, () => {
    let server: TestServer;
    let certificate: string;
    before(async () => ({ server, certificate } = await startSamlTestServer(kind)));
    after(() => server.stop());

    /** samlify's own XML Encryption code (SamlLib.decryptAssertion) with the SP's private key. */
    async function decrypt(
      responseXml: string,
      key: KeyObject,
    ): Promise<{ documentXml: string; assertionXml: string }> {
      const original = console.error;
      console.error = () => undefined; // samlify prints the error of a failed decryption before it rejects
      try {
        const [documentXml, assertionXml] = await samlLib.decryptAssertion(
          { entitySetting: { encPrivateKey: key.export({ type: 'pkcs8', format: 'pem' }).toString() } },
          responseXml,
        );
        return { documentXml, assertionXml };
      } finally {
        console.error = original;
      }
    }

    async function postLogin(sp: TestSp): Promise<{ id: string; xml: string }> {
      const browser = new TestBrowser();
      const { id, xml } = sp.authnRequest({ acsIndex: 1 });
      const posted = postedResponse(
        await sp.login(browser, await browser.get(sp.redirectUrl(xml)), citizen.username, citizen.password),
      );
      expect(posted.action).to.equal(sp.postAcs);
      return { id, xml: posted.xml };
    }

    it('encrypts the signed Assertion for the encryption certificate; the Response signature covers the EncryptedAssertion; the BSN is not readable', async () => {
      const sp = await TestSp.register(server, { responseBinding: 'post', encryption: true });
      const { id, xml } = await postLogin(sp);
      const response = parse(xml).documentElement;
      expectSignedBy(xml, response, certificate);
      expect(all(response, ns.saml, 'Assertion')).to.have.length(0);
      const encrypted = first(response, ns.saml, 'EncryptedAssertion')!;
      expect(encrypted, xml.slice(0, 500)).to.not.equal(undefined);
      expect(all(encrypted, xenc, 'EncryptionMethod').map((method) => method.getAttribute('Algorithm'))).to.deep.equal([
        'http://www.w3.org/2009/xmlenc11#aes256-gcm',
        'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
      ]);
      expect(xml).to.not.include(citizen.bsn);
      expect(xml).to.not.include('s00000000');

      const { documentXml, assertionXml } = await decrypt(xml, sp.encryptionKey.privateKey);
      const assertion = parse(assertionXml).documentElement;
      // The decrypted Assertion carries its own signature (it was signed before it was encrypted).
      expectSignedBy(documentXml, first(parse(documentXml).documentElement, ns.saml, 'Assertion')!, certificate);
      expect(first(assertion, ns.saml, 'NameID')!.textContent).to.equal(`s00000000:${citizen.bsn}`);
      expect(first(assertion, ns.saml, 'SubjectConfirmationData')!.getAttribute('InResponseTo')).to.equal(id);
      expect(first(assertion, ns.saml, 'Audience')!.textContent).to.equal(sp.entityId);
    });

    it('cannot be decrypted with another key, and a changed ciphertext breaks the Response signature', async () => {
      const sp = await TestSp.register(server, { responseBinding: 'post', encryption: true });
      const { xml } = await postLogin(sp);
      let refused: unknown;
      await decrypt(xml, sp.key.privateKey).catch((error: unknown) => (refused = error));
      expect(String(refused), 'decrypted with the wrong key').to.include('ERR_EXCEPTION_OF_ASSERTION_DECRYPTION');

      const content = all(parse(xml).documentElement, xenc, 'CipherValue').map((value) => value.textContent)[1]!;
      const flipped = xml.replace(
        content,
        `${content.slice(0, 20)}${content[20] === 'A' ? 'B' : 'A'}${content.slice(21)}`,
      );
      refused = undefined;
      await decrypt(flipped, sp.encryptionKey.privateKey).catch((error: unknown) => (refused = error));
      expect(String(refused), 'AES-GCM accepted a changed ciphertext').to.include(
        'ERR_EXCEPTION_OF_ASSERTION_DECRYPTION',
      );
      expect(
        () => expectSignedBy(flipped, parse(flipped).documentElement, certificate),
        'the Response signature covers the ciphertext',
      ).to.throw();
    });

    it('sends the Assertion unencrypted (but signed) to a POST webdienst without an encryption certificate, and never encrypts the artifact answer', async () => {
      const plain = await TestSp.register(server, { responseBinding: 'post' });
      const { xml } = await postLogin(plain);
      const assertion = first(parse(xml).documentElement, ns.saml, 'Assertion')!;
      expectSignedBy(xml, assertion, certificate);
      expect(first(assertion, ns.saml, 'NameID')!.textContent).to.equal(`s00000000:${citizen.bsn}`);

      // The artifact answer travels on the signed back channel, never through the browser: not encrypted.
      const artifactSp = await TestSp.register(server, { responseBinding: 'artifact', encryption: true });
      const browser = new TestBrowser();
      const { artifact } = artifactFrom(
        await artifactSp.login(
          browser,
          await browser.get(artifactSp.redirectUrl(artifactSp.authnRequest().xml)),
          citizen.username,
          citizen.password,
        ),
      );
      const { response } = responseFromArtifactResponse((await artifactSp.resolve(artifact)).xml, certificate);
      expect(first(first(response!, ns.saml, 'Assertion')!, ns.saml, 'NameID')!.textContent).to.equal(
        `s00000000:${citizen.bsn}`,
      );
    });
  });
}
