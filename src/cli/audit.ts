// `poortwachter audit ...`: checking and exporting the hash-chained audit trail.
import { exportAuditEvents, verifyAuditChain } from '../core/audit-chain.ts';
import { required, UsageError, type Commands } from './command.ts';

export const auditUsage = `  audit verify                  walk the audit trail's hash chain; names changed or deleted rows (exit 1)
  audit export --from ISO --to ISO   the audit events of a period (from <= at < to) as JSON lines`;

export const auditCommands: Commands = {
  'audit verify': {
    options: {},
    run: async ({ store }) => {
      const verdict = await verifyAuditChain(store);
      return {
        ok: verdict.ok,
        events: verdict.events,
        last_id: verdict.lastId,
        last_hash: verdict.lastHash,
        broken_rows: verdict.breaks.map((found) => found.id),
        problems: verdict.breaks.map((found) => found.problem),
      };
    },
  },
  'audit export': {
    options: { from: { type: 'string' }, to: { type: 'string' } },
    run: async ({ store, options }) => {
      const [from, to] = (['from', 'to'] as const).map((name) => {
        const value = required(options, name);
        const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
        if (!Number.isFinite(at))
          throw new UsageError(`--${name} must be an ISO 8601 date or time, e.g. 2026-01-31 or 2026-01-31T12:00:00Z`);
        return at;
      }) as [number, number];
      if (from >= to) throw new UsageError('--from must be before --to');
      for await (const event of exportAuditEvents(store, { from, to })) {
        const line = JSON.stringify({
          id: event.id,
          at: new Date(event.at).toISOString(),
          type: event.type,
          outcome: event.outcome,
          reason: event.reason,
          citizen_id: event.citizenId,
          webdienst_id: event.webdienstId,
          client_address: event.clientAddress,
          details: event.details,
          chain_hash: event.chainHash,
        });
        if (!process.stdout.write(`${line}\n`)) await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
      return undefined; // written as JSON lines above, with or without --json
    },
  },
};
