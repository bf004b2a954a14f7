// Logins counted where they are decided once for every protocol: the audit events (core/audit.ts).
// The protocol comes from the webdienst (its protocol never changes), looked up once per webdienst.
import type { AuditEvent } from '../core/audit.ts';
import type { Store } from '../stores/index.ts';
import type { Metrics } from './metrics.ts';

interface LoginOutcome {
  level: string;
  outcome: 'success' | 'sso_reused' | 'failure' | 'throttled' | 'cancelled';
}

/** The login outcome an audit event stands for, or undefined for every other event. */
export function loginOutcomeOf(event: AuditEvent): LoginOutcome | undefined {
  const level = typeof event.details?.level === 'string' ? event.details.level : 'unknown';
  switch (event.type) {
    case 'login.authenticated':
      return { level, outcome: 'success' };
    case 'login.sso_reused':
      return { level, outcome: 'sso_reused' };
    case 'login.password':
      if (event.outcome !== 'failure') return undefined;
      return { level: 'basis', outcome: event.reason?.startsWith('throttled') ? 'throttled' : 'failure' };
    case 'login.second_factor':
      if (event.outcome !== 'failure') return undefined;
      return { level: 'midden', outcome: event.reason === 'budget_spent' ? 'throttled' : 'failure' };
    case 'login.cancelled':
      // The reason is the stage the citizen left: the password page (Basis) or the code page.
      return { level: event.reason === 'password' ? 'basis' : 'midden', outcome: 'cancelled' };
    default:
      return undefined;
  }
}

export function countLogins(
  metrics: Pick<Metrics, 'logins'>,
  store: Pick<Store, 'findWebdienstById'>,
): (event: AuditEvent) => void {
  const protocols = new Map<string, string>();
  const protocolOf = async (webdienstId: string | undefined): Promise<string> => {
    if (!webdienstId) return 'unknown';
    let protocol = protocols.get(webdienstId);
    if (!protocol) {
      protocol = (await store.findWebdienstById(webdienstId))?.protocol ?? 'unknown';
      protocols.set(webdienstId, protocol);
    }
    return protocol;
  };
  return (event) => {
    const login = loginOutcomeOf(event);
    if (!login) return;
    // Counting never delays or fails a login: a failed lookup counts as protocol "unknown".
    void protocolOf(event.webdienstId)
      .catch(() => 'unknown')
      .then((protocol) => metrics.logins.inc({ level: login.level, protocol, outcome: login.outcome }));
  };
}
