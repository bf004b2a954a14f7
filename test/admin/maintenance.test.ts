// The operator's maintenance switch and status page entries (src/admin/maintenance.ts,
// src/admin/status-disruptions.ts): checked input, and every change in the audit trail.
import { expect } from 'chai';
import { switchMaintenanceOff, switchMaintenanceOn } from '../../src/admin/maintenance.ts';
import { addStatusDisruption, removeStatusDisruption } from '../../src/admin/status-disruptions.ts';
import { createAuditLog } from '../../src/core/audit.ts';
import { PoortwachterError } from '../../src/core/errors.ts';
import { FakeClock } from '../support/clock.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

const hour = 3_600_000;

async function refused(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await promise.then(
    () => expect.fail('accepted'),
    (error: Error) => {
      expect(error).to.be.instanceOf(PoortwachterError);
      expect(error.message).to.match(message);
    },
  );
}

describe('maintenance and status page administration (src/admin)', () => {
  let opened: TestStore;
  const clock = new FakeClock();
  const deps = () => ({ store: opened.store, clock, audit: createAuditLog(opened.store, clock) });
  beforeEach(async () => {
    opened = await openTestStore('sqlite');
  });
  afterEach(() => opened.close());

  it('switches maintenance on with trimmed texts, keeps its start when switched on again, and audits both switches', async () => {
    const first = await switchMaintenanceOn(deps(), {
      messageNl: '  Onderhoud aan de database  ',
      until: clock.now() + hour,
    });
    expect(first).to.deep.include({
      messageNl: 'Onderhoud aan de database',
      messageEn: null,
      expectedEndAt: clock.now() + hour,
      startedAt: clock.now(),
    });
    clock.advanceSeconds(60);
    const second = await switchMaintenanceOn(deps(), { messageEn: 'Database maintenance' });
    expect(second).to.deep.include({
      messageNl: null,
      messageEn: 'Database maintenance',
      expectedEndAt: null,
      startedAt: first.startedAt,
    });
    expect(await switchMaintenanceOff(deps())).to.deep.equal({ wasOn: true });
    expect(await switchMaintenanceOff(deps())).to.deep.equal({ wasOn: false });
    const events = (await opened.store.listAuditEvents()).map((event) => event.type);
    expect(events).to.deep.equal(['admin.maintenance_on', 'admin.maintenance_on', 'admin.maintenance_off']);
  });

  it('refuses an expected end in the past and a message that is too long, switching nothing', async () => {
    await refused(switchMaintenanceOn(deps(), { until: clock.now() - 1 }), /--until must be in the future/);
    await refused(
      switchMaintenanceOn(deps(), { messageNl: 'x'.repeat(1001) }),
      /--message-nl must be at most 1000 characters/,
    );
    expect(await opened.store.findMaintenanceMode()).to.equal(undefined);
  });

  it('adds a disruption with its texts, refuses empty titles and periods over or reversed, and removes it once', async () => {
    const now = clock.now();
    const added = await addStatusDisruption(deps(), {
      from: now + hour,
      to: now + 2 * hour,
      titleNl: 'Gepland onderhoud',
      titleEn: 'Planned maintenance',
      descriptionNl: 'Inloggen kan niet.',
    });
    expect(added).to.deep.include({
      titleNl: 'Gepland onderhoud',
      titleEn: 'Planned maintenance',
      descriptionNl: 'Inloggen kan niet.',
      descriptionEn: null,
    });
    await refused(
      addStatusDisruption(deps(), { from: now + hour, to: now + 2 * hour, titleNl: ' ', titleEn: 'x' }),
      /--title-nl must not be empty/,
    );
    await refused(
      addStatusDisruption(deps(), { from: now + 2 * hour, to: now + hour, titleNl: 'x', titleEn: 'x' }),
      /--from must be before --to/,
    );
    await refused(
      addStatusDisruption(deps(), { from: now - 2 * hour, to: now - hour, titleNl: 'x', titleEn: 'x' }),
      /--to is in the past/,
    );
    await removeStatusDisruption(deps(), added.id);
    await refused(removeStatusDisruption(deps(), added.id), new RegExp(`no disruption with id ${added.id}`));
    const events = (await opened.store.listAuditEvents()).map((event) => event.type);
    expect(events).to.deep.equal(['admin.status_disruption_added', 'admin.status_disruption_removed']);
  });
});
