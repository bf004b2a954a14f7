// `poortwachter outbox ...`: what the outboxes of development and preproduction hold (never in production).
import { UsageError, type Commands } from './command.ts';

export const outboxUsage = `  outbox sms [--to NUMBER] [--limit N]   latest messages in the SMS outbox, newest first (not in production)`;

export const outboxCommands: Commands = {
  'outbox sms': {
    options: { to: { type: 'string' }, limit: { type: 'string' } },
    notInProduction: 'outbox sms is refused in production: production sends real SMS messages and keeps no outbox',
    run: async ({ store, options }) => {
      const limit = options.limit === undefined ? 20 : Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new UsageError('--limit must be a whole number from 1 to 1000');
      const messages = await store.listOutboxSms({ to: options.to as string | undefined, limit });
      return messages.map((message) => ({
        to: message.to,
        text: message.text,
        purpose: message.purpose,
        created_at: new Date(message.createdAt).toISOString(),
      }));
    },
  },
};
