// Applying the database migrations is an operator's change to the service: recorded when it changed
// something (the server's own start logs it instead).
import type { AuditLog } from '../core/audit.ts';
import type { Store } from '../stores/index.ts';

export async function applyMigrations(deps: { store: Pick<Store, 'migrate'>; audit: AuditLog }): Promise<string[]> {
  const applied = await deps.store.migrate();
  if (applied.length)
    await deps.audit.record({
      type: 'admin.migrations_applied',
      outcome: 'success',
      details: { migrations: applied.join(' ') },
    });
  return applied;
}
