// Certificate expiry warnings: 60, 30 and 7 days before a certificate of an active webdienst ends, and
// once when it has ended, its organisation's technical contacts get a mail. Each warning (webdienst,
// certificate fingerprint, threshold) is recorded with its mails in one transaction, so a restart or a
// second process never warns twice. A certificate first seen inside a threshold gets that threshold's
// warning only, not the earlier ones. Without a technical contact nothing is recorded: the warning
// goes out once someone is added.
import type { Clock } from '../core/clock.ts';
import { newId } from '../core/ids.ts';
import type { OrganisationContactRow, Store } from '../stores/index.ts';
import { certificateExpiries, dayMs, type CertificateExpiry, type UnreadableJwks } from './certificate-expiries.ts';
import type { JwksReader } from './jwks-reader.ts';
import { certificateExpiryMail } from './contact-mail-texts.ts';

export const expiryThresholdDays = [60, 30, 7] as const;

export interface ExpiryWarningDeps {
  store: Pick<
    Store,
    'listWebdiensten' | 'listCertificateExpiryWarnings' | 'listOrganisationContacts' | 'inTransaction'
  >;
  clock: Clock;
  readJwks?: JwksReader;
}

export interface ExpiryWarningReport {
  /** Every certificate of every webdienst, the soonest to expire first (the /metrics gauge). */
  expiries: CertificateExpiry[];
  /** Warnings recorded in this run, by threshold (0: expired). */
  warned: Array<{ expiry: CertificateExpiry; thresholdDays: number; mails: number }>;
  /** Certificates due a warning whose organisation has no technical contact. */
  withoutContact: CertificateExpiry[];
  /** OIDC webdiensten whose jwks_uri could not be read this round. */
  unreadableJwks: UnreadableJwks[];
}

/** The warning a certificate is due at `now`: 0 once it has ended, else the smallest threshold it is within. */
export function dueThreshold(notAfter: number, now: number): number | undefined {
  if (notAfter <= now) return 0;
  const within = expiryThresholdDays.filter((days) => notAfter - now <= days * dayMs);
  return within.length ? Math.min(...within) : undefined;
}

export async function warnOfCertificateExpiries(deps: ExpiryWarningDeps): Promise<ExpiryWarningReport> {
  const now = deps.clock.now();
  const unreadableJwks: UnreadableJwks[] = [];
  const expiries = await certificateExpiries(deps, { unreadable: unreadableJwks });
  const recorded = new Set(
    (await deps.store.listCertificateExpiryWarnings()).map(
      (warning) => `${warning.webdienstId} ${warning.fingerprint} ${warning.thresholdDays}`,
    ),
  );
  const technicalContacts = new Map<string, OrganisationContactRow[]>();
  const report: ExpiryWarningReport = { expiries, warned: [], withoutContact: [], unreadableJwks };
  for (const expiry of expiries) {
    if (expiry.suspended) continue;
    const thresholdDays = dueThreshold(expiry.notAfter, now);
    if (thresholdDays === undefined) continue;
    if (recorded.has(`${expiry.webdienstId} ${expiry.fingerprint} ${thresholdDays}`)) continue;
    if (!technicalContacts.has(expiry.organisationId))
      technicalContacts.set(
        expiry.organisationId,
        await deps.store.listOrganisationContacts(expiry.organisationId, 'technical'),
      );
    const contacts = technicalContacts.get(expiry.organisationId)!;
    if (contacts.length === 0) {
      report.withoutContact.push(expiry);
      continue;
    }
    const text = certificateExpiryMail(expiry, thresholdDays);
    const mails = await deps.store.inTransaction(async (trx) => {
      // Another process recorded it first: its transaction queued the mails.
      const first = await trx.insertCertificateExpiryWarning({
        webdienstId: expiry.webdienstId,
        fingerprint: expiry.fingerprint,
        thresholdDays,
        warnedAt: now,
      });
      if (!first) return undefined;
      return trx.queueContactMails(
        contacts.map((contact) => ({
          id: newId(),
          dedupeKey: `certificate_expiry:${expiry.webdienstId}:${expiry.fingerprint}:${thresholdDays}:${contact.id}`,
          kind: 'certificate_expiry',
          organisationId: expiry.organisationId,
          recipient: contact.email,
          subject: text.subject,
          body: text.body,
          createdAt: now,
        })),
      );
    });
    if (mails !== undefined) report.warned.push({ expiry, thresholdDays, mails });
  }
  return report;
}
