// `poortwachter outbox ...`: what the outboxes of development and preproduction hold (never in production).
import { writeFile } from 'node:fs/promises';
import { renderLetterPdf } from '../gateways/letters/index.ts';
import { required, UsageError, type Commands, type Options } from './command.ts';

export const outboxUsage = `  outbox sms [--to NUMBER] [--limit N]   latest messages in the SMS outbox, newest first (not in production)
  outbox letters [--to TEXT] [--limit N]  latest letters in the letter outbox (TEXT: part of name or address)
  outbox letter-pdf ID --out FILE       writes that letter as the PDF the mail house would print`;

function limitOf(options: Options): number {
  const limit = options.limit === undefined ? 20 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new UsageError('--limit must be a whole number from 1 to 1000');
  return limit;
}

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
  'outbox letters': {
    options: { to: { type: 'string' }, limit: { type: 'string' } },
    notInProduction:
      'outbox letters is refused in production: production writes letters for the mail house and keeps no outbox',
    run: async ({ store, options }) => {
      const letters = await store.listOutboxLetters({
        addressedTo: options.to as string | undefined,
        limit: limitOf(options),
      });
      return letters.map((letter) => ({
        id: letter.id,
        kind: letter.kind,
        name: letter.recipientName,
        address: letter.addressLines.join(', '),
        code: letter.code,
        expires_at: new Date(letter.expiresAt).toISOString(),
        use_at: letter.useAt,
        created_at: new Date(letter.createdAt).toISOString(),
      }));
    },
  },
  'outbox letter-pdf': {
    options: { out: { type: 'string' } },
    positional: 'id',
    notInProduction: 'outbox letter-pdf is refused in production: production keeps no outbox',
    run: async ({ store, options }) => {
      const id = required(options, 'id');
      const out = required(options, 'out');
      const letter = await store.findOutboxLetter(id);
      if (!letter) throw new UsageError(`no letter ${id} in the outbox (see poortwachter outbox letters)`);
      const pdf = await renderLetterPdf({
        id: letter.id,
        kind: letter.kind === 'recovery' ? 'recovery' : 'activation',
        recipient: { name: letter.recipientName, addressLines: letter.addressLines },
        code: letter.code,
        expiresAt: letter.expiresAt,
        useAt: letter.useAt,
        createdAt: letter.createdAt,
      });
      await writeFile(out, pdf);
      return { id: letter.id, file: out, bytes: pdf.length };
    },
  },
};
