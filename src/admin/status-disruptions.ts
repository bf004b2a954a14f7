// Disruptions and planned maintenance for the public status page, added and removed by an
// operator; each change is an admin change in the audit trail. A new entry queues a notice to every
// contact of every active organisation, in the same transaction.
import type { AuditLog } from '../core/audit.ts';
import type { Clock } from '../core/clock.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import type { StatusDisruptionRow, Store } from '../stores/index.ts';
import { disruptionMail } from './contact-mail-texts.ts';
import { queueNoticeToAllContacts } from './contact-notices.ts';

export interface StatusDisruptionDeps {
  store: Pick<Store, 'insertStatusDisruption' | 'deleteStatusDisruption' | 'inTransaction'>;
  clock: Clock;
  audit: AuditLog;
}

export interface NewStatusDisruption {
  /** Epoch ms. */
  from: number;
  to: number;
  titleNl: string;
  titleEn: string;
  descriptionNl?: string;
  descriptionEn?: string;
}

const limits = { title: 200, description: 2000 };

function text(value: string | undefined, option: string, max: number, required: boolean): string | null {
  const trimmed = value?.trim() ?? '';
  if (!trimmed && required) throw new ValidationError('admin.invalid_status_text', `${option} must not be empty`);
  if (trimmed.length > max)
    throw new ValidationError('admin.invalid_status_text', `${option} must be at most ${max} characters`);
  return trimmed || null;
}

export async function addStatusDisruption(
  deps: StatusDisruptionDeps,
  input: NewStatusDisruption,
): Promise<StatusDisruptionRow> {
  const now = deps.clock.now();
  if (input.from >= input.to) throw new ValidationError('admin.invalid_status_period', '--from must be before --to');
  // The status page shows only what is current or planned; a period already over would never appear.
  if (input.to <= now)
    throw new ValidationError(
      'admin.invalid_status_period',
      '--to is in the past: the status page lists current and planned disruptions only',
    );
  const entry = {
    startsAt: input.from,
    endsAt: input.to,
    titleNl: text(input.titleNl, '--title-nl', limits.title, true)!,
    titleEn: text(input.titleEn, '--title-en', limits.title, true)!,
    descriptionNl: text(input.descriptionNl, '--description-nl', limits.description, false),
    descriptionEn: text(input.descriptionEn, '--description-en', limits.description, false),
    createdAt: now,
  };
  const { disruption, noticed } = await deps.store.inTransaction(async (trx) => {
    const inserted = await trx.insertStatusDisruption(entry);
    const queued = await queueNoticeToAllContacts(trx, {
      kind: 'disruption',
      key: String(inserted.id),
      text: disruptionMail(inserted),
      at: now,
    });
    return { disruption: inserted, noticed: queued };
  });
  await deps.audit.record({
    type: 'admin.status_disruption_added',
    outcome: 'success',
    details: {
      id: disruption.id,
      from: new Date(input.from).toISOString(),
      to: new Date(input.to).toISOString(),
      contacts_notified: noticed,
    },
  });
  return disruption;
}

export async function removeStatusDisruption(deps: StatusDisruptionDeps, id: number): Promise<void> {
  if (!(await deps.store.deleteStatusDisruption(id)))
    throw new NotFoundError(
      'admin.unknown_status_disruption',
      `no disruption with id ${id} (see poortwachter status list)`,
    );
  await deps.audit.record({ type: 'admin.status_disruption_removed', outcome: 'success', details: { id } });
}
