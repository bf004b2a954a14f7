// The one letter interface: activation and recovery codes go by post to the
// address of residence the population register holds. Development and preproduction keep letters in
// an outbox; production writes print-ready PDFs for the mail house's daily batch. A letter holds a
// code, so neither it nor the address ever goes into an error or log message.
import { PoortwachterError } from '../errors.ts';

export type LetterKind = 'activation' | 'recovery';

export interface Letter {
  /** A reference printed on the letter and named in the batch manifest. */
  id: string;
  kind: LetterKind;
  recipient: { name: string; addressLines: string[] };
  /** The code as the citizen types it, in groups: 'ACDE-FGHJ-KMNP'. */
  code: string;
  /** Last moment the code works (epoch milliseconds); the letter prints the date. */
  expiresAt: number;
  /** Where the citizen uses the code, e.g. https://inloggen.example.nl/activeren. */
  useAt: string;
  createdAt: number;
}

export interface LetterGateway {
  readonly kind: 'outbox' | 'batch';
  /** Resolves once the letter is stored for printing; throws LetterGatewayError otherwise. */
  send(letter: Letter): Promise<void>;
}

export class LetterGatewayError extends PoortwachterError {
  constructor(logMessage: string, options: { cause?: unknown } = {}) {
    super('letters.unavailable', { status: 503, logMessage });
    this.name = 'LetterGatewayError';
    if (options.cause !== undefined) this.cause = options.cause;
  }
}
