// Maintenance mode switched by an operator: on with an optional message per language and an
// expected end, off again. Each switch is an admin change in the audit trail. Switching it on queues a
// notice to every contact of every active organisation, in the same transaction.
import type { AuditLog } from '../core/audit.ts';
import type { Clock } from '../core/clock.ts';
import { ValidationError } from '../core/errors.ts';
import type { MaintenanceState } from '../core/maintenance.ts';
import type { Store } from '../stores/index.ts';
import { maintenanceMail } from './contact-mail-texts.ts';
import { queueNoticeToAllContacts } from './contact-notices.ts';

export interface MaintenanceDeps {
  store: Pick<Store, 'findMaintenanceMode' | 'upsertMaintenanceMode' | 'deleteMaintenanceMode' | 'inTransaction'>;
  clock: Clock;
  audit: AuditLog;
}

export interface MaintenanceSettings {
  messageNl?: string;
  messageEn?: string;
  /** Expected end, epoch ms. */
  until?: number;
}

export const maxMessageLength = 1000;

function message(value: string | undefined, option: string): string | null {
  const text = value?.trim();
  if (!text) return null;
  if (text.length > maxMessageLength)
    throw new ValidationError(
      'admin.invalid_maintenance_message',
      `${option} must be at most ${maxMessageLength} characters`,
    );
  return text;
}

/** Switches maintenance on, or updates the messages and expected end of the maintenance in force. */
export async function switchMaintenanceOn(
  deps: MaintenanceDeps,
  settings: MaintenanceSettings,
): Promise<MaintenanceState> {
  const now = deps.clock.now();
  if (settings.until !== undefined && settings.until <= now)
    throw new ValidationError('admin.invalid_maintenance_end', '--until must be in the future');
  const previous = await deps.store.findMaintenanceMode();
  const state: MaintenanceState = {
    messageNl: message(settings.messageNl, '--message-nl'),
    messageEn: message(settings.messageEn, '--message-en'),
    expectedEndAt: settings.until ?? null,
    startedAt: previous?.startedAt ?? now,
    updatedAt: now,
  };
  const noticed = await deps.store.inTransaction(async (trx) => {
    await trx.upsertMaintenanceMode(state);
    if (previous) return 0;
    // The start as stored: two operators switching on at once share one maintenance, and one notice.
    const stored = (await trx.findMaintenanceMode()) ?? state;
    return queueNoticeToAllContacts(trx, {
      kind: 'maintenance',
      key: String(stored.startedAt),
      text: maintenanceMail(stored),
      at: now,
    });
  });
  await deps.audit.record({
    type: 'admin.maintenance_on',
    outcome: 'success',
    details: {
      until: state.expectedEndAt === null ? null : new Date(state.expectedEndAt).toISOString(),
      already_on: previous !== undefined,
      contacts_notified: noticed,
    },
  });
  return (await deps.store.findMaintenanceMode()) ?? state;
}

/** Switches maintenance off; says whether it was on. */
export async function switchMaintenanceOff(deps: MaintenanceDeps): Promise<{ wasOn: boolean }> {
  const wasOn = await deps.store.deleteMaintenanceMode();
  if (wasOn) await deps.audit.record({ type: 'admin.maintenance_off', outcome: 'success' });
  return { wasOn };
}
