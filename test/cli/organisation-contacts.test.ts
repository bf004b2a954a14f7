// `poortwachter organisation contact-add|contacts|contact-remove` and `webdienst certificates` as an
// operator runs them: a separate process on the database; --json for scripts; exit 1 for rejected
// input with a message a person understands, 2 for bad arguments. Contact changes are audited with
// the operator (`cli:<user>`), naming the contact by id, never by address.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { addOrganisation } from '../../src/admin/organisations.ts';
import { addSamlWebdienst } from '../../src/admin/saml-webdiensten.ts';
import { addStatusDisruption } from '../../src/admin/status-disruptions.ts';
import { addOidcWebdienst } from '../../src/admin/webdiensten.ts';
import { createAuditLog } from '../../src/core/audit.ts';
import { systemClock } from '../../src/core/clock.ts';
import { configuredCertificateTrust } from '../../src/core/trust/certificate-trust.ts';
import { openStore, type Store } from '../../src/stores/index.ts';
import { runCliOn, type CliRun } from '../support/cli.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases.ts';
import { testPki, type TestPki } from '../support/test-pki.ts';

interface Run extends CliRun {
  json: () => unknown;
}

async function poortwachter(args: string[], databaseUrl: string): Promise<Run> {
  const run = await runCliOn(databaseUrl, args);
  return { ...run, json: () => JSON.parse(run.stdout) as unknown };
}

for (const kind of databaseKinds) {
  describe(`command line: organisation contacts and webdienst certificates (${kind})`, function () {
    this.timeout(180_000);
    let pki: TestPki;
    let database: TestDatabase;
    let store: Store;
    const run = (...args: string[]) => poortwachter([...args, '--json'], database.url);
    const entityId = 'https://loket.voorbeeld.nl/saml';
    let clientId: string;

    before(async () => {
      pki = testPki();
      database = await createTestDatabase(kind);
      store = openStore(database.url);
      await store.migrate();
      const deps = {
        store,
        clock: systemClock,
        audit: createAuditLog(store, systemClock),
        environment: 'development' as const,
        trust: configuredCertificateTrust(
          {
            environment: 'development',
            trust: { anchorFiles: [pki.anchorsFile], crlFiles: [], crlRefreshSeconds: 60 },
          },
          systemClock,
        ),
      };
      await addOrganisation(deps, { name: 'Gemeente Voorbeeld', oin: pki.oin, bsnEntitled: true });
      await addSamlWebdienst(deps, {
        organisationOin: pki.oin,
        name: 'Loket',
        metadataXml: `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" AuthnRequestsSigned="true"><md:KeyDescriptor><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${pki.good.body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" Location="https://loket.voorbeeld.nl/acs" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>`,
      });
      const key = {
        ...createPublicKey(createPrivateKey(pki.rolledOver.keyPem)).export({ format: 'jwk' }),
        kid: 'sleutel-2026',
        use: 'sig',
        x5c: [pki.rolledOver.body],
      };
      ({ clientId } = await addOidcWebdienst(deps, {
        organisationOin: pki.oin,
        name: 'Afvalpas',
        redirectUris: ['https://afval.voorbeeld.nl/cb'],
        auth: 'private_key_jwt',
        jwks: { keys: [key] },
      }));
    });
    after(async () => {
      await store?.close();
      await database?.drop();
    });

    it('adds, lists and removes contacts, with the address in lower case and every change audited', async () => {
      const added = await run(
        'organisation',
        'contact-add',
        '--oin',
        pki.oin,
        '--role',
        'technical',
        '--name',
        'Team Techniek',
        '--email',
        'Techniek@Voorbeeld.NL',
      );
      expect(added.code, added.stderr).to.equal(0);
      expect(added.json()).to.deep.include({
        role: 'technical',
        name: 'Team Techniek',
        email: 'techniek@voorbeeld.nl',
      });
      const security = await run(
        'organisation',
        'contact-add',
        '--oin',
        pki.oin,
        '--role',
        'security',
        '--name',
        'CISO',
        '--email',
        'ciso@voorbeeld.nl',
      );
      expect(security.code, security.stderr).to.equal(0);

      const listed = await run('organisation', 'contacts', '--oin', pki.oin);
      expect(listed.code, listed.stderr).to.equal(0);
      expect(
        (listed.json() as Array<{ role: string; email: string }>).map(({ role, email }) => `${role} ${email}`),
      ).to.deep.equal(['security ciso@voorbeeld.nl', 'technical techniek@voorbeeld.nl']);

      // A status page entry queues a notice to both; `contact-mail list` shows it waiting, without its text.
      await addStatusDisruption(
        { store, clock: systemClock, audit: createAuditLog(store, systemClock) },
        {
          from: Date.now() + 3_600_000,
          to: Date.now() + 7_200_000,
          titleNl: 'Gepland onderhoud',
          titleEn: 'Planned maintenance',
        },
      );
      const mails = await run('contact-mail', 'list', '--to', 'CISO@voorbeeld.nl');
      expect(mails.code, mails.stderr).to.equal(0);
      expect(mails.json()).to.have.length(1);
      expect((mails.json() as Array<Record<string, unknown>>)[0]).to.deep.include({
        kind: 'disruption',
        to: 'ciso@voorbeeld.nl',
        subject: 'Poortwachter: Gepland onderhoud / Planned maintenance',
        sent_at: null,
        attempts: 0,
      });
      expect(mails.stdout).to.not.include('Beste contactpersoon');

      const removed = await run('organisation', 'contact-remove', '--oin', pki.oin, '--email', 'ciso@voorbeeld.nl');
      expect(removed.code, removed.stderr).to.equal(0);
      expect((removed.json() as { removed: Array<{ email: string }> }).removed.map((row) => row.email)).to.deep.equal([
        'ciso@voorbeeld.nl',
      ]);
      expect((await run('organisation', 'contacts', '--oin', pki.oin)).json()).to.have.length(1);

      const events = await store.listAuditEvents();
      const contactEvents = events.filter((event) => event.type.startsWith('admin.organisation_contact_'));
      expect(contactEvents.map((event) => event.type)).to.deep.equal([
        'admin.organisation_contact_added',
        'admin.organisation_contact_added',
        'admin.organisation_contact_removed',
      ]);
      for (const event of contactEvents) {
        expect(String(event.details.operator)).to.match(/^cli/);
        expect(event.details.oin).to.equal(pki.oin);
        expect(JSON.stringify(event.details)).to.not.include('@');
      }
    });

    it('refuses bad input with exit 1 and a message, bad arguments with exit 2, never a stack trace', async () => {
      const injected = await run(
        'organisation',
        'contact-add',
        '--oin',
        pki.oin,
        '--role',
        'technical',
        '--name',
        'Team',
        '--email',
        'a@b.nl\r\nBcc: x@y.nl',
      );
      expect(injected.code).to.equal(1);
      expect(injected.stderr).to.match(/e-mail address is not valid/);
      const role = await run(
        'organisation',
        'contact-add',
        '--oin',
        pki.oin,
        '--role',
        'baas',
        '--name',
        'Team',
        '--email',
        'a@voorbeeld.nl',
      );
      expect(role.code).to.equal(1);
      expect(role.stderr).to.match(/role must be technical, security or administrative/);
      const neither = await run('organisation', 'contact-remove', '--oin', pki.oin);
      expect(neither.code).to.equal(2);
      expect(neither.stderr).to.match(/give --id or --email/);
      for (const result of [injected, role, neither]) expect(result.stderr).to.not.match(/\n\s+at /);
    });

    it('lists every certificate of the webdiensten with its fingerprint, end and days left', async () => {
      const listed = await run('webdienst', 'certificates');
      expect(listed.code, listed.stderr).to.equal(0);
      const rows = listed.json() as Array<Record<string, unknown>>;
      const expected = (certificate: string) => {
        const x509 = new X509Certificate(certificate);
        const notAfter = Date.parse(x509.validTo);
        return { fingerprint: x509.fingerprint256, not_after: new Date(notAfter).toISOString(), notAfter };
      };
      const saml = expected(pki.good.certificatePem);
      const oidc = expected(pki.rolledOver.certificatePem);
      expect(rows.map((row) => [row.webdienst, row.use, row.fingerprint])).to.have.deep.members([
        [entityId, 'signing, encryption', saml.fingerprint],
        [clientId, 'key sleutel-2026', oidc.fingerprint],
      ]);
      const samlRow = rows.find((row) => row.webdienst === entityId)!;
      expect(samlRow).to.deep.include({
        name: 'Loket',
        organisation: pki.oin,
        not_after: saml.not_after,
        suspended: false,
      });
      expect(samlRow.days_left).to.equal(Math.floor((saml.notAfter - Date.now()) / 86_400_000));
      expect(String(samlRow.subject)).to.include('O=Gemeente Voorbeeld');

      const one = await run('webdienst', 'certificates', '--client-id', clientId);
      expect((one.json() as Array<{ webdienst: string }>).map((row) => row.webdienst)).to.deep.equal([clientId]);
      const unknown = await run('webdienst', 'certificates', '--client-id', 'https://onbekend.example.nl');
      expect(unknown.code).to.equal(1);
      expect(unknown.stderr).to.match(/no webdienst with client_id or entityID/);
    });
  });
}
