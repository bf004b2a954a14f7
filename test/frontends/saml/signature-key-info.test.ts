// Our signatures carry our certificate in KeyInfo. It is built once per key (signature.ts) instead of
// on every signature: the signed XML must be byte for byte what xml-crypto writes without that.
import { expect } from 'chai';
import { SignedXml } from 'xml-crypto';
import { algorithms, signElement, type SigningKey } from '../../../src/frontends/saml/signature.ts';
import { newKey } from './test-sp.ts';

const response = (id: string) =>
  `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0"><saml:Issuer>https://idp.example</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:Response>`;
const xpath = "/*[local-name(.)='Response']";

function signedWithoutCache(xml: string, key: SigningKey): string {
  const signer = new SignedXml({
    privateKey: key.privateKey as unknown as string,
    publicCert: key.certificatePem,
    signatureAlgorithm: algorithms.rsaSha256,
    canonicalizationAlgorithm: algorithms.excC14n,
  });
  signer.addReference({
    xpath,
    digestAlgorithm: algorithms.sha256,
    transforms: [algorithms.enveloped, algorithms.excC14n],
  });
  signer.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `${xpath}/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return signer.getSignedXml();
}

describe('KeyInfo of our signatures (src/frontends/saml/signature.ts)', () => {
  it('signs exactly as xml-crypto does, the first time and the times after', () => {
    const generated = newKey();
    const key: SigningKey = { privateKey: generated.privateKey, certificatePem: generated.certificate };
    for (const id of ['_a1', '_b2', '_c3']) {
      const signed = signElement(response(id), key, xpath);
      expect(signed).to.equal(signedWithoutCache(response(id), key));
      expect(signed).to.contain('<ds:X509Certificate>');
    }
  });

  it('keeps the certificate of each key apart', () => {
    const [first, second] = [newKey(), newKey()];
    const keyOf = (generated: typeof first): SigningKey => ({
      privateKey: generated.privateKey,
      certificatePem: generated.certificate,
    });
    const body = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');
    expect(signElement(response('_d4'), keyOf(first), xpath)).to.contain(body(first.certificate));
    expect(signElement(response('_e5'), keyOf(second), xpath)).to.contain(body(second.certificate));
  });
});
