// The outbox "posts" a letter by storing it; `poortwachter outbox letters` and the tests read it back,
// and `poortwachter outbox letter-pdf` prints it as the PDF production would send. Only for
// development and preproduction: config refuses it in production.
import type { Clock } from '../../core/clock.ts';
import { LetterGatewayError, type LetterGateway } from '../../core/letters/letter-gateway.ts';
import type { Store } from '../../stores/index.ts';

export function createOutboxLetterGateway(store: Pick<Store, 'insertOutboxLetter'>, clock: Clock): LetterGateway {
  return {
    kind: 'outbox',
    async send(letter) {
      try {
        await store.insertOutboxLetter({
          id: letter.id,
          kind: letter.kind,
          recipientName: letter.recipient.name,
          addressLines: letter.recipient.addressLines,
          code: letter.code,
          expiresAt: letter.expiresAt,
          useAt: letter.useAt,
          createdAt: clock.now(),
        });
      } catch (error) {
        throw new LetterGatewayError(`storing ${letter.kind} letter ${letter.id} in the outbox failed`, {
          cause: error,
        });
      }
    },
  };
}
