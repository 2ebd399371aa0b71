/**
 * The last line of defence against bad input: a PostgreSQL error that only a value can cause
 * (text it cannot store, a number out of range, a date it cannot represent, a row too big for
 * an index) means validation let something through, and the caller should hear 400, not 500.
 * The filter logs these as warnings so the missing validation gets fixed.
 *
 * SQLSTATE classes (https://www.postgresql.org/docs/current/errcodes-appendix.html):
 * 22 data exception, 23 integrity constraint violation, 54 program limit exceeded.
 * Connection loss and server shutdown (08, 57) are outages, not input, and are not mapped here.
 */
export interface DatabaseInputError {
  statusCode: 400 | 409;
  code: string;
  message: string;
  sqlState: string;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The SQLSTATE of a pg error, also when TypeORM wrapped it in a QueryFailedError. */
export function sqlStateOf(exception: unknown): string | undefined {
  if (!exception || typeof exception !== 'object') return undefined;
  const candidates = [exception, (exception as { driverError?: unknown }).driverError];
  for (const candidate of candidates) {
    const code = (candidate as { code?: unknown } | undefined)?.code;
    // Node's own errors carry codes like ECONNRESET: a SQLSTATE is five digits/capitals and
    // comes with the server's severity.
    if (typeof code === 'string' && SQLSTATE.test(code) && typeof (candidate as { severity?: unknown }).severity === 'string') {
      return code;
    }
  }
  return undefined;
}

export function databaseInputError(exception: unknown): DatabaseInputError | undefined {
  const sqlState = sqlStateOf(exception);
  if (!sqlState) return undefined;
  const detail = `PostgreSQL ${sqlState}`;
  if (sqlState.startsWith('22')) {
    // The server's words name the type and quote the caller's own value: they say what to fix.
    const reason = String((exception as { message?: unknown }).message ?? '').slice(0, 200);
    return {
      statusCode: 400,
      code: 'INVALID_VALUE',
      message: `A value in the request cannot be stored: ${reason} (${detail})`,
      sqlState,
    };
  }
  if (sqlState === '23505') {
    return { statusCode: 409, code: 'CONFLICT', message: `The record was written concurrently; retry (${detail})`, sqlState };
  }
  if (sqlState === '23502' || sqlState === '23514') {
    return { statusCode: 400, code: 'INVALID_VALUE', message: `A value in the request is not allowed (${detail})`, sqlState };
  }
  if (sqlState === '54000') {
    return {
      statusCode: 400,
      code: 'VALUE_TOO_LARGE',
      message: `A value in the request is too large to store (${detail})`,
      sqlState,
    };
  }
  return undefined;
}
