// What every command of the command line shares: its shape, the option helpers, and the usage error
// (bad arguments: the message and exit status 2, README "Command line").
import { userInfo } from 'node:os';
import type { Config } from '../../config/index.ts';
import { createServices } from '../services.ts';
import { auditLogOf, createAuditLog, type AuditLog } from '../core/audit.ts';
import { systemClock } from '../core/clock.ts';
import type { Store } from '../stores/index.ts';

export class UsageError extends Error {}

export type Options = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
  /** Set for commands refused in production: the reason, checked before the database is opened. */
  notInProduction?: string;
  /** The name of the one positional argument the command takes, passed on as an option (`status remove ID`). */
  positional?: string;
  run: (ctx: { config: Config; store: Store; options: Options }) => Promise<unknown>;
}

export type Commands = Record<string, Command>;

export const optional = (options: Options, name: string): string | undefined =>
  typeof options[name] === 'string' ? options[name] : undefined;

export function required(options: Options, name: string): string {
  const value = optional(options, name);
  if (value === undefined || value.trim() === '') throw new UsageError(`missing --${name}`);
  return value;
}

/** An ISO 8601 date or time (2026-03-01, 2026-03-01T02:00:00+01:00); a date alone is midnight UTC. */
export function isoTime(value: string, option: string): number {
  const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(at))
    throw new UsageError(`--${option} must be an ISO 8601 date or time, e.g. 2026-03-01T02:00:00+01:00`);
  return at;
}

export const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());

/** The audit log of the command line: every event names the actor `cli`. */
export const cliAudit = (store: Store): AuditLog => auditLogOf('cli', createAuditLog(store, systemClock));

/**
 * The core services a command writes through (validated and audited as the actor `cli`), on the
 * command's store. Commands write only through these, never through the store itself.
 */
export function services(config: Config, store: Store) {
  const built = createServices(config, store, systemClock);
  const audit = cliAudit(store);
  return {
    ...built,
    audit,
    adminDeps: { ...built.adminDeps, audit },
    citizenDeps: { ...built.citizenDeps, audit },
  };
}
/** Who runs the command line, for the audit trail: the operating system's user name. */
function cliOperator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/** The admin services of a command, with the operator named in every audit event. */
export const adminServices = (config: Config, store: Store) => ({
  ...services(config, store).adminDeps,
  environment: config.environment,
  operator: cliOperator(),
});
