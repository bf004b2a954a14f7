// What the contact mail job reports, as /metrics: days to each webdienst's first certificate end,
// the expiry warnings queued, and the contact mails sent or failed.
import type { ContactMailJobDeps } from '../admin/contact-mail-schedule.ts';
import type { Metrics } from './metrics.ts';

export function contactMailMetrics(metrics: Metrics): Pick<ContactMailJobDeps, 'onWarnings' | 'onDelivered'> {
  return {
    onWarnings(report) {
      const earliest = new Map<string, number>();
      for (const expiry of report.expiries)
        earliest.set(expiry.clientId, Math.min(earliest.get(expiry.clientId) ?? Infinity, expiry.daysLeft));
      // Reset first: a removed webdienst or a replaced certificate leaves no stale series behind.
      metrics.certificateExpiryDays.reset();
      for (const [webdienst, days] of earliest) metrics.certificateExpiryDays.set({ webdienst }, days);
      for (const { thresholdDays } of report.warned)
        metrics.certificateExpiryWarnings.inc({ threshold: String(thresholdDays) });
    },
    onDelivered(report) {
      for (const { kind } of report.sent) metrics.contactMails.inc({ kind, outcome: 'sent' });
      for (const { kind } of report.failed) metrics.contactMails.inc({ kind, outcome: 'failed' });
    },
  };
}
