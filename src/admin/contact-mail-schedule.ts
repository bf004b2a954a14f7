// The contact mail job of a running service: every interval, the certificate expiry warnings are
// queued and the queued mail to organisation contacts is sent. Every process runs it; the database
// keeps each warning and each mail to one (certificate-expiry-warnings.ts, contact-mail-delivery.ts).
// Runs never overlap within a process.
import type { Clock } from '../core/clock.ts';
import type { SendMail } from '../gateways/notifications/index.ts';
import type { Store } from '../stores/index.ts';
import { deliverContactMails, type ContactMailDeliveryReport } from './contact-mail-delivery.ts';
import { warnOfCertificateExpiries, type ExpiryWarningReport } from './certificate-expiry-warnings.ts';
import type { JwksReader } from './jwks-reader.ts';

interface ScheduleLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface ContactMailJobDeps {
  store: Store;
  clock: Clock;
  /** Without it (no SMTP_URL) mail stays queued until a process that has one sends it. */
  sendMail?: SendMail;
  /** Reads OIDC webdiensten's jwks_uri for their certificates. */
  readJwks?: JwksReader;
  onWarnings?: (report: ExpiryWarningReport) => void;
  onDelivered?: (report: ContactMailDeliveryReport) => void;
}

/** One run: warnings queued, then the queue sent. */
export async function runContactMailJob(
  deps: ContactMailJobDeps,
): Promise<{ warnings: ExpiryWarningReport; delivery?: ContactMailDeliveryReport }> {
  const warnings = await warnOfCertificateExpiries(deps);
  deps.onWarnings?.(warnings);
  if (!deps.sendMail) return { warnings };
  const delivery = await deliverContactMails({ store: deps.store, clock: deps.clock, sendMail: deps.sendMail });
  deps.onDelivered?.(delivery);
  return { warnings, delivery };
}

/** Starts the job (intervalSeconds 0: none); returns the function that stops it and waits for a run in progress. */
export function scheduleContactMail(
  deps: ContactMailJobDeps,
  intervalSeconds: number,
  logger: ScheduleLog,
): () => Promise<void> {
  if (intervalSeconds === 0) return () => Promise.resolve();
  let running: Promise<void> | undefined;
  // Said once per process and certificate (or jwks_uri), not every round.
  const toldWithoutContact = new Set<string>();
  const toldUnreadable = new Set<string>();
  const run = () => {
    if (running) return;
    running = runContactMailJob(deps)
      .then(
        ({ warnings, delivery }) => {
          for (const { expiry, thresholdDays, mails } of warnings.warned)
            logger.info(
              { webdienst: expiry.clientId, fingerprint: expiry.fingerprint, thresholdDays, mails },
              'certificate expiry warning queued',
            );
          for (const expiry of warnings.withoutContact) {
            const key = `${expiry.webdienstId} ${expiry.fingerprint}`;
            if (toldWithoutContact.has(key)) continue;
            toldWithoutContact.add(key);
            logger.warn(
              { webdienst: expiry.clientId, organisation: expiry.organisationOin, daysLeft: expiry.daysLeft },
              'certificate expires soon, but its organisation has no technical contact to warn',
            );
          }
          for (const unreadable of warnings.unreadableJwks) {
            if (toldUnreadable.has(unreadable.jwksUri)) continue;
            toldUnreadable.add(unreadable.jwksUri);
            logger.warn(
              { webdienst: unreadable.clientId, jwksUri: unreadable.jwksUri, reason: unreadable.reason },
              'the jwks_uri of a webdienst could not be read for its certificate expiry',
            );
          }
          if (delivery?.sent.length) logger.info({ sent: delivery.sent.length }, 'contact mail sent');
          for (const failed of delivery?.failed ?? [])
            logger.warn(
              { mail: failed.id, kind: failed.kind, error: failed.error },
              'contact mail not sent; trying again later',
            );
        },
        (error: unknown) => logger.warn({ err: error }, 'contact mail job failed'),
      )
      .finally(() => (running = undefined));
  };
  const timer = setInterval(run, intervalSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
