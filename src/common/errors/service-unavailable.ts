import { ChatwootApiError } from '../../chatwoot/chatwoot-api.error';
import { DomainError, tooManyRequestsRetryAfter } from './domain-error';

/** 503 with a Retry-After: the request was fine, a dependency is not (the caller should retry). */
export class ServiceUnavailableError extends DomainError {
  constructor(
    message: string,
    code: string,
    readonly retryAfterSeconds: number,
  ) {
    super(503, code, message);
  }
}

/** How long a caller should wait while PostgreSQL is unreachable (a restart takes seconds). */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Node socket errors on the way to PostgreSQL. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs that mean "the server is going or not there": class 08 (connection
 * exception), 57P01-57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections).
 */
const SQLSTATE = /^(08...|57P0[123]|53300)$/;

/** pg's and pg-pool's own messages for a lost or impossible connection (they carry no code). */
const MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end|the database system is (starting up|shutting down|in recovery)|terminating connection due to administrator command/i;

/**
 * Whether an error means the database is unreachable (not that a query was wrong). TypeORM wraps
 * driver errors in QueryFailedError with the original as `driverError`; both are looked at.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 3) return false;
  const e = error as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (SOCKET_CODES.has(e.code) || SQLSTATE.test(e.code))) return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  // AggregateError (e.g. ECONNREFUSED on both ::1 and 127.0.0.1).
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(e.driverError, depth + 1) || isDatabaseUnavailable(e.cause, depth + 1);
}

/** A database outage as the 503 the caller sees; null for any other error. */
export function asServiceUnavailable(error: unknown): ServiceUnavailableError | null {
  if (error instanceof ServiceUnavailableError) return error;
  // Chatwoot's own socket errors are not the database's (502 CHATWOOT_ERROR).
  if (error instanceof DomainError || error instanceof ChatwootApiError) return null;
  if (!isDatabaseUnavailable(error)) return null;
  return new ServiceUnavailableError(
    'The database is unavailable; retry shortly',
    'DATABASE_UNAVAILABLE',
    DATABASE_RETRY_AFTER_SECONDS,
  );
}

/** Retry-After seconds for an error that has one: a 429 (rate limit) or a 503 (a dependency away). */
export function retryAfterOf(error: unknown): number | undefined {
  return asServiceUnavailable(error)?.retryAfterSeconds ?? tooManyRequestsRetryAfter(error);
}
