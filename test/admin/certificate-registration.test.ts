// Aansluiten under the certificate policy: production registers a webdienst only with a certificate
// that chains to the trust anchors, is valid, not revoked, strong and carries the organisation's OIN;
// preproduction takes a self-signed one only with the flag. The same at metadata refresh (update-saml)
// and for the x5c chains of OIDC private_key_jwt keys. Every refusal names its rule; nothing is stored.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { addOrganisation } from '../../src/admin/organisations.ts';
import { addSamlWebdienst, updateSamlWebdienst } from '../../src/admin/saml-webdiensten.ts';
import { exportFormat, importWebdienst } from '../../src/admin/webdienst-transfer.ts';
import { addOidcWebdienst } from '../../src/admin/webdiensten.ts';
import { createAuditLog } from '../../src/core/audit.ts';
import { systemClock } from '../../src/core/clock.ts';
import { configuredCertificateTrust } from '../../src/core/trust/certificate-trust.ts';
import type { SamlRegistration } from '../../src/frontends/saml/sp-metadata.ts';
import { openStore, type Store } from '../../src/stores/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { testPki, type TestCertificate, type TestPki } from '../support/test-pki.ts';

const ns = {
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
};
const artifactBinding = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact';

let entityCounter = 0;
function metadata(certificates: TestCertificate[], entityId = `https://dienst${(entityCounter += 1)}.example.nl/saml`) {
  const keys = certificates
    .map(
      (certificate) =>
        `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificate.body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
    )
    .join('');
  return {
    entityId,
    xml: `<md:EntityDescriptor xmlns:md="${ns.md}" xmlns:ds="${ns.ds}" entityID="${entityId}"><md:SPSSODescriptor protocolSupportEnumeration="${ns.samlp}" AuthnRequestsSigned="true">${keys}<md:AssertionConsumerService Binding="${artifactBinding}" Location="${entityId.replace('/saml', '/acs')}" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>`,
  };
}

const jwkWithChain = (certificate: TestCertificate, chain: string[] = [certificate.body]) => ({
  ...createPublicKey(createPrivateKey(certificate.keyPem)).export({ format: 'jwk' }),
  kid: 'sleutel-1',
  use: 'sig',
  x5c: chain,
});

describe('aansluiten under the certificate policy (PKIoverheid)', function () {
  this.timeout(120_000);
  let pki: TestPki;
  let database: TestDatabase;
  let store: Store;
  const deps = (environment: 'production' | 'preproduction') => ({
    store,
    clock: systemClock,
    audit: createAuditLog(store, systemClock),
    environment,
    trust: configuredCertificateTrust(
      { environment, trust: { anchorFiles: [pki.anchorsFile], crlFiles: [pki.crlFile], crlRefreshSeconds: 60 } },
      systemClock,
    ),
  });
  const refusal = async (registering: Promise<unknown>) => {
    try {
      await registering;
    } catch (error) {
      return `${(error as { code: string }).code}: ${(error as Error).message}`;
    }
    throw new Error('registered');
  };
  const addSaml = (
    environment: 'production' | 'preproduction',
    certificates: TestCertificate[],
    extra: { allowSelfSigned?: boolean; oin?: string } = {},
  ) => {
    const { xml, entityId } = metadata(certificates);
    return addSamlWebdienst(deps(environment), {
      organisationOin: extra.oin ?? pki.oin,
      name: 'Parkeervergunning',
      metadataXml: xml,
      ...(extra.allowSelfSigned ? { allowSelfSigned: true } : {}),
    }).then((registered) => ({ ...registered, entityId }));
  };

  before(async () => {
    pki = testPki();
    database = await createTestDatabase('sqlite');
    store = openStore(database.url);
    await store.migrate();
    await addOrganisation(deps('production'), { name: 'Gemeente Voorbeeld', oin: pki.oin, bsnEntitled: true });
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  describe('SAML metadata in production', () => {
    it('registers a webdienst whose certificate chains to the anchors and carries its OIN', async () => {
      const { entityId, registration } = await addSaml('production', [pki.good]);
      expect(registration.signingCertificates).to.deep.equal([pki.good.body]);
      expect(registration.allowSelfSigned).to.equal(undefined);
      expect(await store.findWebdienstByClientId(entityId)).to.not.equal(undefined);
    });

    const refusals: Array<[string, keyof TestPki, string]> = [
      [
        'an expired certificate',
        'expired',
        'admin.certificate_refused: certificate refused (expired): the certificate expired on 2021-01-01 (signing certificate 1 of the SAML metadata)',
      ],
      [
        'a revoked certificate',
        'revoked',
        'admin.certificate_refused: certificate refused (revoked): the certificate (serial 1003) is revoked (signing certificate 1 of the SAML metadata)',
      ],
      [
        'a certificate with another OIN',
        'otherOinLeaf',
        "admin.certificate_refused: certificate refused (other_oin): the certificate carries OIN 00000009876543210000, not the organisation's OIN 00000001234567890000 (signing certificate 1 of the SAML metadata)",
      ],
      [
        'a self-signed certificate',
        'selfSigned',
        'admin.certificate_refused: certificate refused (self_signed): self-signed certificates are refused in production; the certificate must chain to a trust anchor (signing certificate 1 of the SAML metadata)',
      ],
      [
        'a SHA-1 signed certificate',
        'sha1',
        'admin.certificate_refused: certificate refused (weak_signature): the certificate must be signed with SHA-256 or stronger (RSA or ECDSA), not ecdsa-with-SHA1 (signing certificate 1 of the SAML metadata)',
      ],
      [
        'an RSA 1024 key',
        'weakKey',
        'admin.invalid_saml_metadata: invalid SAML metadata: certificates must hold RSA keys of at least 2048 bits',
      ],
    ];
    for (const [what, name, expected] of refusals) {
      it(`refuses ${what}, naming the rule, and stores nothing`, async () => {
        const { xml, entityId } = metadata([pki[name] as TestCertificate]);
        expect(
          await refusal(
            addSamlWebdienst(deps('production'), {
              organisationOin: pki.oin,
              name: 'Parkeervergunning',
              metadataXml: xml,
            }),
          ),
        ).to.equal(expected);
        expect(await store.findWebdienstByClientId(entityId)).to.equal(undefined);
      });
    }

    it('refuses a certificate that does not chain (anchors without the intermediate)', async () => {
      const rootOnly = configuredCertificateTrust(
        {
          environment: 'production',
          trust: { anchorFiles: [pki.root.certificateFile], crlFiles: [], crlRefreshSeconds: 60 },
        },
        systemClock,
      );
      expect(
        await refusal(
          addSamlWebdienst(
            { ...deps('production'), trust: rootOnly },
            { organisationOin: pki.oin, name: 'Parkeervergunning', metadataXml: metadata([pki.good]).xml },
          ),
        ),
      ).to.equal(
        'admin.certificate_refused: certificate refused (untrusted_chain): the certificate does not chain to a trust anchor (signing certificate 1 of the SAML metadata)',
      );
    });

    it('refuses the self-signed flag itself', async () => {
      expect(await refusal(addSaml('production', [pki.good], { allowSelfSigned: true }))).to.equal(
        'admin.self_signed_not_allowed: --allow-self-signed is refused in production: certificates must chain to a trust anchor',
      );
    });

    it('checks every certificate of the metadata: an expired one beside a good one is refused', async () => {
      expect(await refusal(addSaml('production', [pki.good, pki.expired]))).to.equal(
        'admin.certificate_refused: certificate refused (expired): the certificate expired on 2021-01-01 (signing certificate 2 of the SAML metadata)',
      );
    });
  });

  describe('SAML metadata refresh (update-saml)', () => {
    it('takes the old and new certificate side by side (rollover), then the new one alone', async () => {
      const { entityId } = await addSaml('production', [pki.good]);
      const both = await updateSamlWebdienst(deps('production'), {
        entityId,
        metadataXml: metadata([pki.good, pki.rolledOver], entityId).xml,
      });
      expect(both.registration.signingCertificates).to.deep.equal([pki.good.body, pki.rolledOver.body]);
      const next = await updateSamlWebdienst(deps('production'), {
        entityId,
        metadataXml: metadata([pki.rolledOver], entityId).xml,
      });
      expect(next.registration.signingCertificates).to.deep.equal([pki.rolledOver.body]);
    });

    it('refuses a refresh to a revoked certificate and keeps the registered one', async () => {
      const { entityId } = await addSaml('production', [pki.good]);
      expect(
        await refusal(
          updateSamlWebdienst(deps('production'), { entityId, metadataXml: metadata([pki.revoked], entityId).xml }),
        ),
      ).to.equal(
        'admin.certificate_refused: certificate refused (revoked): the certificate (serial 1003) is revoked (signing certificate 1 of the SAML metadata)',
      );
      const fresh = openStore(database.url);
      try {
        const stored = (await fresh.findWebdienstByClientId(entityId))!.protocolMetadata as unknown as SamlRegistration;
        expect(stored.signingCertificates).to.deep.equal([pki.good.body]);
      } finally {
        await fresh.close();
      }
    });
  });

  describe('preproduction', () => {
    it('accepts a self-signed certificate only with the flag, and keeps the flag on refresh', async () => {
      expect(await refusal(addSaml('preproduction', [pki.selfSigned]))).to.equal(
        'admin.certificate_refused: certificate refused (self_signed): a self-signed certificate is accepted in preproduction only for a webdienst registered with --allow-self-signed (signing certificate 1 of the SAML metadata)',
      );
      const { entityId, registration } = await addSaml('preproduction', [pki.selfSigned], { allowSelfSigned: true });
      expect(registration.allowSelfSigned).to.equal(true);
      const refreshed = await updateSamlWebdienst(deps('preproduction'), {
        entityId,
        metadataXml: metadata([pki.selfSigned], entityId).xml,
      });
      expect(refreshed.registration.allowSelfSigned).to.equal(true);
    });

    it('still refuses a revoked or foreign certificate', async () => {
      expect(await refusal(addSaml('preproduction', [pki.revoked], { allowSelfSigned: true }))).to.match(
        /^admin\.certificate_refused: certificate refused \(revoked\)/,
      );
      expect(await refusal(addSaml('preproduction', [pki.otherOinLeaf], { allowSelfSigned: true }))).to.match(
        /^admin\.certificate_refused: certificate refused \(other_oin\)/,
      );
    });
  });

  describe('webdienst import from preproduction', () => {
    // An export as preproduction writes it, with a passing checklist report, under a fresh entityID.
    const exportOf = (registration: SamlRegistration) => {
      const entityId = `https://import${(entityCounter += 1)}.example.nl/saml`;
      const webdienst = { name: 'Parkeervergunning', protocol: 'saml', clientId: entityId };
      return {
        format: exportFormat,
        exportedFrom: 'preproduction',
        exportedAt: new Date().toISOString(),
        organisation: {
          oin: pki.oin,
          name: 'Gemeente Voorbeeld',
          publicTask: 'Parkeren',
          bsnEntitled: true,
          bsnLegalBasis: null,
        },
        webdienst: {
          ...webdienst,
          minimumLevel: 'basis',
          federation: null,
          registration: { ...registration, entityId },
        },
        checklist: {
          webdienst: { ...webdienst, organisation: 'Gemeente Voorbeeld' },
          passed: true,
          items: [{ item: 'request_signed', result: 'pass' }],
          generatedAt: new Date().toISOString(),
        },
      };
    };

    it('holds the imported SAML certificates to the policy: a self-signed one is refused in production', async () => {
      const { registration } = await addSaml('preproduction', [pki.selfSigned], { allowSelfSigned: true });
      const exported = exportOf(registration);
      expect(await refusal(importWebdienst(deps('production'), exported))).to.match(
        /^admin\.certificate_refused: certificate refused \(self_signed\).*signing certificate 1 of the SAML registration/,
      );
      expect(await store.findWebdienstByClientId(exported.webdienst.clientId)).to.equal(undefined);
    });

    it('imports one whose certificate chains to the anchors, without the self-signed flag', async () => {
      const { registration } = await addSaml('preproduction', [pki.good]);
      const exported = exportOf({ ...registration, allowSelfSigned: true });
      const { webdienst } = await importWebdienst(deps('production'), exported);
      expect(webdienst.clientId).to.equal(exported.webdienst.clientId);
      expect((webdienst.protocolMetadata as Partial<SamlRegistration>).allowSelfSigned).to.equal(undefined);
    });
  });

  describe('OIDC private_key_jwt keys with x5c', () => {
    const addOidc = (environment: 'production' | 'preproduction', keys: unknown[], allowSelfSigned = false) =>
      addOidcWebdienst(deps(environment), {
        organisationOin: pki.oin,
        name: 'Afvalpas',
        redirectUris: ['https://afval.example.nl/cb'],
        auth: 'private_key_jwt',
        jwks: { keys },
        ...(allowSelfSigned ? { allowSelfSigned } : {}),
      });

    it('registers a key whose x5c chains to the anchors', async () => {
      const registered = await addOidc('production', [jwkWithChain(pki.good)]);
      expect(registered.clientId).to.be.a('string');
    });

    it('builds the chain with the intermediate sent in x5c', async () => {
      const registered = await addOidc('production', [jwkWithChain(pki.good, [pki.good.body, pki.intermediate.body])]);
      expect(registered.clientId).to.be.a('string');
    });

    it('refuses, naming the rule: no x5c, a revoked, expired or foreign certificate, a key that is not the certificate’s', async () => {
      const bare: Record<string, unknown> = { ...jwkWithChain(pki.good) };
      delete bare.x5c;
      expect(await refusal(addOidc('production', [bare]))).to.equal(
        'admin.certificate_refused: certificate refused (no_certificate): every private_key_jwt key needs an x5c certificate chain in production (key sleutel-1 of the JWKS)',
      );
      expect(await refusal(addOidc('production', [jwkWithChain(pki.revoked)]))).to.equal(
        'admin.certificate_refused: certificate refused (revoked): the certificate (serial 1003) is revoked (key sleutel-1 of the JWKS)',
      );
      expect(await refusal(addOidc('production', [jwkWithChain(pki.expired)]))).to.equal(
        'admin.certificate_refused: certificate refused (expired): the certificate expired on 2021-01-01 (key sleutel-1 of the JWKS)',
      );
      expect(await refusal(addOidc('production', [jwkWithChain(pki.otherOinLeaf)]))).to.equal(
        "admin.certificate_refused: certificate refused (other_oin): the certificate carries OIN 00000009876543210000, not the organisation's OIN 00000001234567890000 (key sleutel-1 of the JWKS)",
      );
      expect(
        await refusal(addOidc('production', [{ ...jwkWithChain(pki.good), x5c: [pki.rolledOver.body] }])),
      ).to.equal(
        "admin.certificate_refused: certificate refused (key_mismatch): the first x5c certificate does not hold the JWK's key (key sleutel-1 of the JWKS)",
      );
      expect(await refusal(addOidc('production', [jwkWithChain(pki.weakKey)]))).to.equal(
        'admin.certificate_refused: certificate refused (weak_key): the key must be RSA of at least 2048 bits or EC on P-256 or larger, not RSA 1024 bits (key sleutel-1 of the JWKS)',
      );
    });

    it('takes a self-signed x5c in preproduction only with the flag, and refuses the flag in production', async () => {
      expect(await refusal(addOidc('preproduction', [jwkWithChain(pki.selfSigned)]))).to.match(
        /^admin\.certificate_refused: certificate refused \(self_signed\)/,
      );
      const registered = await addOidc('preproduction', [jwkWithChain(pki.selfSigned)], true);
      expect(registered.webdienst.protocolMetadata).to.deep.include({ allow_self_signed: true });
      expect(await refusal(addOidc('production', [jwkWithChain(pki.good)], true))).to.equal(
        'admin.self_signed_not_allowed: --allow-self-signed is refused in production: certificates must chain to a trust anchor',
      );
    });

    it('at use, drops a key whose certificate was revoked after registration (oidc-provider never sees it)', async () => {
      const beforeRevocation = configuredCertificateTrust(
        {
          environment: 'production',
          trust: { anchorFiles: [pki.anchorsFile], crlFiles: [pki.crlBeforeRevocationFile], crlRefreshSeconds: 60 },
        },
        systemClock,
      );
      const revokedKey = { ...jwkWithChain(pki.revoked), kid: 'sleutel-2' };
      const registered = await addOidcWebdienst(
        { ...deps('production'), trust: beforeRevocation },
        {
          organisationOin: pki.oin,
          name: 'Afvalpas',
          redirectUris: ['https://afval.example.nl/cb'],
          auth: 'private_key_jwt',
          jwks: { keys: [jwkWithChain(pki.good), revokedKey] },
        },
      );
      const { clientMetadataFor } = await import('../../src/frontends/oidc/client-metadata.ts');
      const kids = (trust: ReturnType<typeof configuredCertificateTrust>) =>
        (clientMetadataFor(registered.webdienst, trust).jwks as { keys: Array<{ kid: string }> }).keys.map(
          (key) => key.kid,
        );
      expect(kids(beforeRevocation)).to.deep.equal(['sleutel-1', 'sleutel-2']);
      expect(kids(deps('production').trust)).to.deep.equal(['sleutel-1']);
    });

    it('does not let the flag reach oidc-provider as client metadata', async () => {
      const { clientMetadataFor } = await import('../../src/frontends/oidc/client-metadata.ts');
      const registered = await addOidc('preproduction', [jwkWithChain(pki.selfSigned)], true);
      expect(clientMetadataFor(registered.webdienst)).to.not.have.property('allow_self_signed');
    });
  });

  it('the test PKI leaves are what the tests take them for', () => {
    const good = new X509Certificate(pki.good.certificatePem);
    expect(good.subject).to.include(`serialNumber=${pki.oin}`);
    expect(good.checkIssued(new X509Certificate(pki.intermediate.certificatePem))).to.equal(true);
  });
});
