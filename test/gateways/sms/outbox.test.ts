import { expect } from 'chai';
import { createOutboxSmsGateway } from '../../../src/gateways/sms/outbox.ts';
import { SmsGatewayError } from '../../../src/core/second-factor/sms-gateway.ts';
import { openStore, type Store } from '../../../src/stores/index.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../support/databases.ts';

for (const kind of databaseKinds) {
  describe(`SMS outbox (${kind})`, () => {
    let database: TestDatabase;
    let store: Store;
    let now: number;
    const clock = { now: () => now };

    beforeEach(async () => {
      database = await createTestDatabase(kind);
      store = openStore(database.url);
      await store.migrate();
      now = Date.UTC(2025, 0, 6, 9, 30);
    });
    afterEach(async () => {
      await store.close();
      await database.drop();
    });

    it('stores a sent message with its number, text, purpose and the clock time', async () => {
      const gateway = createOutboxSmsGateway(store, clock);
      expect(gateway.kind).to.equal('outbox');
      await gateway.send({ to: '+31612345678', text: 'Uw code is 123456', purpose: 'login_code' });
      const [stored, ...others] = await store.listOutboxSms();
      expect(others).to.deep.equal([]);
      expect(stored).to.deep.include({
        to: '+31612345678',
        text: 'Uw code is 123456',
        purpose: 'login_code',
        createdAt: now,
      });
      expect(stored!.id).to.be.a('number');
    });

    it('lists the newest message first, also within one millisecond, filtered by number and limited', async () => {
      const gateway = createOutboxSmsGateway(store, clock);
      await gateway.send({ to: '+31611111111', text: 'first', purpose: 'login_code' });
      now += 1000;
      await gateway.send({ to: '+31622222222', text: 'second', purpose: 'login_code' });
      await gateway.send({ to: '+31611111111', text: 'third', purpose: 'login_code' });
      expect((await store.listOutboxSms()).map((row) => row.text)).to.deep.equal(['third', 'second', 'first']);
      expect((await store.listOutboxSms({ to: '+31611111111' })).map((row) => row.text)).to.deep.equal([
        'third',
        'first',
      ]);
      expect((await store.listOutboxSms({ limit: 1 })).map((row) => row.text)).to.deep.equal(['third']);
      expect(await store.listOutboxSms({ to: '+31699999999' })).to.deep.equal([]);
    });

    it('keeps text with quotes, newlines and non-ASCII exactly', async () => {
      const text = 'Code: 654321\n"aanhalingstekens" \' é ü — 😀';
      await createOutboxSmsGateway(store, clock).send({ to: '+31612345678', text, purpose: 'login_code' });
      expect((await store.listOutboxSms())[0]!.text).to.equal(text);
    });

    it('throws SmsGatewayError outbox, without the text or number, when the database fails', async () => {
      const gateway = createOutboxSmsGateway(store, clock);
      await store.close();
      const error = await gateway.send({ to: '+31612345678', text: 'Uw code is 123456', purpose: 'login_code' }).then(
        () => expect.fail('expected the send to fail'),
        (caught: unknown) => caught,
      );
      expect(error).to.be.instanceOf(SmsGatewayError);
      expect((error as SmsGatewayError).reason).to.equal('outbox');
      expect((error as SmsGatewayError).message)
        .to.not.include('123456')
        .and.not.include('+31612345678');
      store = openStore(database.url); // for afterEach
    });
  });
}
