// The trust anchors and CRLs of the configuration: read and checked at start (a bad file is named),
// and read again on reload, so a CRL that revokes a certificate takes effect without a restart.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { configuredCertificateTrust } from '../../../src/core/trust/certificate-trust.ts';
import { loadTrustMaterial } from '../../../src/core/trust/trust-anchors.ts';
import { ConfigError } from '../../../config/index.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { testPki, type TestPki } from '../../support/test-pki.ts';

describe('trust anchors and CRL files', function () {
  this.timeout(120_000);
  let pki: TestPki;
  let dir: string;
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const refusal = (anchorFiles: string[], crlFiles: string[] = []) => {
    try {
      loadTrustMaterial({ anchorFiles, crlFiles, crlRefreshSeconds: 60 }, Date.now());
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('accepted');
  };

  before(() => {
    pki = testPki();
    dir = mkdtempSync(join(tmpdir(), 'poortwachter-trust-'));
  });

  it('reads a bundle of root and intermediate and the CRL of the intermediate', () => {
    const material = loadTrustMaterial(
      { anchorFiles: [pki.anchorsFile], crlFiles: [pki.crlFile], crlRefreshSeconds: 60 },
      Date.now(),
    );
    expect(material.anchors.map((anchor) => anchor.certificate.subject.split('\n').pop())).to.deep.equal([
      'CN=Test Staat der Nederlanden Root CA',
      'CN=Test PKIoverheid Organisatie Services CA',
    ]);
    expect([...material.crls[0]!.revokedSerials]).to.deep.equal(['1003']);
    expect(material.crls[0]!.issuer.certificate.subject).to.include('Organisatie Services CA');
  });

  it('refuses a missing file, a file without certificates, and a certificate that is no CA, naming the file', () => {
    const missing = join(dir, 'missing.pem');
    expect(refusal([missing])).to.equal(
      `Invalid configuration: trust.anchorFiles (TRUST_ANCHOR_FILES): cannot read ${missing}: ENOENT`,
    );
    const empty = file('empty.pem', 'no certificates here\n');
    expect(refusal([empty])).to.equal(
      `Invalid configuration: trust.anchorFiles (TRUST_ANCHOR_FILES): ${empty} holds no PEM certificate`,
    );
    expect(refusal([pki.good.certificateFile])).to.equal(
      `Invalid configuration: trust.anchorFiles (TRUST_ANCHOR_FILES): ${pki.good.certificateFile} holds a certificate that is not a CA certificate (C=NL, O=Gemeente Voorbeeld, serialNumber=00000001234567890000, CN=dienst.example.nl)`,
    );
  });

  it('refuses a CRL that is unreadable or that no anchor signed', () => {
    const garbage = file('garbage.crl', 'not a CRL');
    expect(refusal([pki.anchorsFile], [garbage])).to.equal(
      `Invalid configuration: trust.crlFiles (TRUST_CRL_FILES): ${garbage} is not a readable CRL (PEM or DER)`,
    );
    expect(refusal([pki.root.certificateFile], [pki.crlFile])).to.equal(
      `Invalid configuration: trust.crlFiles (TRUST_CRL_FILES): ${pki.crlFile} is not signed (SHA-256 or stronger) by any trust anchor`,
    );
  });

  it('takes a new CRL on reload, and keeps the old material when the new file is broken', () => {
    const crl = join(dir, 'current.crl');
    copyFileSync(pki.crlBeforeRevocationFile, crl);
    const trust = configuredCertificateTrust(
      { environment: 'production', trust: { anchorFiles: [pki.anchorsFile], crlFiles: [crl], crlRefreshSeconds: 60 } },
      systemClock,
    );
    const check = () => trust.check({ certificate: pki.revoked.body, oin: pki.oin, allowSelfSigned: false });
    expect(check().accepted).to.equal(true);
    copyFileSync(pki.crlFile, crl);
    expect(check().accepted, 'a verdict holds until the reload').to.equal(true);
    trust.reload();
    expect(check()).to.deep.include({ accepted: false, rule: 'revoked' });
    writeFileSync(crl, 'broken');
    expect(() => trust.reload()).to.throw(ConfigError, 'is not a readable CRL');
    expect(check()).to.deep.include({ accepted: false, rule: 'revoked' });
  });
});
