// Registering a SAML webdienst from its SP metadata (`webdienst add-saml`) and re-importing it
// (`webdienst update-saml`): what is stored, and every kind of unusable metadata refused with a
// message that names the problem, nothing stored or changed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runCliOn } from '../../support/cli.ts';
import { addOrganisation } from '../../../src/admin/organisations.ts';
import { addSamlWebdienst, updateSamlWebdienst } from '../../../src/admin/saml-webdiensten.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { samlRegistrationOf } from '../../../src/frontends/saml/sp-metadata.ts';
import { createAuditLog } from '../../../src/core/audit.ts';
import { openStore, type Store } from '../../../src/stores/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { bindings, newKey, nextOin, ns } from './test-sp.ts';

const certificateBody = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');
const signing = newKey();
const encryption = newKey();

function metadata(
  options: { entityId?: string; keys?: string; acs?: string; slo?: string; root?: string } = {},
): string {
  const keys =
    options.keys ??
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBody(signing.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
      `<md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBody(encryption.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
  const acs =
    options.acs ??
    `<md:AssertionConsumerService Binding="${bindings.artifact}" Location="https://dienst.example.nl/saml/artifact" index="0" isDefault="true"/>` +
      `<md:AssertionConsumerService Binding="${bindings.post}" Location="https://dienst.example.nl/saml/post" index="3"/>`;
  const slo =
    options.slo ??
    `<md:SingleLogoutService Binding="${bindings.redirect}" Location="https://dienst.example.nl/saml/slo"/>`;
  return `<md:EntityDescriptor xmlns:md="${ns.md}" xmlns:ds="${ns.ds}" entityID="${options.entityId ?? 'https://dienst.example.nl/saml'}"><md:${options.root ?? 'SPSSODescriptor'} protocolSupportEnumeration="${ns.samlp}" AuthnRequestsSigned="true">${keys}${slo}${acs}</md:${options.root ?? 'SPSSODescriptor'}></md:EntityDescriptor>`;
}

describe('SAML webdienst registration (webdienst add-saml, update-saml)', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let store: Store;
  let oin: string;
  const deps = () => ({
    store,
    clock: systemClock,
    audit: createAuditLog(store, systemClock),
    environment: 'development' as const,
  });

  before(async () => {
    database = await createTestDatabase('sqlite');
    store = openStore(database.url);
    await store.migrate();
    oin = nextOin();
    await addOrganisation(deps(), { name: 'Gemeente Registratie', oin, bsnEntitled: true });
  });
  after(async () => {
    await store.close();
    await database.drop();
  });
  const cli = (args: string[]) => runCliOn(database.url, args);
  /** Read by a store of its own: the test's store keeps webdiensten for a few seconds (stores/webdiensten.ts). */
  const signingCertificatesInDatabase = async (entityId: string) => {
    const fresh = openStore(database.url);
    try {
      return samlRegistrationOf((await fresh.findWebdienstByClientId(entityId))!).signingCertificates;
    } finally {
      await fresh.close();
    }
  };
  const registrationOf = async (entityId: string) =>
    samlRegistrationOf((await store.findWebdienstByClientId(entityId))!);

  it('stores entityID, ACS endpoints with index and binding, signing and encryption certificates, SLO, the response binding', async () => {
    const { webdienst, entityId } = await addSamlWebdienst(deps(), {
      organisationOin: oin,
      name: 'Parkeervergunning',
      metadataXml: metadata(),
      level: 'midden',
      federation: 'gemeente',
    });
    expect(entityId).to.equal('https://dienst.example.nl/saml');
    expect(webdienst).to.deep.include({
      protocol: 'saml',
      clientId: entityId,
      minimumLevel: 'midden',
      federation: 'gemeente',
    });
    const registration = samlRegistrationOf(webdienst);
    expect(registration.assertionConsumerServices).to.deep.equal([
      { index: 0, binding: bindings.artifact, location: 'https://dienst.example.nl/saml/artifact', isDefault: true },
      { index: 3, binding: bindings.post, location: 'https://dienst.example.nl/saml/post', isDefault: false },
    ]);
    expect(registration.signingCertificates).to.deep.equal([certificateBody(signing.certificate)]);
    expect(registration.encryptionCertificates).to.deep.equal([certificateBody(encryption.certificate)]);
    expect(registration.singleLogoutServices).to.deep.equal([
      { binding: bindings.redirect, location: 'https://dienst.example.nl/saml/slo' },
    ]);
    expect(registration).to.deep.include({ authnRequestsSigned: true, responseBinding: 'artifact' });
  });

  const invalid: Array<[string, Partial<Parameters<typeof addSamlWebdienst>[1]>, RegExp]> = [
    ['not XML', { metadataXml: 'dit is geen xml' }, /not readable XML/],
    [
      'a DOCTYPE',
      {
        metadataXml: `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${metadata({ entityId: 'https://a.example.nl' })}`,
      },
      /not readable XML \(doctype\)/,
    ],
    [
      'IdP metadata',
      { metadataXml: metadata({ entityId: 'https://b.example.nl', root: 'IDPSSODescriptor' }) },
      /no SPSSODescriptor/,
    ],
    [
      'no signing certificate',
      { metadataXml: metadata({ entityId: 'https://c.example.nl', keys: '' }) },
      /no signing certificate/,
    ],
    [
      'an unreadable certificate',
      {
        metadataXml: metadata({
          entityId: 'https://d.example.nl',
          keys: '<md:KeyDescriptor><ds:KeyInfo><ds:X509Data><ds:X509Certificate>AAAA</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>',
        }),
      },
      /X509Certificate that cannot be read/,
    ],
    [
      'no artifact ACS for the default response binding',
      {
        metadataXml: metadata({
          entityId: 'https://e.example.nl',
          acs: `<md:AssertionConsumerService Binding="${bindings.post}" Location="https://e.example.nl/post" index="0"/>`,
        }),
      },
      /no AssertionConsumerService with the HTTP-Artifact binding/,
    ],
    [
      'two ACS with one index',
      {
        metadataXml: metadata({
          entityId: 'https://f.example.nl',
          acs: `<md:AssertionConsumerService Binding="${bindings.artifact}" Location="https://f.example.nl/a" index="1"/><md:AssertionConsumerService Binding="${bindings.post}" Location="https://f.example.nl/p" index="1"/>`,
        }),
      },
      /two AssertionConsumerServices with index 1/,
    ],
    [
      'a plain-http ACS',
      {
        metadataXml: metadata({
          entityId: 'https://g.example.nl',
          acs: `<md:AssertionConsumerService Binding="${bindings.artifact}" Location="http://g.example.nl/acs" index="0"/>`,
        }),
      },
      /must use https/,
    ],
    [
      'an unknown response binding',
      { metadataXml: metadata({ entityId: 'https://h.example.nl' }), responseBinding: 'redirect' },
      /--response-binding must be artifact or post/,
    ],
    ['a missing file', { metadata: '/nonexistent/sp-metadata.xml' }, /cannot read SAML metadata file/],
  ];
  for (const [what, input, message] of invalid) {
    it(`refuses ${what} with a clear message and stores nothing`, async () => {
      const before = (await store.listWebdiensten()).length;
      let caught: Error | undefined;
      try {
        await addSamlWebdienst(deps(), { organisationOin: oin, name: 'Kapot', ...input });
      } catch (error) {
        caught = error as Error;
      }
      expect(caught?.message, 'refused').to.match(message);
      expect((await store.listWebdiensten()).length).to.equal(before);
    });
  }

  it('refuses an entityID that is already registered', async () => {
    let caught: Error | undefined;
    await addSamlWebdienst(deps(), {
      organisationOin: oin,
      name: 'Eerste',
      metadataXml: metadata({ entityId: 'https://dubbel.example.nl' }),
    });
    try {
      await addSamlWebdienst(deps(), {
        organisationOin: oin,
        name: 'Tweede',
        metadataXml: metadata({ entityId: 'https://dubbel.example.nl' }),
      });
    } catch (error) {
      caught = error as Error;
    }
    expect(caught?.message).to.match(/already registered/);
  });

  it('works from the command line with a metadata file, and refuses bad metadata with exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-metadata-'));
    try {
      writeFileSync(join(dir, 'good.xml'), metadata({ entityId: 'https://cli.example.nl/saml' }));
      writeFileSync(join(dir, 'bad.xml'), metadata({ entityId: 'https://cli-bad.example.nl/saml', keys: '' }));
      const run = (file: string) =>
        cli([
          'webdienst',
          'add-saml',
          '--organisation',
          oin,
          '--name',
          'Via de CLI',
          '--metadata',
          join(dir, file),
          '--response-binding',
          'post',
          '--json',
        ]);
      const good = await run('good.xml');
      expect(good.code, good.stderr).to.equal(0);
      expect(JSON.parse(good.stdout)).to.deep.include({
        entity_id: 'https://cli.example.nl/saml',
        response_binding: 'post',
        level: 'basis',
      });
      const bad = await run('bad.xml');
      expect(bad.code).to.equal(1);
      expect(bad.stderr).to.match(/^poortwachter: invalid SAML metadata: no signing certificate/);
      expect((await store.listWebdiensten()).map((w) => w.clientId)).to.not.include('https://cli-bad.example.nl/saml');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('update-saml', () => {
    const rolled = newKey();
    const keyDescriptor = (use: string, pem: string) =>
      `<md:KeyDescriptor use="${use}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBody(pem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
    const acsFor = (host: string, extra = '') =>
      `<md:AssertionConsumerService Binding="${bindings.artifact}" Location="https://${host}/saml/artifact" index="0" isDefault="true"/>${extra}`;

    it('re-imports the metadata: a rolled-over signing certificate, a new ACS, the old one gone; entityID, level and response binding kept', async () => {
      const entityId = 'https://rollover.example.nl/saml';
      const { webdienst } = await addSamlWebdienst(deps(), {
        organisationOin: oin,
        name: 'Rollover',
        level: 'midden',
        metadataXml: metadata({ entityId, acs: acsFor('rollover.example.nl') }),
      });
      const next = metadata({
        entityId,
        keys: keyDescriptor('signing', signing.certificate) + keyDescriptor('signing', rolled.certificate),
        acs: acsFor(
          'rollover.example.nl',
          `<md:AssertionConsumerService Binding="${bindings.artifact}" Location="https://nieuw.rollover.example.nl/saml/artifact" index="4"/>`,
        ),
      });
      const { registration } = await updateSamlWebdienst(deps(), { entityId, metadataXml: next });
      expect(registration.signingCertificates).to.deep.equal([
        certificateBody(signing.certificate),
        certificateBody(rolled.certificate),
      ]);
      expect(registration.encryptionCertificates).to.deep.equal([]);
      const stored = await store.findWebdienstByClientId(entityId);
      expect(stored).to.deep.include({ id: webdienst.id, minimumLevel: 'midden', clientId: entityId });
      expect(
        (await registrationOf(entityId)).assertionConsumerServices.map((acs) => [acs.index, acs.location]),
      ).to.deep.equal([
        [0, 'https://rollover.example.nl/saml/artifact'],
        [4, 'https://nieuw.rollover.example.nl/saml/artifact'],
      ]);
      expect((await registrationOf(entityId)).responseBinding).to.equal('artifact');

      // After the rollover the old key is gone from the metadata: only the new one is stored.
      await updateSamlWebdienst(deps(), {
        entityId,
        metadataXml: metadata({
          entityId,
          keys: keyDescriptor('signing', rolled.certificate),
          acs: acsFor('rollover.example.nl'),
        }),
      });
      expect((await registrationOf(entityId)).signingCertificates).to.deep.equal([certificateBody(rolled.certificate)]);
      expect((await registrationOf(entityId)).assertionConsumerServices).to.have.length(1);
    });

    const refusals: Array<[string, (entityId: string) => Partial<Parameters<typeof updateSamlWebdienst>[1]>, RegExp]> =
      [
        [
          'metadata for another entityID',
          () => ({ metadataXml: metadata({ entityId: 'https://iemand-anders.example.nl/saml' }) }),
          /it is for entityID https:\/\/iemand-anders\.example\.nl\/saml, not https:\/\/blijft\.example\.nl\/saml/,
        ],
        [
          'metadata without a signing certificate',
          (entityId) => ({ metadataXml: metadata({ entityId, keys: '' }) }),
          /no signing certificate/,
        ],
        [
          'metadata without an ACS for the registered response binding',
          (entityId) => ({
            metadataXml: metadata({
              entityId,
              acs: `<md:AssertionConsumerService Binding="${bindings.post}" Location="https://blijft.example.nl/post" index="0"/>`,
            }),
          }),
          /no AssertionConsumerService with the HTTP-Artifact binding/,
        ],
        ['unreadable XML', () => ({ metadataXml: '<md:EntityDescriptor' }), /not readable XML/],
        [
          'a plain-http ACS',
          (entityId) => ({
            metadataXml: metadata({
              entityId,
              acs: `<md:AssertionConsumerService Binding="${bindings.artifact}" Location="http://blijft.example.nl/acs" index="0"/>`,
            }),
          }),
          /must use https/,
        ],
        [
          'an entityID that is not registered',
          () => ({
            entityId: 'https://onbekend.example.nl/saml',
            metadataXml: metadata({ entityId: 'https://onbekend.example.nl/saml' }),
          }),
          /no SAML webdienst with entityID https:\/\/onbekend\.example\.nl\/saml/,
        ],
        [
          'an unknown response binding',
          (entityId) => ({ metadataXml: metadata({ entityId }), responseBinding: 'soap' }),
          /--response-binding must be artifact or post/,
        ],
      ];
    for (const [what, input, message] of refusals) {
      it(`refuses ${what} with a clear message and changes nothing`, async () => {
        const entityId = 'https://blijft.example.nl/saml';
        if (!(await store.findWebdienstByClientId(entityId)))
          await addSamlWebdienst(deps(), { organisationOin: oin, name: 'Blijft', metadataXml: metadata({ entityId }) });
        const before = await registrationOf(entityId);
        let caught: Error | undefined;
        try {
          await updateSamlWebdienst(deps(), { entityId, ...input(entityId) });
        } catch (error) {
          caught = error as Error;
        }
        expect(caught?.message, 'refused').to.match(message);
        expect(await registrationOf(entityId)).to.deep.equal(before);
      });
    }

    it('works from the command line; bad metadata exits 1 with the reason and changes nothing', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sp-metadata-'));
      const entityId = 'https://cli-update.example.nl/saml';
      try {
        await addSamlWebdienst(deps(), {
          organisationOin: oin,
          name: 'Update via de CLI',
          metadataXml: metadata({ entityId }),
        });
        writeFileSync(
          join(dir, 'rolled.xml'),
          metadata({
            entityId,
            keys: keyDescriptor('signing', rolled.certificate) + keyDescriptor('encryption', encryption.certificate),
          }),
        );
        writeFileSync(
          join(dir, 'bad.xml'),
          metadata({ entityId, keys: keyDescriptor('encryption', encryption.certificate) }),
        );
        const good = await cli([
          'webdienst',
          'update-saml',
          '--entity-id',
          entityId,
          '--metadata',
          join(dir, 'rolled.xml'),
          '--json',
        ]);
        expect(good.code, good.stderr).to.equal(0);
        expect(JSON.parse(good.stdout)).to.deep.equal({
          entity_id: entityId,
          response_binding: 'artifact',
          assertion_consumer_services: [
            '0 HTTP-Artifact https://dienst.example.nl/saml/artifact',
            '3 HTTP-POST https://dienst.example.nl/saml/post',
          ],
          signing_certificates: 1,
          encryption_certificates: 1,
        });
        expect(await signingCertificatesInDatabase(entityId)).to.deep.equal([certificateBody(rolled.certificate)]);
        const bad = await cli([
          'webdienst',
          'update-saml',
          '--entity-id',
          entityId,
          '--metadata',
          join(dir, 'bad.xml'),
        ]);
        expect(bad.code).to.equal(1);
        expect(bad.stderr).to.match(/^poortwachter: invalid SAML metadata: no signing certificate/);
        const missing = await cli(['webdienst', 'update-saml', '--metadata', join(dir, 'rolled.xml')]);
        expect(missing.code).to.equal(2);
        expect(missing.stderr).to.include('missing --entity-id');
        expect(await signingCertificatesInDatabase(entityId)).to.deep.equal([certificateBody(rolled.certificate)]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
