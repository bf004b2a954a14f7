// The operator's commands for maintenance mode and the public status page (issue 6), part of the
// command line of cli.ts: same configuration, --json, a message and exit status 2 for bad arguments.
import type { Config } from '../config/index.ts';
import { switchMaintenanceOff, switchMaintenanceOn } from './admin/maintenance.ts';
import { addStatusDisruption, removeStatusDisruption } from './admin/status-disruptions.ts';
import { systemClock } from './core/clock.ts';
import type { MaintenanceState } from './core/maintenance.ts';
import { UsageError } from './cli-usage-error.ts';
import { createServices } from './services.ts';
import type { StatusDisruptionRow, Store } from './stores/index.ts';

type Options = Record<string, string | boolean | string[] | undefined>;
interface Command {
  options: Record<string, { type: 'string' | 'boolean' }>;
  /** The name of the one positional argument the command takes (`status remove ID`). */
  positional?: string;
  run: (ctx: { config: Config; store: Store; options: Options }) => Promise<unknown>;
}

export const maintenanceUsage = `  maintenance on [--message-nl TEXT] [--message-en TEXT] [--until ISO]   citizens see the maintenance page,
        webdiensten get temporarily_unavailable, /readyz answers 503 "maintenance" (run again to change the texts)
  maintenance off               end maintenance mode
  maintenance show              whether maintenance mode is on, since when and until when
  status add --from ISO --to ISO --title-nl TEXT --title-en TEXT [--description-nl TEXT] [--description-en TEXT]
        a disruption or planned maintenance on the public status page (/status); prints its id
  status list                   the current and planned disruptions
  status remove ID              take a disruption off the status page`;

const optional = (options: Options, name: string) => (typeof options[name] === 'string' ? options[name] : undefined);

function required(options: Options, name: string): string {
  const value = optional(options, name);
  if (value === undefined || value.trim() === '') throw new UsageError(`missing --${name}`);
  return value;
}

/** An ISO 8601 date or time (2026-03-01, 2026-03-01T02:00:00+01:00); a date alone is midnight UTC. */
function isoTime(value: string, option: string): number {
  const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(at))
    throw new UsageError(`--${option} must be an ISO 8601 date or time, e.g. 2026-03-01T02:00:00+01:00`);
  return at;
}

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

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

const adminDeps = (config: Config, store: Store) => createServices(config, store, systemClock).adminDeps;

export const maintenanceCommands: Record<string, Command> = {
  'maintenance on': {
    options: { 'message-nl': { type: 'string' }, 'message-en': { type: 'string' }, until: { type: 'string' } },
    run: async ({ config, store, options }) => {
      const until = optional(options, 'until');
      const state = await switchMaintenanceOn(adminDeps(config, store), {
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
      const { wasOn } = await switchMaintenanceOff(adminDeps(config, store));
      return { on: false, was_on: wasOn, takes_effect_within_seconds: config.maintenance.refreshSeconds };
    },
  },
  'maintenance show': {
    options: {},
    run: async ({ store }) => maintenanceFields(await store.findMaintenanceMode()),
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
      const disruption = await addStatusDisruption(adminDeps(config, store), {
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
      await removeStatusDisruption(adminDeps(config, store), id);
      return { removed: id };
    },
  },
};
