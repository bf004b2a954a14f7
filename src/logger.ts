// Structured JSON logs (pino). Redaction is a second line of defence: code never logs secrets.
import pino, { type Logger } from 'pino';
import type { Config } from '../config/index.ts';

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: 'poortwachter' },
      redact: {
        paths: [
          'password',
          '*.password',
          'code',
          '*.code',
          'bsn',
          '*.bsn',
          'token',
          '*.token',
          'client_secret',
          '*.client_secret',
          'req.headers.cookie',
          'req.headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
