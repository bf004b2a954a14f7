// Registering a SAML webdienst from its SP metadata (`webdienst add-saml`): what is stored, and every
// kind of unusable metadata refused with a message that names the problem, nothing stored.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { addOrganisation } from '../../../src/admin/organisations.ts';
import { addSamlWebdienst } from '../../../src/admin/saml-webdiensten.ts';
import { systemClock } from '../../../src/core/clock.ts';
import type { SamlRegistration } from '../../../src/frontends/saml/sp-metadata.ts';
import { createAuditLog } from '../../../src/core/audit.ts';
import { openStore, type Store } from '../../../src/stores/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { bindings, newKey, nextOin, ns } from './test-sp.ts';

const certificateBody = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');
const signing = newKey();
const encryption = newKey();

function metadata(options: { entityId?: string; keys?: string; acs?: string; slo?: string; root?: string } = {}): string {
  const keys = options.keys ??
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBody(signing.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBody(encryption.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
  const acs = options.acs ??
    `<md:AssertionConsumerService Binding="${bindings.artifact}" Location="https://dienst.example.nl/saml/artifact" index="0" isDefault="true"/>` +
    `<md:AssertionConsumerService Binding="${bindings.post}" Location="https://dienst.example.nl/saml/post" index="3"/>`;
  const slo = options.slo ?? `<md:SingleLogoutService Binding="${bindings.redirect}" Location="https://dienst.example.nl/saml/slo"/>`;
  return `<md:EntityDescriptor xmlns:md="${ns.md}" xmlns:ds="${ns.ds}" entityID="${options.entityId ?? 'https://dienst.example.nl/saml'}"><md:${options.root ?? 'SPSSODescriptor'} protocolSupportEnumeration="${ns.samlp}" AuthnRequestsSigned="true">${keys}${slo}${acs}</md:${options.root ?? 'SPSSODescriptor'}></md:EntityDescriptor>`;
}

describe('SAML webdienst registration (webdienst add-saml)', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let store: Store;
  let oin: string;
  const deps = () => ({ store, clock: systemClock, audit: createAuditLog(store, systemClock), environment: 'development' as const });

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

  it('stores entityID, ACS endpoints with index and binding, signing and encryption certificates, SLO, the response binding', async () => {
    const { webdienst, entityId } = await addSamlWebdienst(deps(), { organisationOin: oin, name: 'Parkeervergunning', metadataXml: metadata(), level: 'midden', federation: 'gemeente' });
    expect(entityId).to.equal('https://dienst.example.nl/saml');
    expect(webdienst).to.deep.include({ protocol: 'saml', clientId: entityId, minimumLevel: 'midden', federation: 'gemeente' });
    const registration = webdienst.protocolMetadata as unknown as SamlRegistration;
    expect(registration.assertionConsumerServices).to.deep.equal([
      { index: 0, binding: bindings.artifact, location: 'https://dienst.example.nl/saml/artifact', isDefault: true },
      { index: 3, binding: bindings.post, location: 'https://dienst.example.nl/saml/post', isDefault: false },
    ]);
    expect(registration.signingCertificates).to.deep.equal([certificateBody(signing.certificate)]);
    expect(registration.encryptionCertificates).to.deep.equal([certificateBody(encryption.certificate)]);
    expect(registration.singleLogoutServices).to.deep.equal([{ binding: bindings.redirect, location: 'https://dienst.example.nl/saml/slo' }]);
    expect(registration).to.deep.include({ authnRequestsSigned: true, responseBinding: 'artifact' });
  });

  const invalid: Array<[string, Partial<Parameters<typeof addSamlWebdienst>[1]>, RegExp]> = [
    ['not XML', { metadataXml: 'dit is geen xml' }, /not readable XML/],
    ['a DOCTYPE', { metadataXml: `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${metadata({ entityId: 'https://a.example.nl' })}` }, /not readable XML \(doctype\)/],
    ['IdP metadata', { metadataXml: metadata({ entityId: 'https://b.example.nl', root: 'IDPSSODescriptor' }) }, /no SPSSODescriptor/],
    ['no signing certificate', { metadataXml: metadata({ entityId: 'https://c.example.nl', keys: '' }) }, /no signing certificate/],
    ['an unreadable certificate', { metadataXml: metadata({ entityId: 'https://d.example.nl', keys: '<md:KeyDescriptor><ds:KeyInfo><ds:X509Data><ds:X509Certificate>AAAA</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>' }) }, /X509Certificate that cannot be read/],
    ['no artifact ACS for the default response binding', { metadataXml: metadata({ entityId: 'https://e.example.nl', acs: `<md:AssertionConsumerService Binding="${bindings.post}" Location="https://e.example.nl/post" index="0"/>` }) }, /no AssertionConsumerService with the HTTP-Artifact binding/],
    ['two ACS with one index', { metadataXml: metadata({ entityId: 'https://f.example.nl', acs: `<md:AssertionConsumerService Binding="${bindings.artifact}" Location="https://f.example.nl/a" index="1"/><md:AssertionConsumerService Binding="${bindings.post}" Location="https://f.example.nl/p" index="1"/>` }) }, /two AssertionConsumerServices with index 1/],
    ['a plain-http ACS', { metadataXml: metadata({ entityId: 'https://g.example.nl', acs: `<md:AssertionConsumerService Binding="${bindings.artifact}" Location="http://g.example.nl/acs" index="0"/>` }) }, /must use https/],
    ['an unknown response binding', { metadataXml: metadata({ entityId: 'https://h.example.nl' }), responseBinding: 'redirect' }, /--response-binding must be artifact or post/],
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
    await addSamlWebdienst(deps(), { organisationOin: oin, name: 'Eerste', metadataXml: metadata({ entityId: 'https://dubbel.example.nl' }) });
    try {
      await addSamlWebdienst(deps(), { organisationOin: oin, name: 'Tweede', metadataXml: metadata({ entityId: 'https://dubbel.example.nl' }) });
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
      const run = (file: string) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile('node_modules/.bin/tsx', ['src/cli.ts', 'webdienst', 'add-saml', '--organisation', oin, '--name', 'Via de CLI', '--metadata', join(dir, file), '--response-binding', 'post', '--json'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: database.url, POORTWACHTER_ENV: 'development' }, timeout: 60_000 }, (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }));
      });
      const good = await run('good.xml');
      expect(good.code, good.stderr).to.equal(0);
      expect(JSON.parse(good.stdout)).to.deep.include({ entity_id: 'https://cli.example.nl/saml', response_binding: 'post', level: 'basis' });
      const bad = await run('bad.xml');
      expect(bad.code).to.equal(1);
      expect(bad.stderr).to.match(/^poortwachter: invalid SAML metadata: no signing certificate/);
      expect((await store.listWebdiensten()).map((w) => w.clientId)).to.not.include('https://cli-bad.example.nl/saml');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
