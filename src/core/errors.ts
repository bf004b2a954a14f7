// One error pattern: a status, a stable code that is also the language-file key,
// whether the message may be shown to the citizen, and a separate message for the log.
export class PoortwachterError extends Error {
  readonly status: number;
  readonly code: string;
  readonly expose: boolean;
  readonly details: Record<string, string | number>;

  constructor(
    code: string,
    options: { status?: number; logMessage?: string; expose?: boolean; details?: Record<string, string | number> } = {},
  ) {
    super(options.logMessage ?? code);
    this.name = 'PoortwachterError';
    this.code = code;
    this.status = options.status ?? 400;
    this.expose = options.expose ?? true;
    this.details = options.details ?? {};
  }
}

export class NotFoundError extends PoortwachterError {
  constructor(code = 'error.not_found', logMessage?: string) {
    super(code, { status: 404, logMessage });
  }
}

export class ValidationError extends PoortwachterError {
  constructor(code: string, logMessage?: string, details?: Record<string, string | number>) {
    super(code, { status: 400, logMessage, details });
  }
}

/** Whether an error means the database is briefly out of reach (a restart, a failover): 503, not 500. */
export { isDatabaseUnavailable } from '../stores/index.ts';
