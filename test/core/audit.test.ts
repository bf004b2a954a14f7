// The audit log: never a password, BSN or full phone number, whatever a caller passes; the /metrics
// counters see every recorded event; real logins leave a chain that verifies.
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { createAuditLog, heldAuditLog, recordAuditEvents, type AuditEvent } from '../../src/core/audit.ts';
import { verifyAuditChain } from '../../src/core/audit-chain.ts';
import { levels } from '../../src/core/levels.ts';
import type { Store } from '../../src/stores/index.ts';
import { TestBrowser } from '../support/browser.ts';
import { databaseKinds } from '../support/databases.ts';
import { RelyingParty, lastSmsCode, submitCode } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

function recordingStore() {
  const rows: Array<Parameters<Store['insertAuditEvent']>[0]> = [];
  return {
    rows,
    store: {
      insertAuditEvent: (row: Parameters<Store['insertAuditEvent']>[0]) => {
        rows.push(row);
        return Promise.resolve();
      },
      insertAuditEvents: (batch: Parameters<Store['insertAuditEvents']>[0]) => {
        rows.push(...batch);
        return Promise.resolve();
      },
    },
  };
}

describe('audit log (src/core/audit.ts)', () => {
  const clock = { now: () => 1_760_000_000_000 };

  it('redacts a BSN or a full phone number that a caller put in the details', async () => {
    const { rows, store } = recordingStore();
    await createAuditLog(store, clock).record({
      type: 't',
      outcome: 'info',
      details: {
        bsn: '999993653',
        phone: '+31612345678',
        spaced: '06-1234 5678',
        masked: '+31*******78',
        oin: '00000001001234567000',
        count: 3,
      },
    });
    expect(rows[0]!.details).to.deep.equal({
      bsn: '[redacted]',
      phone: '[redacted]',
      spaced: '[redacted]',
      masked: '+31*******78',
      oin: '00000001001234567000',
      count: 3,
    });
  });

  it('tells observers about each event after it is stored', async () => {
    const { rows, store } = recordingStore();
    const audit = createAuditLog(store, clock);
    const seen: Array<{ event: AuditEvent; stored: number }> = [];
    audit.observe((event) => seen.push({ event, stored: rows.length }));
    await audit.record({ type: 'login.authenticated', outcome: 'success', details: { level: 'basis' } });
    expect(seen).to.deep.equal([
      { event: { type: 'login.authenticated', outcome: 'success', details: { level: 'basis' } }, stored: 1 },
    ]);
  });

  it('appends the events of one request together, in order, redacted, and tells observers about each', async () => {
    const { rows, store } = recordingStore();
    const audit = createAuditLog(store, clock);
    const seen: string[] = [];
    audit.observe((event) => seen.push(event.type));
    const held = heldAuditLog();
    await held.record({ type: 'bsn.released', outcome: 'info', details: { bsn: '999993653' } });
    expect(rows).to.have.length(0);
    await recordAuditEvents(audit, [...held.held, { type: 'saml.response', outcome: 'success' }]);
    expect(rows.map((row) => [row.type, row.details])).to.deep.equal([
      ['bsn.released', { bsn: '[redacted]' }],
      ['saml.response', {}],
    ]);
    expect(seen).to.deep.equal(['bsn.released', 'saml.response']);
  });
});

for (const kind of databaseKinds) {
  describe(`audit trail of real logins (${kind})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ kind });
    });
    after(() => server.stop());

    it('holds no password, BSN or full phone number, and its chain verifies, after Basis and Midden logins', async () => {
      const [basisCitizen, middenCitizen] = testCitizens;
      const rp = await RelyingParty.register(server);
      await Promise.all([
        rp.login(new TestBrowser(), basisCitizen.username, basisCitizen.password),
        (async () => {
          const browser = new TestBrowser();
          const { page } = await rp.start(browser, { acr_values: levels.midden.uri });
          const codePage = await browser.follow(
            await rp.submitPassword(browser, page, middenCitizen.username, middenCitizen.password),
          );
          await submitCode(browser, rp, codePage, await lastSmsCode(server, middenCitizen.phone));
        })(),
        rp
          .start(new TestBrowser())
          .then(({ page }) =>
            rp.submitPassword(new TestBrowser(), page, basisCitizen.username, 'wrong-password-wrong-password'),
          ),
      ]);
      const events = await server.store.listAuditEvents({ limit: 10_000 });
      expect(events.map((event) => event.type)).to.include.members([
        'login.password',
        'login.authenticated',
        'login.second_factor',
      ]);
      const everything = JSON.stringify(events);
      for (const secret of [
        basisCitizen.password,
        middenCitizen.password,
        basisCitizen.bsn,
        middenCitizen.bsn,
        middenCitizen.phone,
        'wrong-password-wrong-password',
      ]) {
        expect(everything).to.not.include(secret);
      }
      expect(await verifyAuditChain(server.store)).to.deep.include({ ok: true, breaks: [] });
    });
  });
}
