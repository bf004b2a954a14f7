// The public status page: no login, Dutch or English, current and planned disruptions from
// the database (the ended ones left out), maintenance in force as a current disruption, JSON for
// monitoring. Text from the command line is escaped like everything else.
import { expect } from 'chai';
import { switchMaintenanceOff, switchMaintenanceOn } from '../../src/admin/maintenance.ts';
import { addStatusDisruption } from '../../src/admin/status-disruptions.ts';
import { createAuditLog } from '../../src/core/audit.ts';
import { FakeClock } from '../support/clock.ts';
import { TestBrowser } from '../support/browser.ts';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const hour = 3_600_000;

for (const kind of databaseKinds) {
  describe(`public status page /status (${kind})`, () => {
    const clock = new FakeClock(Date.parse('2026-03-02T09:00:00Z'));
    let server: TestServer;
    const admin = () => ({ store: server.store, clock, audit: createAuditLog(server.store, clock) });

    before(async () => {
      server = await startTestServer({ kind, clock, overrides: { maintenance: { refreshSeconds: 0 } } });
    });
    after(() => server.stop());

    it('says that logging in works when nothing is known, without a login', async () => {
      const page = await new TestBrowser().get(`${server.url}/status`);
      expect(page.status).to.equal(200);
      expect(page.headers.get('cache-control')).to.equal('no-store');
      expect(page.body)
        .to.include('Status van Poortwachter')
        .and.include('Er zijn geen storingen of onderhoud bekend.')
        .and.include('Er is geen onderhoud gepland.');
    });

    it('lists current and planned disruptions in Dutch, in Dutch time, and leaves out the ended ones', async () => {
      await addStatusDisruption(admin(), {
        from: clock.now() - hour,
        to: clock.now() + hour,
        titleNl: 'Sms-codes komen vertraagd aan',
        titleEn: 'Text message codes arrive late',
        descriptionNl: 'De sms-leverancier heeft een storing.',
      });
      await addStatusDisruption(admin(), {
        from: Date.parse('2026-03-07T22:00:00Z'),
        to: Date.parse('2026-03-08T02:00:00Z'),
        titleNl: 'Nieuwe versie van Poortwachter',
        titleEn: 'New version of Poortwachter',
      });
      const ending = await addStatusDisruption(admin(), {
        from: clock.now() - hour,
        to: clock.now() + 60_000,
        titleNl: 'Bijna voorbij',
        titleEn: 'Nearly over',
      });
      clock.advance(2 * 60_000);
      const page = await new TestBrowser().get(`${server.url}/status`);
      const [now, planned] = page.body.split('id="planned-title"');
      expect(now).to.include('Sms-codes komen vertraagd aan').and.include('De sms-leverancier heeft een storing.');
      expect(planned)
        .to.include('Nieuwe versie van Poortwachter')
        .and.include('Van zaterdag 7 maart 2026 om 23:00 tot zondag 8 maart 2026 om 03:00.');
      expect(page.body).to.not.include(ending.titleNl);
      expect(page.body).to.not.include('Er zijn geen storingen');
    });

    it('shows the English titles, falling back to the Dutch description when there is no English one', async () => {
      const page = await new TestBrowser().get(`${server.url}/status?lang=en`);
      expect(page.body)
        .to.include('Poortwachter status')
        .and.include('Text message codes arrive late')
        .and.include('De sms-leverancier heeft een storing.')
        .and.include('From Saturday, 7 March 2026 at 23:00');
    });

    it("shows maintenance in force as a current disruption, with the operator's message", async () => {
      await switchMaintenanceOn(admin(), { messageNl: 'Wij vernieuwen de servers.' });
      try {
        const page = await new TestBrowser().get(`${server.url}/status`);
        expect(page.status, 'the status page itself stays up in maintenance').to.equal(200);
        expect(page.body.split('id="planned-title"')[0])
          .to.include('Onderhoud: inloggen is nu niet mogelijk')
          .and.include('Wij vernieuwen de servers.');
      } finally {
        await switchMaintenanceOff(admin());
      }
    });

    it('answers JSON to a monitoring client that asks for it', async () => {
      const response = await fetch(`${server.url}/status`, { headers: { accept: 'application/json' } });
      const body = (await response.json()) as {
        maintenance: unknown;
        current: Array<{ title_en: string; from: string }>;
        planned: Array<{ title_nl: string; from: string; to: string }>;
      };
      expect(body.maintenance).to.equal(null);
      expect(body.current.map((disruption) => disruption.title_en)).to.deep.equal(['Text message codes arrive late']);
      expect(body.planned).to.have.length(1);
      expect(body.planned[0]).to.deep.include({
        title_nl: 'Nieuwe versie van Poortwachter',
        from: '2026-03-07T22:00:00.000Z',
        to: '2026-03-08T02:00:00.000Z',
      });
    });

    it('escapes markup an operator typed into a title', async () => {
      await addStatusDisruption(admin(), {
        from: clock.now(),
        to: clock.now() + hour,
        titleNl: '<script>alert(1)</script>',
        titleEn: 'x',
      });
      const page = await new TestBrowser().get(`${server.url}/status`);
      expect(page.body).to.not.include('<script>alert(1)</script>');
      expect(page.body).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    });
  });
}
