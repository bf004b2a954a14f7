// Certificate expiry warnings and notices as the contacts of organisations receive them: a running
// server (two, on one database) with its contact mail job every second, a moved clock, and an SMTP
// sink. 60, 30 and 7 days before a certificate ends its organisation's technical contact gets one
// mail each, never a second; the security contact and other organisations get none. Maintenance and
// a status page entry reach every contact of every active organisation once.
import { X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { switchMaintenanceOn } from '../../src/admin/maintenance.ts';
import { addOrganisationContact } from '../../src/admin/organisation-contacts.ts';
import { addOrganisation, type AdminDeps } from '../../src/admin/organisations.ts';
import { setOrganisationSuspended } from '../../src/admin/organisation-changes.ts';
import { addSamlWebdienst } from '../../src/admin/saml-webdiensten.ts';
import { addStatusDisruption } from '../../src/admin/status-disruptions.ts';
import { createAuditLog } from '../../src/core/audit.ts';
import { configuredCertificateTrust } from '../../src/core/trust/certificate-trust.ts';
import { FakeClock } from '../support/clock.ts';
import { databaseKinds } from '../support/databases.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { testPki, type TestCertificate, type TestPki } from '../support/test-pki.ts';

const day = 86_400_000;
const ns = {
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
};

function metadata(entityId: string, certificate: TestCertificate): string {
  return `<md:EntityDescriptor xmlns:md="${ns.md}" xmlns:ds="${ns.ds}" entityID="${entityId}"><md:SPSSODescriptor protocolSupportEnumeration="${ns.samlp}" AuthnRequestsSigned="true"><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificate.body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" Location="${entityId.replace('/saml', '/acs')}" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>`;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `predicate` holds, for at most `seconds`. */
async function within(seconds: number, predicate: () => boolean): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > seconds * 1000) throw new Error(`not within ${seconds} s`);
    await settle(100);
  }
}

for (const kind of databaseKinds) {
  describe(`certificate expiry warnings and notices by mail (${kind})`, function () {
    this.timeout(180_000);
    let pki: TestPki;
    let sink: SmtpSink;
    let clock: FakeClock;
    let server: TestServer;
    let second: TestServer;
    let notAfter: number;
    const entityId = 'https://zaken.voorbeeld.nl/saml';
    const contacts = {
      technical: 'techniek@voorbeeld.nl',
      security: 'security@voorbeeld.nl',
      eldersTechnical: 'techniek@elders.nl',
      eldersAdministrative: 'administratie@elders.nl',
      suspended: 'techniek@geschorst.nl',
    };
    const admin = (): AdminDeps & Parameters<typeof addSamlWebdienst>[0] => ({
      store: server.store,
      clock,
      audit: createAuditLog(server.store, clock),
      operator: 'operator:test',
      environment: 'development',
      trust: configuredCertificateTrust(server.config, clock),
    });

    before(async () => {
      pki = testPki();
      notAfter = Date.parse(new X509Certificate(pki.good.certificatePem).validTo);
      clock = new FakeClock(notAfter - 90 * day);
      sink = await startSmtpSink();
      const overrides = {
        mail: { smtpUrl: sink.url, contactMailIntervalSeconds: 1 },
        trust: { anchorFiles: [pki.anchorsFile] },
      };
      server = await startTestServer({ kind, clock, overrides });
      // A second process on the same database: a warning or notice still goes out once.
      second = await startTestServer({ database: server.database, clock, overrides });
      const deps = admin();
      await addOrganisation(deps, { name: 'Gemeente Voorbeeld', oin: pki.oin, bsnEntitled: true });
      await addOrganisation(deps, { name: 'Gemeente Elders', oin: pki.otherOin, bsnEntitled: true });
      await addOrganisation(deps, { name: 'Gemeente Geschorst', oin: '00000009999999999000', bsnEntitled: false });
      await addOrganisationContact(deps, pki.oin, {
        role: 'technical',
        name: 'Team Techniek',
        email: contacts.technical,
      });
      await addOrganisationContact(deps, pki.oin, { role: 'security', name: 'CISO', email: contacts.security });
      await addOrganisationContact(deps, pki.otherOin, {
        role: 'technical',
        name: 'Techniek Elders',
        email: contacts.eldersTechnical,
      });
      await addOrganisationContact(deps, pki.otherOin, {
        role: 'administrative',
        name: 'Administratie Elders',
        email: contacts.eldersAdministrative,
      });
      await addOrganisationContact(deps, '00000009999999999000', {
        role: 'technical',
        name: 'Techniek Geschorst',
        email: contacts.suspended,
      });
      await setOrganisationSuspended(deps, '00000009999999999000', true);
      await addSamlWebdienst(deps, {
        organisationOin: pki.oin,
        name: 'Zaken Voorbeeld',
        metadataXml: metadata(entityId, pki.good),
      });
      await addSamlWebdienst(deps, {
        organisationOin: pki.otherOin,
        name: 'Zaken Elders',
        metadataXml: metadata('https://zaken.elders.example.nl/saml', pki.longLived),
      });
    });
    after(async () => {
      await second?.stop();
      await server?.stop();
      await sink?.stop();
    });

    const expiryMails = (to: string) => sink.to(to).filter((mail) => /certifica/i.test(mail.subject));

    it('sends nothing while the certificate has 90 days left', async () => {
      await settle(2500);
      expect(sink.messages).to.deep.equal([]);
    });

    it('mails the technical contact once at 60 days, naming the webdienst, certificate, fingerprint, end and what to do', async () => {
      clock.advance(31 * day);
      await within(10, () => expiryMails(contacts.technical).length === 1);
      const [mail] = expiryMails(contacts.technical);
      const fingerprint = new X509Certificate(pki.good.certificatePem).fingerprint256;
      expect(mail!.subject).to.equal(
        'Certificaat verloopt over 59 dagen / Certificate expires in 59 days: Zaken Voorbeeld',
      );
      expect(mail!.text).to.include('verloopt over 59 dagen');
      expect(mail!.text).to.include('expires in 59 days');
      expect(mail!.text).to.include(`Webdienst: Zaken Voorbeeld (${entityId})`);
      expect(mail!.text).to.include('Certificaat: C=NL, O=Gemeente Voorbeeld');
      expect(mail!.text).to.include(`Vingerafdruk (SHA-256): ${fingerprint}`);
      expect(mail!.text).to.include(`Geldig tot: ${new Date(notAfter).toISOString()}`);
      expect(mail!.text).to.include('Wat te doen: vraag een nieuw PKIoverheid-certificaat aan');
      expect(mail!.text).to.include('What to do: request a new PKIoverheid certificate');
      // Both processes ran the job several times more: still one mail.
      await settle(2500);
      expect(expiryMails(contacts.technical)).to.have.length(1);
      expect(sink.to(contacts.security)).to.deep.equal([]);
    });

    it('mails the 30-day and the 7-day warning once each, and the end once it has passed', async () => {
      clock.advance(30 * day);
      await within(10, () => expiryMails(contacts.technical).length === 2);
      expect(expiryMails(contacts.technical)[1]!.subject).to.match(/^Certificaat verloopt over 29 dagen/);
      clock.advance(23 * day);
      await within(10, () => expiryMails(contacts.technical).length === 3);
      expect(expiryMails(contacts.technical)[2]!.subject).to.match(/^Certificaat verloopt over 6 dagen/);
      clock.advance(7 * day);
      await within(10, () => expiryMails(contacts.technical).length === 4);
      expect(expiryMails(contacts.technical)[3]!.subject).to.equal(
        'Certificaat verlopen / Certificate expired: Zaken Voorbeeld',
      );
      await settle(2500);
      expect(expiryMails(contacts.technical)).to.have.length(4);
      expect(sink.to(contacts.security)).to.deep.equal([]);
      for (const other of [contacts.eldersTechnical, contacts.eldersAdministrative, contacts.suspended])
        expect(sink.to(other), other).to.deep.equal([]);
    });

    it('shows the days left per webdienst and the warnings in /metrics', async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(text).to.match(new RegExp(`poortwachter_certificate_expiry_days\\{webdienst="${entityId}"\\} -1\\b`));
      expect(text).to.match(
        /poortwachter_certificate_expiry_days\{webdienst="https:\/\/zaken\.elders\.example\.nl\/saml"\} \d{3,}/,
      );
      const warnings = [
        ...(await (await fetch(`${second.url}/metrics`)).text()).matchAll(
          /poortwachter_certificate_expiry_warnings_total\{threshold="(\d+)"\} (\d+)/g,
        ),
        ...text.matchAll(/poortwachter_certificate_expiry_warnings_total\{threshold="(\d+)"\} (\d+)/g),
      ];
      // Between them the two processes queued each threshold's warning exactly once.
      const perThreshold = new Map<string, number>();
      for (const [, threshold, count] of warnings)
        perThreshold.set(threshold!, (perThreshold.get(threshold!) ?? 0) + Number(count));
      expect(Object.fromEntries(perThreshold)).to.deep.equal({ '60': 1, '30': 1, '7': 1, '0': 1 });
    });

    it('tells every contact of every active organisation of maintenance once, and of a new status page entry', async () => {
      const everyone = [contacts.technical, contacts.security, contacts.eldersTechnical, contacts.eldersAdministrative];
      const notices = (to: string, subject: RegExp) => sink.to(to).filter((mail) => subject.test(mail.subject));
      await switchMaintenanceOn(admin(), { messageNl: 'Wij vernieuwen de database.', messageEn: 'Database upgrade.' });
      await within(10, () => everyone.every((to) => notices(to, /onderhoud/).length === 1));
      const [notice] = notices(contacts.security, /onderhoud/);
      expect(notice!.text).to.include('Wij vernieuwen de database.');
      expect(notice!.text).to.include('Database upgrade.');
      // Switched on again (new texts): the same maintenance, no second notice.
      await switchMaintenanceOn(admin(), { messageNl: 'Het duurt langer.' });
      await addStatusDisruption(admin(), {
        from: clock.now() + day,
        to: clock.now() + day + 3_600_000,
        titleNl: 'Gepland onderhoud',
        titleEn: 'Planned maintenance',
      });
      await within(10, () => everyone.every((to) => notices(to, /Gepland onderhoud/).length === 1));
      await settle(2500);
      for (const to of everyone) {
        expect(notices(to, /onderhoud \/ Poortwachter under maintenance/), to).to.have.length(1);
        expect(notices(to, /Gepland onderhoud/), to).to.have.length(1);
      }
      expect(sink.to(contacts.suspended)).to.deep.equal([]);
    });
  });
}
