// The console's audit trail: the latest changes and console logins, each with the operator who made
// it, named as the operators are known (display name and username).
import type { Context } from 'koa';
import { operatorActor } from '../../core/operators/operator-secret.ts';
import { renderConsole } from './page.ts';
import type { AuditEventRow } from '../../stores/index.ts';
import type { ConsoleDeps } from './deps.ts';

const shownTypes = ['admin.', 'operator.'];
const shownEvents = 200;
// Details worth a column of their own; the rest is listed as key=value.
const hidden = new Set(['operator', 'actor']);

export interface ShownAuditEvent {
  id: number;
  at: string;
  type: string;
  outcome: string;
  reason: string | null;
  operator: string;
  actor: string;
  details: string;
}

export function consoleAuditHandlers(deps: ConsoleDeps) {
  return {
    list: async (ctx: Context): Promise<void> => {
      const [events, operators] = await Promise.all([
        deps.store.listRecentAuditEventsOfTypes(shownTypes, shownEvents),
        deps.store.listOperators(),
      ]);
      const names = new Map(
        operators.map((operator) => [
          operatorActor(operator.username),
          `${operator.displayName} (${operator.username})`,
        ]),
      );
      const shown = events.map((event: AuditEventRow): ShownAuditEvent => {
        const operator = typeof event.details.operator === 'string' ? event.details.operator : '';
        return {
          id: event.id,
          at: new Date(event.at).toISOString().replace('T', ' ').slice(0, 19),
          type: event.type,
          outcome: event.outcome,
          reason: event.reason,
          operator: names.get(operator) ?? operator,
          actor: typeof event.details.actor === 'string' ? event.details.actor : '',
          details: Object.entries(event.details)
            .filter(([key]) => !hidden.has(key))
            .map(([key, value]) => `${key}=${String(value)}`)
            .join(' '),
        };
      });
      renderConsole(ctx, 'beheer/audit.njk', { events: shown });
    },
  };
}
