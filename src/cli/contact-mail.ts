// `poortwachter contact-mail list`: the mail to organisation contacts, queued and sent, newest first,
// so an operator sees whether a warning or notice went out (the text itself is left out).
import { iso, optional, UsageError, type Commands } from './command.ts';

export const contactMailUsage = `  contact-mail list [--to EMAIL] [--limit N]   mail to organisation contacts, queued and sent, newest first`;

export const contactMailCommands: Commands = {
  'contact-mail list': {
    options: { to: { type: 'string' }, limit: { type: 'string' } },
    run: async ({ store, options }) => {
      const limit = options.limit === undefined ? 20 : Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new UsageError('--limit must be a whole number from 1 to 1000');
      const to = optional(options, 'to')?.trim().toLowerCase();
      const mails = await store.listContactMails({ ...(to ? { recipient: to } : {}), limit });
      return mails.map((mail) => ({
        id: mail.id,
        kind: mail.kind,
        to: mail.recipient,
        subject: mail.subject,
        queued_at: iso(mail.createdAt),
        sent_at: iso(mail.sentAt),
        attempts: mail.attempts,
        last_error: mail.lastError,
      }));
    },
  },
};
