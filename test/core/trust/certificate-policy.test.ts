// The certificate policy on a test PKI made by openssl (test/support/test-pki.ts): every rule refuses
// with its own message, production and preproduction differ only in the self-signed certificate.
import { X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { checkCertificate, type CertificateVerdict } from '../../../src/core/trust/certificate-policy.ts';
import { loadTrustMaterial, type TrustMaterial } from '../../../src/core/trust/trust-anchors.ts';
import { testPki, type TestPki } from '../../support/test-pki.ts';

const day = 24 * 3600 * 1000;

function plain(verdict: CertificateVerdict) {
  return verdict.accepted ? { accepted: true, selfSigned: verdict.selfSigned } : verdict;
}

describe('certificate policy (PKIoverheid trust)', function () {
  this.timeout(120_000);
  let pki: TestPki;
  let trust: TrustMaterial;
  let now: number;
  const check = (
    body: string,
    options: {
      environment?: 'production' | 'preproduction' | 'development';
      allowSelfSigned?: boolean;
      at?: number;
    } = {},
    material: TrustMaterial = trust,
  ) =>
    plain(
      checkCertificate(
        { certificate: body, oin: pki.oin, allowSelfSigned: options.allowSelfSigned ?? false },
        { environment: options.environment ?? 'production', trust: material, now: options.at ?? now },
      ),
    );

  before(() => {
    pki = testPki();
    now = Date.now();
    trust = loadTrustMaterial({ anchorFiles: [pki.anchorsFile], crlFiles: [pki.crlFile], crlRefreshSeconds: 60 }, now);
  });

  it('accepts a certificate that chains to the anchors and carries the organisation OIN', () => {
    expect(check(pki.good.body)).to.deep.equal({ accepted: true, selfSigned: false });
    expect(check(pki.good.certificatePem)).to.deep.equal({ accepted: true, selfSigned: false });
  });

  const refusals: Array<[string, keyof TestPki, string, string]> = [
    ['an expired certificate', 'expired', 'expired', 'the certificate expired on 2021-01-01'],
    ['a revoked certificate', 'revoked', 'revoked', 'the certificate (serial 1003) is revoked'],
    [
      'a certificate with another OIN',
      'otherOinLeaf',
      'other_oin',
      "the certificate carries OIN 00000009876543210000, not the organisation's OIN 00000001234567890000",
    ],
    [
      'a certificate without an OIN',
      'noOin',
      'no_oin',
      "the certificate's subject has no serialNumber with an OIN (20 digits)",
    ],
    [
      'an RSA 1024 key',
      'weakKey',
      'weak_key',
      'the key must be RSA of at least 2048 bits or EC on P-256 or larger, not RSA 1024 bits',
    ],
    [
      'a SHA-1 signature',
      'sha1',
      'weak_signature',
      'the certificate must be signed with SHA-256 or stronger (RSA or ECDSA), not ecdsa-with-SHA1',
    ],
    [
      'a self-signed certificate in production',
      'selfSigned',
      'self_signed',
      'self-signed certificates are refused in production; the certificate must chain to a trust anchor',
    ],
  ];
  for (const [what, name, rule, message] of refusals) {
    it(`refuses ${what} (rule ${rule})`, () => {
      expect(check((pki[name] as { body: string }).body)).to.deep.equal({ accepted: false, rule, message });
    });
  }

  it('refuses a certificate that does not chain to an anchor', () => {
    const rootOnly = {
      ...trust,
      anchors: trust.anchors.filter((anchor) => anchor.certificate.ca && anchor.subjectDer.equals(anchor.issuerDer)),
    };
    expect(rootOnly.anchors).to.have.length(1);
    expect(check(pki.good.body, {}, { ...rootOnly, crls: [] })).to.deep.equal({
      accepted: false,
      rule: 'untrusted_chain',
      message: 'the certificate does not chain to a trust anchor',
    });
  });

  it('builds the chain through intermediates the webdienst sends along (x5c), never trusting them alone', () => {
    const rootOnly = {
      ...trust,
      anchors: trust.anchors.filter((anchor) => anchor.subjectDer.equals(anchor.issuerDer)),
    };
    const intermediate = new X509Certificate(pki.intermediate.certificatePem);
    const verdict = checkCertificate(
      { certificate: pki.good.body, intermediates: [intermediate], oin: pki.oin, allowSelfSigned: false },
      { environment: 'production', trust: rootOnly, now },
    );
    expect(plain(verdict)).to.deep.equal({ accepted: true, selfSigned: false });
    const noAnchors = checkCertificate(
      { certificate: pki.good.body, intermediates: [intermediate], oin: pki.oin, allowSelfSigned: false },
      { environment: 'production', trust: { anchors: [], crls: [], loadedAt: now }, now },
    );
    expect(plain(noAnchors)).to.deep.equal({
      accepted: false,
      rule: 'untrusted_chain',
      message: 'the certificate does not chain to a trust anchor',
    });
  });

  it('refuses a certificate before its validity and after it (fake clock)', () => {
    expect(check(pki.good.body, { at: now - 2 * day })).to.deep.include({ accepted: false, rule: 'not_yet_valid' });
    expect(check(pki.good.body, { at: now + 400 * day })).to.deep.include({ accepted: false, rule: 'expired' });
  });

  it('in production, refuses when the CRL of the issuer is past its next update or not loaded', () => {
    const crlDue = new Date(trust.crls[0]!.nextUpdate!).toISOString().slice(0, 10);
    expect(check(pki.good.body, { at: now + 31 * day })).to.deep.equal({
      accepted: false,
      rule: 'revocation_unknown',
      message: `the CRL of C=NL, O=Test PKIoverheid, CN=Test PKIoverheid Organisatie Services CA was due for renewal on ${crlDue}`,
    });
    expect(check(pki.good.body, {}, { ...trust, crls: [] })).to.deep.equal({
      accepted: false,
      rule: 'revocation_unknown',
      message: 'no CRL of the issuer C=NL, O=Test PKIoverheid, CN=Test PKIoverheid Organisatie Services CA is loaded',
    });
    expect(check(pki.good.body, { environment: 'preproduction' }, { ...trust, crls: [] })).to.deep.equal({
      accepted: true,
      selfSigned: false,
    });
  });

  it('preproduction accepts a self-signed certificate only for a webdienst registered with the flag', () => {
    expect(check(pki.selfSigned.body, { environment: 'preproduction', allowSelfSigned: true })).to.deep.equal({
      accepted: true,
      selfSigned: true,
    });
    expect(check(pki.selfSigned.body, { environment: 'preproduction' })).to.deep.equal({
      accepted: false,
      rule: 'self_signed',
      message:
        'a self-signed certificate is accepted in preproduction only for a webdienst registered with --allow-self-signed',
    });
    expect(check(pki.selfSigned.body, { environment: 'production', allowSelfSigned: true })).to.deep.include({
      accepted: false,
      rule: 'self_signed',
    });
  });

  it('holds the other rules in preproduction too', () => {
    expect(check(pki.revoked.body, { environment: 'preproduction' })).to.deep.include({ rule: 'revoked' });
    expect(check(pki.otherOinLeaf.body, { environment: 'preproduction' })).to.deep.include({ rule: 'other_oin' });
    expect(check(pki.weakKey.body, { environment: 'preproduction', allowSelfSigned: true })).to.deep.include({
      rule: 'weak_key',
    });
  });

  it('refuses what is not a certificate', () => {
    expect(check('bm90IGEgY2VydGlmaWNhdGU=')).to.deep.equal({
      accepted: false,
      rule: 'unreadable',
      message: 'the certificate cannot be read (X.509, DER or PEM)',
    });
  });
});
