// The certificates a webdienst's console page lists: from SAML metadata and from the x5c of an OIDC
// webdienst's registered keys, each with its use and the days until it expires.
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { certificatesOf } from '../../src/admin/console/certificate-list.ts';
import { selfSignedCertificate } from '../../src/frontends/saml/certificate.ts';
import type { WebdienstRow } from '../../src/stores/index.ts';

const now = Date.parse('2026-06-01T00:00:00Z');
const dayMs = 24 * 3600 * 1000;
const body = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');

/** A self-signed certificate made at `madeAt`, valid for `years`. */
function certificate(name: string, madeAt: number, years: number): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return body(selfSignedCertificate(privateKey, name, madeAt, years));
}

const webdienst = (protocol: 'oidc' | 'saml', protocolMetadata: Record<string, unknown>): WebdienstRow => ({
  id: 'w1',
  organisationId: 'o1',
  name: 'Afvalpas',
  protocol,
  clientId: 'afvalpas',
  minimumLevel: 'basis',
  federation: null,
  protocolMetadata,
  createdAt: now,
});

describe('admin console: the certificates of a webdienst', () => {
  const current = certificate('huidig', now, 1);
  const expired = certificate('verlopen', now - 3 * 365 * dayMs, 1);

  it('lists the signing and encryption certificates of SAML metadata with their expiry', () => {
    const listed = certificatesOf(
      webdienst('saml', { signingCertificates: [current, expired], encryptionCertificates: [current] }),
      now,
    );
    expect(listed.map((entry) => entry.use)).to.deep.equal(['signing', 'signing', 'encryption']);
    expect(listed[0]).to.deep.include({ expired: false, daysLeft: 365 });
    expect(listed[0]!.subject).to.include('huidig');
    expect(listed[0]!.validToText).to.equal('2027-06-01');
    expect(listed[1]).to.deep.include({ expired: true });
    expect(listed[1]!.daysLeft).to.be.below(0);
  });

  it("lists the first x5c certificate of each OIDC key, by the key's use, and skips keys without one", () => {
    const listed = certificatesOf(
      webdienst('oidc', {
        jwks: {
          keys: [
            { kty: 'RSA', use: 'sig', x5c: [current, expired] },
            { kty: 'RSA', use: 'enc', x5c: [expired] },
            { kty: 'RSA', use: 'sig' },
            { kty: 'RSA', x5c: ['niet-base64-DER'] },
          ],
        },
      }),
      now,
    );
    expect(listed.map((entry) => [entry.use, entry.expired])).to.deep.equal([
      ['signing', false],
      ['encryption', true],
    ]);
  });

  it('lists nothing for a webdienst with a jwks_uri only', () => {
    expect(certificatesOf(webdienst('oidc', { jwks_uri: 'https://afval.example.nl/jwks' }), now)).to.deep.equal([]);
  });
});
