// The queue of mail to organisation contacts (migration 035) and the record of certificate expiry
// warnings. A mail is queued once per dedupe key, claimed by one process before it is sent, and marked
// sent after; a claim that is never finished (a process that died mid-send) can be taken again later.
import type { Database } from './database.ts';

export type ContactMailKind = 'certificate_expiry' | 'maintenance' | 'disruption';

export interface ContactMailRow {
  id: string;
  dedupeKey: string;
  kind: ContactMailKind;
  organisationId: string;
  recipient: string;
  subject: string;
  body: string;
  createdAt: number;
  claimedAt: number | null;
  sentAt: number | null;
  attempts: number;
  lastError: string | null;
}

export type NewContactMail = Pick<
  ContactMailRow,
  'id' | 'dedupeKey' | 'kind' | 'organisationId' | 'recipient' | 'subject' | 'body' | 'createdAt'
>;

export interface CertificateExpiryWarningRow {
  webdienstId: string;
  fingerprint: string;
  /** Days before notAfter; 0 for a certificate that has expired. */
  thresholdDays: number;
  warnedAt: number;
}

interface ContactMailRecord {
  id: string;
  dedupe_key: string;
  kind: string;
  organisation_id: string;
  recipient: string;
  subject: string;
  body: string;
  created_at: number;
  claimed_at: number | null;
  sent_at: number | null;
  attempts: number;
  last_error: string | null;
}

const toRow = (record: ContactMailRecord): ContactMailRow => ({
  id: record.id,
  dedupeKey: record.dedupe_key,
  kind: record.kind as ContactMailKind,
  organisationId: record.organisation_id,
  recipient: record.recipient,
  subject: record.subject,
  body: record.body,
  createdAt: Number(record.created_at),
  claimedAt: record.claimed_at === null ? null : Number(record.claimed_at),
  sentAt: record.sent_at === null ? null : Number(record.sent_at),
  attempts: Number(record.attempts),
  lastError: record.last_error,
});

export function contactMailStore(db: Database) {
  const mails = () => db<ContactMailRecord>('contact_mails');
  const warnings = () =>
    db<{ webdienst_id: string; fingerprint: string; threshold_days: number; warned_at: number }>(
      'certificate_expiry_warnings',
    );
  return {
    /** Queues mails; one whose dedupe key is already queued (or sent) is left out. The number queued. */
    async queueContactMails(rows: NewContactMail[]): Promise<number> {
      let queued = 0;
      for (const row of rows) {
        const inserted: Array<{ id: string }> = await mails()
          .insert({
            id: row.id,
            dedupe_key: row.dedupeKey,
            kind: row.kind,
            organisation_id: row.organisationId,
            recipient: row.recipient,
            subject: row.subject,
            body: row.body,
            created_at: row.createdAt,
            attempts: 0,
          })
          .onConflict('dedupe_key')
          .ignore()
          .returning('id');
        if (inserted.length === 1 && inserted[0]!.id === row.id) queued += 1;
      }
      return queued;
    },
    /**
     * Unsent mails that no live claim holds (never claimed, or claimed before `staleBefore`) and that
     * failed fewer than `maxAttempts` times, oldest first.
     */
    async listDueContactMails(
      due: { staleBefore: number; maxAttempts: number },
      limit: number,
    ): Promise<ContactMailRow[]> {
      return (
        await mails()
          .whereNull('sent_at')
          .andWhere('attempts', '<', due.maxAttempts)
          .andWhere((query) => {
            query.whereNull('claimed_at').orWhere('claimed_at', '<', due.staleBefore);
          })
          .orderBy([{ column: 'created_at' }, { column: 'id' }])
          .limit(limit)
      ).map(toRow);
    },
    /** Takes a due mail for sending; false when another process took it first or it was sent. */
    async claimContactMail(id: string, now: number, staleBefore: number): Promise<boolean> {
      const updated = await mails()
        .where({ id })
        .whereNull('sent_at')
        .andWhere((query) => {
          query.whereNull('claimed_at').orWhere('claimed_at', '<', staleBefore);
        })
        .update({ claimed_at: now });
      return updated === 1;
    },
    async markContactMailSent(id: string, at: number): Promise<void> {
      await mails().where({ id }).update({ sent_at: at });
    },
    /** A failed send: counted, and the claim kept, so the mail is tried again once the claim is stale. */
    async recordContactMailFailure(id: string, error: string): Promise<void> {
      await mails()
        .where({ id })
        .whereNull('sent_at')
        .update({ last_error: error.slice(0, 200), attempts: db.raw('attempts + 1') });
    },
    /** The latest mails, queued and sent (the command line outside production, tests). */
    async listContactMails(options: { recipient?: string; limit?: number } = {}): Promise<ContactMailRow[]> {
      const query = mails()
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(options.limit ?? 100);
      if (options.recipient) query.where({ recipient: options.recipient });
      return (await query).map(toRow);
    },
    /** Records a warning; false when this one (webdienst, certificate, threshold) was recorded before. */
    async insertCertificateExpiryWarning(row: CertificateExpiryWarningRow): Promise<boolean> {
      const inserted: Array<{ webdienst_id: string }> = await warnings()
        .insert({
          webdienst_id: row.webdienstId,
          fingerprint: row.fingerprint,
          threshold_days: row.thresholdDays,
          warned_at: row.warnedAt,
        })
        .onConflict(['webdienst_id', 'fingerprint', 'threshold_days'])
        .ignore()
        .returning('webdienst_id');
      return inserted.length === 1;
    },
    async listCertificateExpiryWarnings(): Promise<CertificateExpiryWarningRow[]> {
      return (await warnings().select('*')).map((record) => ({
        webdienstId: record.webdienst_id,
        fingerprint: record.fingerprint,
        thresholdDays: Number(record.threshold_days),
        warnedAt: Number(record.warned_at),
      }));
    },
  };
}
