// An audit event as the store takes it, numbered so that tests can tell the rows apart.
import type { Store } from '../../src/stores/index.ts';

export function auditEvent(
  n: number,
  overrides: Partial<Parameters<Store['insertAuditEvent']>[0]> = {},
): Parameters<Store['insertAuditEvent']>[0] {
  return {
    at: 1_760_000_000_000 + n,
    type: 'login.password',
    outcome: 'failure',
    reason: 'wrong_password',
    citizenId: null,
    webdienstId: null,
    clientAddress: '192.0.2.7',
    details: { n, note: 'één' },
    ...overrides,
  };
}
