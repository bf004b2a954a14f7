// Whether an error means the database could not be reached or is restarting (rather than a bug): the
// caller answers 503 "try again" instead of 500. Only this folder knows the drivers' error shapes.
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  // PostgreSQL SQLSTATE class 08 (connection exception) and 57P01-57P03 (shutting down, cannot connect now)
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  // sqlite: another process holds the write lock past the busy timeout
  'SQLITE_BUSY',
  'ERR_SQLITE_BUSY',
]);

const unavailableMessages = [
  /Connection terminated/i,
  /connection error/i,
  /database is locked/i,
  /Timeout acquiring a connection/i,
];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (
    let current = error, depth = 0;
    current && typeof current === 'object' && depth < 4;
    current = (current as { cause?: unknown }).cause, depth += 1
  ) {
    const { code, name, message } = current as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && unavailableCodes.has(code)) return true;
    if (name === 'KnexTimeoutError') return true;
    if (typeof message === 'string' && unavailableMessages.some((pattern) => pattern.test(message))) return true;
  }
  return false;
}
