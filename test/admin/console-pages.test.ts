// The admin console's pages over HTTP: organisations and OIDC webdiensten added, changed, suspended
// and removed through the forms, refused input shown at its field, each change audited with the
// operator, and a suspended webdienst answered with the protocol's error.
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { databaseKinds } from '../support/databases.ts';
import { useConsoleSession } from '../support/operators.ts';
import { RelyingParty, uniqueOin } from '../support/relying-party.ts';
import { browserAt } from '../security/helpers.ts';
import { TestSp, X509Certificate } from '../frontends/saml/test-sp.ts';

const citizen = testCitizens[0];

for (const kind of databaseKinds) {
  describe(`admin console: organisation and webdienst pages (${kind})`, function () {
    this.timeout(60_000);
    const session = useConsoleSession(kind);
    const { get, post, byOperator } = session;

    async function addOrganisation(form: Record<string, string> = {}) {
      const oin = form.oin ?? uniqueOin();
      const answer = await post('/beheer/organisaties/nieuw', { name: 'Gemeente Zeewolde', oin, ...form });
      expect(answer.status, answer.body.slice(0, 500)).to.equal(303);
      return { oin, location: answer.location! };
    }

    it('shows a refused organisation at its field, with the error summary and the values kept', async () => {
      const answer = await post('/beheer/organisaties/nieuw', { name: 'Gemeente Zeewolde', oin: '1234' });
      expect(answer.status).to.equal(400);
      expect(answer.body).to.include('class="error-summary"');
      expect(answer.body).to.include('<a href="#oin">Een OIN bestaat uit precies 20 cijfers</a>');
      expect(answer.body).to.match(/id="oin"[^>]*aria-describedby="oin-hint oin-error" aria-invalid="true"/);
      expect(answer.body).to.include('value="Gemeente Zeewolde"');
    });

    it('adds an organisation with its BSN entitlement and legal basis, and audits it with the operator', async () => {
      const { oin, location } = await addOrganisation({
        bsnEntitled: 'ja',
        bsnLegalBasis: 'Wet algemene bepalingen burgerservicenummer, artikel 10',
      });
      expect(location).to.equal(`${session.server.url}/beheer/organisaties/${oin}?melding=toegevoegd`);
      const page = await session.browser.get(location);
      expect(page.body).to.include('<h1>Gemeente Zeewolde</h1>');
      expect(page.body).to.include('Toegevoegd.');
      const stored = await session.server.store.findOrganisationByOin(oin);
      expect(stored).to.deep.include({
        bsnEntitled: true,
        bsnLegalBasis: 'Wet algemene bepalingen burgerservicenummer, artikel 10',
      });
      expect((await byOperator('admin.organisation_added')).map((event) => event.details.oin)).to.include(oin);
      expect((await byOperator('admin.organisation_added')).at(-1)?.details.actor).to.equal('console');
    });

    it('changes only what differs, and suspends and resumes an organisation', async () => {
      const { oin } = await addOrganisation();
      const changed = await post(`/beheer/organisaties/${oin}`, {
        name: 'Gemeente Zeewolde (nieuw)',
        publicTask: '',
        bsnLegalBasis: '',
      });
      expect(changed.location).to.equal(`${session.server.url}/beheer/organisaties/${oin}?melding=gewijzigd`);
      const event = (await byOperator('admin.organisation_changed')).at(-1);
      expect(event?.details).to.deep.include({ oin, changed: 'name' });
      const unchanged = await post(`/beheer/organisaties/${oin}`, { name: 'Gemeente Zeewolde (nieuw)' });
      expect(unchanged.location).to.include('melding=niets_gewijzigd');

      await post(`/beheer/organisaties/${oin}/schorsen`, { reason: 'contract beëindigd' });
      expect((await session.server.store.findOrganisationByOin(oin))?.suspendedAt).to.be.a('number');
      expect((await byOperator('admin.organisation_suspended')).at(-1)?.reason).to.equal('contract beëindigd');
      await post(`/beheer/organisaties/${oin}/hervatten`, {});
      expect((await session.server.store.findOrganisationByOin(oin))?.suspendedAt).to.equal(null);
    });

    it('answers an unknown organisation or webdienst with the not-found page', async () => {
      expect((await get('/beheer/organisaties/00000000000000000000')).status).to.equal(404);
      expect((await get('/beheer/organisaties/%3Cscript%3E')).status).to.equal(404);
      expect((await get('/beheer/webdiensten/onbekend')).status).to.equal(404);
    });

    it('shows a refused redirect URI at its field', async () => {
      const { oin } = await addOrganisation();
      const answer = await post('/beheer/webdiensten/nieuw-oidc', {
        organisation: oin,
        name: 'Afvalpas',
        redirectUris: 'http://afval.example.nl/callback',
        level: 'basis',
        auth: 'client_secret_basic',
      });
      expect(answer.status).to.equal(400);
      expect(answer.body).to.include(
        '<a href="#redirectUris">Gebruik https (http alleen voor localhost buiten productie)</a>',
      );
      expect(answer.body).to.match(/id="redirectUris"[^>]*aria-invalid="true"/);
      expect(answer.body).to.include('http://afval.example.nl/callback</textarea>');
    });

    it('adds an OIDC webdienst that logs a citizen in; suspended, its logins get unauthorized_client; then removed', async () => {
      const { oin } = await addOrganisation({ bsnEntitled: 'ja' });
      const redirectUri = 'http://127.0.0.1:9/afvalpas/callback';
      const created = await post('/beheer/webdiensten/nieuw-oidc', {
        organisation: oin,
        name: 'Afvalpas',
        redirectUris: `${redirectUri}\n`,
        postLogoutRedirectUris: 'http://127.0.0.1:9/afvalpas/uitgelogd',
        level: 'basis',
        federation: 'zeewolde',
        auth: 'client_secret_basic',
      });
      expect(created.status, created.body.slice(0, 500)).to.equal(200);
      const clientId = created.body.match(/id="client-id">([^<]+)</)?.[1];
      const clientSecret = created.body.match(/id="client-secret">([^<]+)</)?.[1];
      expect(clientId).to.be.a('string');
      expect(clientSecret).to.be.a('string');
      const webdienst = (await session.server.store.findWebdienstByClientId(clientId!))!;
      expect(webdienst).to.deep.include({ name: 'Afvalpas', federation: 'zeewolde', minimumLevel: 'basis' });

      const rp = await RelyingParty.connect(session.server, {
        clientId: clientId!,
        clientSecret: clientSecret!,
        redirectUri,
      });
      const { tokens } = await rp.login(browserAt(), citizen.username, citizen.password);
      expect(tokens.claims()?.bsn).to.equal(citizen.bsn);

      const page = await get(`/beheer/webdiensten/${webdienst.id}`);
      expect(page.body).to.include('<h1>Afvalpas</h1>');
      expect(page.body).to.include('Certificaten');
      const changed = await post(`/beheer/webdiensten/${webdienst.id}`, {
        name: 'Afvalpas',
        level: 'midden',
        federation: 'zeewolde',
        redirectUris: redirectUri,
        postLogoutRedirectUris: 'http://127.0.0.1:9/afvalpas/uitgelogd',
        backchannelLogoutUri: '',
        jwksUri: '',
      });
      expect(changed.location).to.include('melding=gewijzigd');
      expect((await byOperator('admin.webdienst_changed')).at(-1)?.details.changed).to.equal('minimumLevel');

      await post(`/beheer/webdiensten/${webdienst.id}/schorsen`, {});
      const { page: refused } = await rp.start(browserAt());
      expect(refused.location).to.match(/^http:\/\/127\.0\.0\.1:9\/afvalpas\/callback\?.*error=unauthorized_client/);
      expect((await byOperator('admin.webdienst_suspended')).at(-1)?.details.clientId).to.equal(clientId);

      const unconfirmed = await post(`/beheer/webdiensten/${webdienst.id}/verwijderen`, {});
      expect(unconfirmed.status).to.equal(400);
      expect(unconfirmed.body).to.include('Vink aan dat u de webdienst wilt verwijderen');
      const removed = await post(`/beheer/webdiensten/${webdienst.id}/verwijderen`, { confirm: 'ja' });
      expect(removed.location).to.equal(`${session.server.url}/beheer/webdiensten?melding=verwijderd`);
      expect(await session.server.store.findWebdienstByClientId(clientId!)).to.equal(undefined);
      expect((await byOperator('admin.webdienst_removed')).length).to.equal(1);
    });

    it('adds a SAML webdienst from pasted metadata and lists its certificate with the expiry date', async () => {
      const { oin } = await addOrganisation();
      const sp = new TestSp(session.server, 'artifact', true);
      const answer = await post('/beheer/webdiensten/nieuw-saml', {
        organisation: oin,
        name: 'Parkeervergunning',
        level: 'midden',
        metadataXml: sp.metadata(),
        responseBinding: 'artifact',
      });
      expect(answer.status, answer.body.slice(0, 500)).to.equal(303);
      const webdienst = (await session.server.store.findWebdienstByClientId(sp.entityId))!;
      expect(webdienst).to.deep.include({ protocol: 'saml', name: 'Parkeervergunning', minimumLevel: 'midden' });
      expect(answer.location).to.equal(`${session.server.url}/beheer/webdiensten/${webdienst.id}?melding=toegevoegd`);
      const page = await session.browser.get(answer.location!);
      const validTo = new Date(new X509Certificate(sp.key.certificate).validTo).toISOString().slice(0, 10);
      expect(page.body).to.include('<td>Ondertekenen</td>');
      expect(page.body).to.include(validTo);
      expect(page.body).to.match(/nog \d+ dagen/);
      expect((await byOperator('admin.webdienst_added')).at(-1)?.details.protocol).to.equal('saml');
    });

    it('refuses unusable metadata at its field, and never reads a file path from the server', async () => {
      const { oin } = await addOrganisation();
      const unusable = await post('/beheer/webdiensten/nieuw-saml', {
        organisation: oin,
        name: 'Parkeervergunning',
        metadataXml: '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>',
      });
      expect(unusable.status).to.equal(400);
      expect(unusable.body).to.match(/<a href="#metadataXml">invalid SAML metadata: [^<]+<\/a>/);
      expect(unusable.body).to.match(/id="metadataXml"[^>]*aria-invalid="true"/);
      const filePath = await post('/beheer/webdiensten/nieuw-saml', {
        organisation: oin,
        name: 'Parkeervergunning',
        metadataUrl: '/etc/passwd',
      });
      expect(filePath.status).to.equal(400);
      expect(filePath.body).to.match(/id="metadataUrl"[^>]*aria-invalid="true"/);
      expect(filePath.body).not.to.include('root:');
    });

    it("lists the console's changes on the audit page with the operator's name", async () => {
      const { oin } = await addOrganisation();
      const page = await get('/beheer/audit');
      expect(page.status).to.equal(200);
      const row = page.body.split('<tr>').find((candidate) => candidate.includes(`oin=${oin}`));
      expect(row).to.include('admin.organisation_added');
      expect(row).to.include(`Fatima de Beheerder (${session.operator.username})`);
    });
  });
}
