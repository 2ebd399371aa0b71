import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { ChatwootApiError } from '../../chatwoot/chatwoot-api.error';
import { toErrorBody } from './all-exceptions.filter';
import { InvalidRequestError } from './domain-error';
import { asServiceUnavailable, isDatabaseUnavailable, retryAfterOf } from './service-unavailable';

const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('database outage errors', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ["pg-pool's lost connection", new Error('Connection terminated unexpectedly')],
    ['a connect timeout', new Error('timeout exceeded when trying to connect')],
    ['an admin shutdown (57P01)', pgError('57P01', 'terminating connection due to administrator command')],
    ['a server starting up (57P03)', pgError('57P03', 'the database system is starting up')],
    ['a connection exception (08006)', pgError('08006')],
    ['one wrapped by TypeORM', new QueryFailedError('select 1', [], pgError('57P01'))],
    ['both addresses refused', new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })])],
  ])('recognises %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(toErrorBody(error)).toEqual({
      statusCode: 503,
      code: 'DATABASE_UNAVAILABLE',
      message: 'The database is unavailable; retry shortly',
    });
    expect(Number(retryAfterOf(error))).toBeGreaterThan(0);
  });

  it.each([
    ['a unique violation', new QueryFailedError('insert', [], pgError('23505', 'duplicate key value'))],
    ['a syntax error', pgError('42601')],
    ['a domain error', new InvalidRequestError('bad')],
    ['a plain bug', new TypeError('x is undefined')],
  ])('leaves %s alone', (_, error) => {
    if (!(error instanceof InvalidRequestError)) expect(isDatabaseUnavailable(error)).toBe(false);
    expect(asServiceUnavailable(error)).toBeNull();
    expect(retryAfterOf(error)).toBeUndefined();
    expect(toErrorBody(error).statusCode).not.toBe(503);
  });

  it("does not blame the database for Chatwoot's socket errors", () => {
    const error = Object.assign(new ChatwootApiError(0, 'contacts.create', 'Connection terminated unexpectedly', 'network'), {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(asServiceUnavailable(error)).toBeNull();
  });
});
