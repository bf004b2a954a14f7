// The operator's commands for maintenance mode and the public status page: same configuration as the
// server, --json, a message and exit status 2 for bad arguments.
import { switchMaintenanceOff, switchMaintenanceOn } from '../admin/maintenance.ts';
import { addStatusDisruption, removeStatusDisruption } from '../admin/status-disruptions.ts';
import { systemClock } from '../core/clock.ts';
import { purgeExpiredRows, purgeSettings } from '../core/housekeeping/purge-expired.ts';
import type { MaintenanceState } from '../core/maintenance.ts';
import type { StatusDisruptionRow } from '../stores/index.ts';
import { iso, isoTime, optional, required, services, UsageError, type Commands } from './command.ts';

export const maintenanceUsage = `  maintenance on [--message-nl TEXT] [--message-en TEXT] [--until ISO]   citizens see the maintenance page,
        webdiensten get temporarily_unavailable, /readyz answers 503 "maintenance" (run again to change the texts)
  maintenance off               end maintenance mode
  maintenance show              whether maintenance mode is on, since when and until when
  maintenance purge             delete expired throttles, login attempts, codes, artifacts, SSO sessions and
        oidc-provider payloads now (what every process does each PURGE_INTERVAL_SECONDS); audited
  status add --from ISO --to ISO --title-nl TEXT --title-en TEXT [--description-nl TEXT] [--description-en TEXT]
        a disruption or planned maintenance on the public status page (/status); prints its id
  status list                   the current and planned disruptions
  status remove ID              take a disruption off the status page`;

function maintenanceFields(state: MaintenanceState | undefined) {
  if (!state) return { on: false };
  return {
    on: true,
    since: iso(state.startedAt),
    until: iso(state.expectedEndAt),
    message_nl: state.messageNl,
    message_en: state.messageEn,
  };
}

function disruptionFields(row: StatusDisruptionRow) {
  return {
    id: row.id,
    from: iso(row.startsAt),
    to: iso(row.endsAt),
    title_nl: row.titleNl,
    title_en: row.titleEn,
    description_nl: row.descriptionNl,
    description_en: row.descriptionEn,
  };
}

export const maintenanceCommands: Commands = {
  'maintenance on': {
    options: { 'message-nl': { type: 'string' }, 'message-en': { type: 'string' }, until: { type: 'string' } },
    run: async ({ config, store, options }) => {
      const until = optional(options, 'until');
      const state = await switchMaintenanceOn(services(config, store).adminDeps, {
        messageNl: optional(options, 'message-nl'),
        messageEn: optional(options, 'message-en'),
        ...(until !== undefined ? { until: isoTime(until, 'until') } : {}),
      });
      return { ...maintenanceFields(state), takes_effect_within_seconds: config.maintenance.refreshSeconds };
    },
  },
  'maintenance off': {
    options: {},
    run: async ({ config, store }) => {
      const { wasOn } = await switchMaintenanceOff(services(config, store).adminDeps);
      return { on: false, was_on: wasOn, takes_effect_within_seconds: config.maintenance.refreshSeconds };
    },
  },
  'maintenance show': {
    options: {},
    run: async ({ store }) => maintenanceFields(await store.findMaintenanceMode()),
  },
  'maintenance purge': {
    options: {},
    run: async ({ config, store }) => {
      const report = await purgeExpiredRows({
        store,
        clock: systemClock,
        settings: purgeSettings(config),
        audit: services(config, store).audit,
      });
      return {
        ran: report.ran,
        ...(report.ran ? { complete: report.complete } : { reason: 'another process is purging; try again later' }),
        ...report.purged,
      };
    },
  },
  'status add': {
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      'title-nl': { type: 'string' },
      'title-en': { type: 'string' },
      'description-nl': { type: 'string' },
      'description-en': { type: 'string' },
    },
    run: async ({ config, store, options }) => {
      const from = isoTime(required(options, 'from'), 'from');
      const to = isoTime(required(options, 'to'), 'to');
      if (from >= to) throw new UsageError('--from must be before --to');
      const disruption = await addStatusDisruption(services(config, store).adminDeps, {
        from,
        to,
        titleNl: required(options, 'title-nl'),
        titleEn: required(options, 'title-en'),
        descriptionNl: optional(options, 'description-nl'),
        descriptionEn: optional(options, 'description-en'),
      });
      return disruptionFields(disruption);
    },
  },
  'status list': {
    options: {},
    run: async ({ store }) =>
      (await store.listStatusDisruptions({ endingAfter: systemClock.now() })).map(disruptionFields),
  },
  'status remove': {
    options: {},
    positional: 'id',
    run: async ({ config, store, options }) => {
      const id = Number(optional(options, 'id'));
      if (!/^\d{1,15}$/.test(optional(options, 'id') ?? '') || id < 1)
        throw new UsageError(
          'status remove takes the id of a disruption, e.g. status remove 3 (see poortwachter status list)',
        );
      await removeStatusDisruption(services(config, store).adminDeps, id);
      return { removed: id };
    },
  },
};
