// The admin console's contact, certificate and metadata-refresh views over HTTP: contacts of an
// organisation added and removed through its page (audited with the operator), refused input shown
// at its field, a form from another site refused; the certificates page lists every webdienst
// certificate, the soonest expiry first, marked in words; a SAML webdienst with metadata by URL shows
// the state of fetching it.
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { expiryMarkOf } from '../../src/admin/console/certificate-routes.ts';
import { selfSignedCertificate } from '../../src/frontends/saml/certificate.ts';
import { databaseKinds } from '../support/databases.ts';
import { operatorCode, useConsoleSession } from '../support/operators.ts';
import { uniqueOin } from '../support/relying-party.ts';
import { browserAt } from '../security/helpers.ts';
import { TestSp } from '../frontends/saml/test-sp.ts';

const dayMs = 86_400_000;
const body = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');

/** A self-signed certificate that expires `days` and a half days after `now`. */
function certificateExpiringIn(days: number, now: number): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return body(selfSignedCertificate(privateKey, `verloopt-${days}`, now + days * dayMs + dayMs / 2 - 365 * dayMs, 1));
}

describe('admin console: how close a certificate expiry is marked', () => {
  it('marks fewer than 60, 30 and 7 days left, and a passed expiry', () => {
    const marks = [61, 60, 59, 30, 29, 7, 6, 0, -1].map((days) => [days, expiryMarkOf(days)]);
    expect(marks).to.deep.equal([
      [61, 'ok'],
      [60, 'ok'],
      [59, 'within_60'],
      [30, 'within_60'],
      [29, 'within_30'],
      [7, 'within_30'],
      [6, 'within_7'],
      [0, 'within_7'],
      [-1, 'expired'],
    ]);
  });
});

for (const kind of databaseKinds) {
  describe(`admin console: contacts, certificates and metadata refresh (${kind})`, function () {
    this.timeout(60_000);
    const session = useConsoleSession(kind);
    const { get, post, byOperator } = session;

    async function addOrganisation(name = 'Gemeente Zeewolde') {
      const oin = uniqueOin();
      const answer = await post('/beheer/organisaties/nieuw', { name, oin });
      expect(answer.status, answer.body.slice(0, 500)).to.equal(303);
      return oin;
    }

    /** A SAML webdienst of a new organisation, registered through the console with this signing certificate. */
    async function addSamlWebdienst(name: string, certificate?: string) {
      const oin = await addOrganisation(`Organisatie van ${name}`);
      const sp = new TestSp(session.server, 'artifact', false);
      const metadata = certificate ? sp.metadata().replace(body(sp.key.certificate), certificate) : sp.metadata();
      const answer = await post('/beheer/webdiensten/nieuw-saml', {
        organisation: oin,
        name,
        level: 'basis',
        metadataXml: metadata,
        responseBinding: 'artifact',
      });
      expect(answer.status, answer.body.slice(0, 800)).to.equal(303);
      return (await session.server.store.findWebdienstByClientId(sp.entityId))!;
    }

    it('adds a contact to an organisation and removes it again, both audited with the operator', async () => {
      const oin = await addOrganisation();
      const empty = await get(`/beheer/organisaties/${oin}`);
      expect(empty.body).to.include('Deze organisatie heeft nog geen contactpersonen.');
      const added = await post(`/beheer/organisaties/${oin}/contactpersonen`, {
        role: 'security',
        name: 'Sanne Veilig',
        email: 'CERT@Zeewolde.example.nl',
      });
      expect(added.status, added.body.slice(0, 500)).to.equal(303);
      expect(added.location).to.equal(`${session.server.url}/beheer/organisaties/${oin}?melding=toegevoegd`);
      const page = await session.browser.get(added.location!);
      const row = page.body.split('<tr>').find((candidate) => candidate.includes('Sanne Veilig'));
      expect(row).to.include('<td>Beveiliging</td>');
      expect(row).to.include('cert@zeewolde.example.nl');
      const [contact] = await session.server.store.listOrganisationContacts(
        (await session.server.store.findOrganisationByOin(oin))!.id,
      );
      expect(contact).to.deep.include({ role: 'security', name: 'Sanne Veilig', email: 'cert@zeewolde.example.nl' });
      const addedEvent = (await byOperator('admin.organisation_contact_added')).find(
        (event) => event.details.contact === contact!.id,
      );
      expect(addedEvent?.details).to.deep.include({ oin, role: 'security' });

      const removed = await post(`/beheer/organisaties/${oin}/contactpersonen/${contact!.id}/verwijderen`, {});
      expect(removed.location).to.equal(`${session.server.url}/beheer/organisaties/${oin}?melding=verwijderd`);
      expect(await session.server.store.listOrganisationContacts(contact!.organisationId)).to.deep.equal([]);
      const removedEvent = (await byOperator('admin.organisation_contact_removed')).find(
        (event) => event.details.contact === contact!.id,
      );
      expect(removedEvent?.details).to.deep.include({ oin, role: 'security' });

      const audit = await get('/beheer/audit');
      const auditRow = audit.body
        .split('<tr>')
        .find((candidate) => candidate.includes('admin.organisation_contact_removed') && candidate.includes(oin));
      expect(auditRow).to.include(`Fatima de Beheerder (${session.operator.username})`);
    });

    it('shows a refused e-mail address at its field with the values kept, and stores nothing', async () => {
      const oin = await addOrganisation();
      const answer = await post(`/beheer/organisaties/${oin}/contactpersonen`, {
        role: 'technical',
        name: 'Tom Techniek',
        email: 'tom-at-zeewolde',
      });
      expect(answer.status).to.equal(400);
      expect(answer.body).to.include(
        '<a href="#contactEmail">Vul een geldig e-mailadres in, bijvoorbeeld naam@gemeente.nl</a>',
      );
      expect(answer.body).to.match(/id="contactEmail"[^>]*aria-describedby="contactEmail-error" aria-invalid="true"/);
      expect(answer.body).to.include('value="Tom Techniek"');
      expect(answer.body).to.include('value="tom-at-zeewolde"');
      const organisation = (await session.server.store.findOrganisationByOin(oin))!;
      expect(await session.server.store.listOrganisationContacts(organisation.id)).to.deep.equal([]);

      const badRole = await post(`/beheer/organisaties/${oin}/contactpersonen`, {
        role: 'koffie',
        name: 'Tom Techniek',
        email: 'tom@zeewolde.example.nl',
      });
      expect(badRole.status).to.equal(400);
      expect(badRole.body).to.match(/id="contactRole"[^>]*aria-invalid="true"/);
    });

    it('refuses a contact change posted from another site', async () => {
      const oin = await addOrganisation();
      const organisation = (await session.server.store.findOrganisationByOin(oin))!;
      const foreign = await session.browser.post(
        `${session.server.url}/beheer/organisaties/${oin}/contactpersonen`,
        { role: 'technical', name: 'Kwaadwillende', email: 'kwaad@evil.example' },
        { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      );
      expect(foreign.status).to.equal(403);
      expect(await session.server.store.listOrganisationContacts(organisation.id)).to.deep.equal([]);

      await post(`/beheer/organisaties/${oin}/contactpersonen`, {
        role: 'technical',
        name: 'Tom Techniek',
        email: 'tom@zeewolde.example.nl',
      });
      const [contact] = await session.server.store.listOrganisationContacts(organisation.id);
      const foreignRemoval = await session.browser.post(
        `${session.server.url}/beheer/organisaties/${oin}/contactpersonen/${contact!.id}/verwijderen`,
        {},
        { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      );
      expect(foreignRemoval.status).to.equal(403);
      expect(await session.server.store.listOrganisationContacts(organisation.id)).to.have.length(1);
      const unknown = await post(`/beheer/organisaties/${oin}/contactpersonen/onbekend/verwijderen`, {});
      expect(unknown.status).to.equal(404);
      expect(unknown.body).to.include('has no such contact');
    });

    it('lists every certificate the soonest expiry first, marked in words', async () => {
      const now = session.clock.now();
      const soon = await addSamlWebdienst('Hondenbelasting', certificateExpiringIn(20, now));
      const urgent = await addSamlWebdienst('Marktvergunning', certificateExpiringIn(3, now));
      const later = await addSamlWebdienst('Bibliotheekpas', certificateExpiringIn(45, now));
      const page = await get('/beheer/certificaten');
      expect(page.status).to.equal(200);
      expect(page.body).to.include('<h1>Certificaten</h1>');
      expect(page.body).to.match(/href="\/beheer\/certificaten" aria-current="page"/);
      const rows = page.body.split('<tr').slice(2);
      const rowOf = (id: string) => rows.findIndex((row) => row.includes(`/beheer/webdiensten/${id}"`));
      expect(rowOf(urgent.id)).to.be.within(0, rowOf(soon.id) - 1);
      expect(rowOf(soon.id)).to.be.below(rowOf(later.id));
      expect(rows[rowOf(urgent.id)]).to.include('<strong>Binnen 7 dagen</strong> (nog 3 dagen)');
      expect(rows[rowOf(soon.id)]).to.include('<strong>Binnen 30 dagen</strong> (nog 20 dagen)');
      expect(rows[rowOf(later.id)]).to.include('<strong>Binnen 60 dagen</strong> (nog 45 dagen)');
      expect(rows[rowOf(soon.id)]).to.include('<td>Ondertekenen</td>');
      const own = await get(`/beheer/webdiensten/${urgent.id}`);
      expect(own.body).to.include('(<strong>Binnen 7 dagen</strong>: nog 3 dagen)');
      const fresh = await addSamlWebdienst('Parkeervergunning');
      const again = (await get('/beheer/certificaten')).body.split('<tr').slice(2);
      const freshRow = again.find((row) => row.includes(`/beheer/webdiensten/${fresh.id}"`));
      expect(freshRow).to.match(/<td>nog \d+ dagen<\/td>/);
      expect(freshRow).not.to.include('<strong>');
    });

    it('shows the state of fetching the metadata of a SAML webdienst registered by URL', async () => {
      const webdienst = await addSamlWebdienst('Afvalkalender');
      const withoutUrl = await get(`/beheer/webdiensten/${webdienst.id}`);
      expect(withoutUrl.body).not.to.include('Metadata ophalen');
      const at = Date.parse('2026-11-30T08:15:00Z');
      await session.server.store.saveSamlMetadataSource({
        webdienstId: webdienst.id,
        url: 'https://afvalkalender.example.nl/metadata.xml',
        signingCertificate: 'MIIB',
        etag: null,
        lastModified: null,
        validUntil: null,
        cacheDurationMs: null,
        lastSuccessAt: at,
        lastAttemptAt: at + 3_600_000,
        lastErrorAt: at + 3_600_000,
        lastError: 'signature_invalid',
        consecutiveFailures: 2,
        nextAttemptAt: at + 7_200_000,
        leaseUntil: null,
        createdAt: at - dayMs,
      });
      const page = await get(`/beheer/webdiensten/${webdienst.id}`);
      const section = page.body.slice(page.body.indexOf('Metadata ophalen'));
      expect(section).to.include('<code>https://afvalkalender.example.nl/metadata.xml</code>');
      expect(section).to.include('<dt>Laatst gelukt</dt><dd>2026-11-30 08:15 UTC</dd>');
      expect(section).to.include('2026-11-30 09:15 UTC: signature_invalid');
      expect(section).to.include('2 keer achter elkaar mislukt');
      expect(section).to.include('<dt>Volgende poging</dt><dd>2026-11-30 10:15 UTC</dd>');
    });

    // Last: it moves the clock past the console session's lifetime.
    it('marks an expired certificate as expired', async () => {
      // Registered while valid, then the clock passes its end.
      const webdienst = await addSamlWebdienst('Vergunningloket', certificateExpiringIn(2, session.clock.now()));
      const relogin = browserAt();
      session.clock.advanceSeconds(3 * 86_400);
      await relogin.post(`${session.server.url}/beheer/inloggen`, {
        username: session.operator.username,
        password: session.operator.password,
        code: await operatorCode(session.operator, session.clock.now()),
      });
      const page = await relogin.get(`${session.server.url}/beheer/certificaten`);
      const row = page.body
        .split('<tr')
        .find((candidate) => candidate.includes(`/beheer/webdiensten/${webdienst.id}"`));
      expect(row).to.include('<strong>Verlopen</strong>');
    });
  });
}
