// The encrypted Assertion of the HTTP-POST response binding (encrypted
// when the webdienst's metadata has an encryption certificate): the browser carries the Response, so
// only the webdienst may read the BSN in it. XML Encryption 1.1: the signed Assertion as content,
// AES-256-GCM (xmlenc11#aes256-gcm: 12-byte IV, ciphertext, 16-byte tag, one base64 value), the key
// transported with RSA-OAEP (rsa-oaep-mgf1p, SHA-1 digest, the one every SAML stack reads; SAML core
// 6.2). The Response is signed after this, so its signature covers the EncryptedAssertion.
import { constants, createCipheriv, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';
import { pemCertificate } from './signature.ts';
import { ns } from './xml.ts';

export const encryptionAlgorithms = {
  aes256Gcm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  rsaOaepMgf1p: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  element: 'http://www.w3.org/2001/04/xmlenc#Element',
} as const;

const xenc = 'http://www.w3.org/2001/04/xmlenc#';

/** `<saml:EncryptedAssertion>` holding `assertionXml` (a self-contained, signed Assertion) for this certificate. */
export function encryptAssertion(assertionXml: string, certificate: string): string {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const content = Buffer.concat([iv, cipher.update(assertionXml, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const publicKey = new X509Certificate(pemCertificate(certificate)).publicKey;
  const encryptedKey = publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    key,
  );
  return (
    `<saml:EncryptedAssertion xmlns:saml="${ns.saml}">` +
    `<xenc:EncryptedData xmlns:xenc="${xenc}" Type="${encryptionAlgorithms.element}">` +
    `<xenc:EncryptionMethod Algorithm="${encryptionAlgorithms.aes256Gcm}"/>` +
    `<ds:KeyInfo xmlns:ds="${ns.ds}"><xenc:EncryptedKey>` +
    `<xenc:EncryptionMethod Algorithm="${encryptionAlgorithms.rsaOaepMgf1p}"><ds:DigestMethod Algorithm="${encryptionAlgorithms.sha1}"/></xenc:EncryptionMethod>` +
    `<xenc:CipherData><xenc:CipherValue>${encryptedKey.toString('base64')}</xenc:CipherValue></xenc:CipherData>` +
    `</xenc:EncryptedKey></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${content.toString('base64')}</xenc:CipherValue></xenc:CipherData>` +
    `</xenc:EncryptedData></saml:EncryptedAssertion>`
  );
}
