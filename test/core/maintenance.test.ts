// Maintenance mode as a process sees it (src/core/maintenance.ts): read from the database at most once
// per refresh interval, one read shared by concurrent requests, the last known state when the
// database does not answer.
import { expect } from 'chai';
import { createMaintenanceMode, retryAfterSeconds, type MaintenanceState } from '../../src/core/maintenance.ts';
import { FakeClock } from '../support/clock.ts';

const on: MaintenanceState = {
  messageNl: 'Onderhoud',
  messageEn: null,
  expectedEndAt: null,
  startedAt: 1,
  updatedAt: 1,
};

function countingStore(initial: MaintenanceState | undefined) {
  const store = {
    state: initial,
    reads: 0,
    failing: false,
    async findMaintenanceMode() {
      store.reads += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (store.failing) throw new Error('connect ECONNREFUSED');
      return store.state;
    },
  };
  return store;
}

describe('maintenance mode in a process (src/core/maintenance.ts)', () => {
  it('reads the switch once per refresh interval, and sees a change after it', async () => {
    const clock = new FakeClock();
    const store = countingStore(undefined);
    const maintenance = createMaintenanceMode({ store, clock, refreshSeconds: 5 });
    expect(await maintenance.current()).to.equal(undefined);
    store.state = on;
    clock.advanceSeconds(4);
    expect(await maintenance.current(), 'within the interval: the state read before').to.equal(undefined);
    clock.advanceSeconds(1);
    expect(await maintenance.current()).to.deep.equal(on);
    expect(store.reads).to.equal(2);
  });

  it('shares one read among requests that arrive together', async () => {
    const store = countingStore(on);
    const maintenance = createMaintenanceMode({ store, clock: new FakeClock(), refreshSeconds: 0 });
    const answers = await Promise.all(Array.from({ length: 10 }, () => maintenance.current()));
    expect(answers.every((answer) => answer === on)).to.equal(true);
    expect(store.reads).to.equal(1);
  });

  it('keeps the last known state while the database does not answer, and reads again next time', async () => {
    const store = countingStore(on);
    const maintenance = createMaintenanceMode({ store, clock: new FakeClock(), refreshSeconds: 0 });
    expect(await maintenance.current()).to.deep.equal(on);
    store.failing = true;
    expect(await maintenance.current()).to.deep.equal(on);
    store.failing = false;
    store.state = undefined;
    expect(await maintenance.current()).to.equal(undefined);
  });

  it('asks clients to retry at the expected end, at least a minute from now, or in five minutes without one', () => {
    const now = 1_800_000_000_000;
    expect(retryAfterSeconds({ ...on, expectedEndAt: now + 7_200_000 }, now)).to.equal(7200);
    expect(retryAfterSeconds({ ...on, expectedEndAt: now + 10_000 }, now)).to.equal(60);
    expect(retryAfterSeconds({ ...on, expectedEndAt: now - 10_000 }, now)).to.equal(300);
    expect(retryAfterSeconds(on, now)).to.equal(300);
  });
});
