// Sends the queued mail to organisation contacts (migration 035) over SMTP. Each mail is claimed
// before it is sent, so two processes never send the same one; a claim whose process died is taken
// again after `claimTimeoutMs`. A failed send is counted and tried again once its claim is stale, up
// to `maxAttempts` times. Logs name the mail's kind and id, never its recipient or text.
import type { Clock } from '../core/clock.ts';
import type { SendMail } from '../gateways/notifications/index.ts';
import type { ContactMailKind, Store } from '../stores/index.ts';

export interface ContactMailDeliveryDeps {
  store: Pick<Store, 'listDueContactMails' | 'claimContactMail' | 'markContactMailSent' | 'recordContactMailFailure'>;
  clock: Clock;
  sendMail: SendMail;
  claimTimeoutMs?: number;
  maxAttempts?: number;
  batchSize?: number;
}

export interface ContactMailDeliveryReport {
  sent: Array<{ id: string; kind: ContactMailKind }>;
  failed: Array<{ id: string; kind: ContactMailKind; error: string }>;
}

/** A failure as far as a log may show it: nodemailer's error code, or the error's class. */
function failureOf(error: unknown): string {
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  if (typeof code === 'string') return typeof responseCode === 'number' ? `${code} ${responseCode}` : code;
  return error instanceof Error ? error.name : 'unknown';
}

export async function deliverContactMails(deps: ContactMailDeliveryDeps): Promise<ContactMailDeliveryReport> {
  const claimTimeoutMs = deps.claimTimeoutMs ?? 10 * 60_000;
  const report: ContactMailDeliveryReport = { sent: [], failed: [] };
  const now = deps.clock.now();
  const due = await deps.store.listDueContactMails(
    { staleBefore: now - claimTimeoutMs, maxAttempts: deps.maxAttempts ?? 20 },
    deps.batchSize ?? 100,
  );
  for (const mail of due) {
    if (!(await deps.store.claimContactMail(mail.id, deps.clock.now(), now - claimTimeoutMs))) continue;
    try {
      await deps.sendMail({ to: mail.recipient, subject: mail.subject, text: mail.body });
    } catch (error) {
      const failure = failureOf(error);
      await deps.store.recordContactMailFailure(mail.id, failure);
      report.failed.push({ id: mail.id, kind: mail.kind, error: failure });
      continue;
    }
    await deps.store.markContactMailSent(mail.id, deps.clock.now());
    report.sent.push({ id: mail.id, kind: mail.kind });
  }
  return report;
}
