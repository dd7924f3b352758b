/**
 * Telling "the database is down" apart from a bug: the first answers 503 with Retry-After (the
 * client should retry), the second 500. Connection errors, PostgreSQL's connection and shutdown
 * classes, cancelled statements and our own deadline all mean "unavailable".
 */

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '57014', '53300', '53000']);
const MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /connection timeout/i,
  /client has encountered a connection error/i,
  /cannot use a pool after calling end/i,
  /database is closed/i,
  /query read timeout/i,
];

/** Raised when the database did not answer within the request's deadline. */
export class DatabaseDeadlineError extends Error {
  constructor(ms: number) {
    super(`the database did not answer within ${ms} ms`);
    this.name = 'DatabaseDeadlineError';
  }
}

/** True when `error` means the database cannot be reached right now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseDeadlineError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08')))
    return true;
  if (MESSAGES.some((pattern) => pattern.test(error.message))) return true;
  return error.cause !== undefined && error.cause !== error && isDatabaseUnavailable(error.cause);
}

/**
 * Resolves with `work` or rejects with DatabaseDeadlineError after `ms`, so a hung database costs a
 * client at most the deadline. The work itself is not cancelled: the pool's statement timeout ends it.
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseDeadlineError(ms)), ms);
  });
  // A late rejection of `work` after the deadline must not become an unhandled rejection.
  work.catch(() => {});
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
