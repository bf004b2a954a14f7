// One round of the contact mail job at a time (src/admin/contact-mail-schedule.ts), on a store with a
// moved clock: which threshold a certificate is due, OIDC x5c certificates warned like SAML ones, an
// organisation without a technical contact warned once one is added, and mail that the SMTP server
// does not take kept and sent at a later round, with nothing but an error code recorded.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { dueThreshold } from '../../src/admin/certificate-expiry-warnings.ts';
import { runContactMailJob } from '../../src/admin/contact-mail-schedule.ts';
import { addOrganisationContact } from '../../src/admin/organisation-contacts.ts';
import { addOrganisation } from '../../src/admin/organisations.ts';
import { addOidcWebdienst } from '../../src/admin/webdiensten.ts';
import { createAuditLog } from '../../src/core/audit.ts';
import { configuredCertificateTrust } from '../../src/core/trust/certificate-trust.ts';
import { createSmtpMailer } from '../../src/gateways/notifications/index.ts';
import { FakeClock } from '../support/clock.ts';
import { freePort } from '../support/server.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';
import { testPki, type TestPki } from '../support/test-pki.ts';

const day = 86_400_000;
const from = 'Poortwachter <noreply@poortwachter.example.nl>';

describe('the contact mail job, one round at a time', function () {
  this.timeout(60_000);
  let pki: TestPki;
  let opened: TestStore;
  let sink: SmtpSink;
  let clock: FakeClock;
  let notAfter: number;
  let clientId: string;

  before(async () => {
    pki = testPki();
    notAfter = Date.parse(new X509Certificate(pki.rolledOver.certificatePem).validTo);
    clock = new FakeClock(notAfter - 40 * day);
    opened = await openTestStore('sqlite');
    sink = await startSmtpSink();
    const deps = {
      store: opened.store,
      clock,
      audit: createAuditLog(opened.store, clock),
      environment: 'development' as const,
      trust: configuredCertificateTrust(
        { environment: 'development', trust: { anchorFiles: [pki.anchorsFile], crlFiles: [], crlRefreshSeconds: 60 } },
        clock,
      ),
    };
    await addOrganisation(deps, { name: 'Gemeente Voorbeeld', oin: pki.oin, bsnEntitled: false });
    const key = {
      ...createPublicKey(createPrivateKey(pki.rolledOver.keyPem)).export({ format: 'jwk' }),
      kid: 'sleutel-1',
      use: 'sig',
      x5c: [pki.rolledOver.body, pki.intermediate.body],
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
    await sink?.stop();
    await opened?.close();
  });

  it('is due the smallest threshold a certificate is within, or the end once it has passed', () => {
    const now = 1_800_000_000_000;
    expect(dueThreshold(now + 61 * day, now)).to.equal(undefined);
    expect(dueThreshold(now + 60 * day, now)).to.equal(60);
    expect(dueThreshold(now + 45 * day, now)).to.equal(60);
    expect(dueThreshold(now + 20 * day, now)).to.equal(30);
    expect(dueThreshold(now + 7 * day, now)).to.equal(7);
    expect(dueThreshold(now + 1, now)).to.equal(7);
    expect(dueThreshold(now, now)).to.equal(0);
    expect(dueThreshold(now - 400 * day, now)).to.equal(0);
  });

  it('warns nobody while the organisation has no technical contact, and once one is added', async () => {
    const sendMail = createSmtpMailer({ smtpUrl: sink.url, from, contactMailIntervalSeconds: 1 })!;
    const first = await runContactMailJob({ store: opened.store, clock, sendMail });
    expect(first.warnings.withoutContact.map((expiry) => expiry.clientId)).to.deep.equal([clientId]);
    expect(first.warnings.warned).to.deep.equal([]);
    expect(await opened.store.listCertificateExpiryWarnings()).to.deep.equal([]);

    await addOrganisationContact({ store: opened.store, clock, audit: createAuditLog(opened.store, clock) }, pki.oin, {
      role: 'technical',
      name: 'Team Techniek',
      email: 'techniek@voorbeeld.nl',
    });
    const second = await runContactMailJob({ store: opened.store, clock, sendMail });
    // A certificate first seen within 60 days gets the 60-day warning; the intermediate in x5c is not the webdienst's.
    expect(second.warnings.warned.map((warning) => [warning.expiry.use, warning.thresholdDays])).to.deep.equal([
      ['key sleutel-1', 60],
    ]);
    expect(second.delivery?.sent).to.have.length(1);
    const [mail] = sink.to('techniek@voorbeeld.nl');
    expect(mail!.subject).to.equal('Certificaat verloopt over 40 dagen / Certificate expires in 40 days: Afvalpas');
    expect(mail!.text).to.include('voeg een nieuwe sleutel met dat certificaat (x5c) toe aan de JWKS');
    expect(mail!.raw).to.match(/^From: .*noreply@poortwachter\.example\.nl/m);
  });

  it('keeps a mail the SMTP server does not take, records only the error code, and sends it at a later round', async () => {
    clock.advance(15 * day);
    const unreachable = `smtp://127.0.0.1:${await freePort()}`;
    const failing = await runContactMailJob({
      store: opened.store,
      clock,
      sendMail: createSmtpMailer({ smtpUrl: unreachable, from, contactMailIntervalSeconds: 1 })!,
    });
    expect(failing.warnings.warned.map((warning) => warning.thresholdDays)).to.deep.equal([30]);
    expect(failing.delivery?.failed.map((failed) => failed.error)).to.deep.equal(['ESOCKET']);
    const [queued] = await opened.store.listContactMails({ recipient: 'techniek@voorbeeld.nl', limit: 1 });
    expect(queued).to.deep.include({ sentAt: null, attempts: 1, lastError: 'ESOCKET' });

    const sendMail = createSmtpMailer({ smtpUrl: sink.url, from, contactMailIntervalSeconds: 1 })!;
    // Claimed by the failed round: not tried again at once.
    expect((await runContactMailJob({ store: opened.store, clock, sendMail })).delivery?.sent).to.deep.equal([]);
    clock.advance(11 * 60_000);
    const later = await runContactMailJob({ store: opened.store, clock, sendMail });
    expect(later.warnings.warned).to.deep.equal([]);
    expect(later.delivery?.sent).to.have.length(1);
    expect(sink.to('techniek@voorbeeld.nl').map((mail) => mail.subject)).to.deep.equal([
      'Certificaat verloopt over 40 dagen / Certificate expires in 40 days: Afvalpas',
      'Certificaat verloopt over 25 dagen / Certificate expires in 25 days: Afvalpas',
    ]);
  });
});
