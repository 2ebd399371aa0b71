import { describe, expect, it } from 'vitest';
import { ChatwootApiError, parseChatwootError } from './chatwoot-api.error';

describe('parseChatwootError', () => {
  it('reads validation messages and attributes from a 422', () => {
    const error = parseChatwootError(422, 'contacts.create', { message: 'Email has already been taken', attributes: ['email'] });
    expect(error.kind).toBe('validation');
    expect(error.isValidation).toBe(true);
    expect(error.retryable).toBe(false);
    expect(error.chatwootMessage).toBe('Email has already been taken');
    expect(error.attributes).toEqual(['email']);
    expect(error.message).toContain('contacts.create');
  });

  it('reads {error} bodies of 401 and 404', () => {
    expect(parseChatwootError(401, 'x', { error: 'Account is suspended' })).toMatchObject({
      kind: 'unauthorized',
      chatwootMessage: 'Account is suspended',
    });
    expect(parseChatwootError(404, 'x', { error: 'Resource could not be found' }).isNotFound).toBe(true);
  });

  it("treats the plain-text 429 'Retry later' as retryable rate limiting", () => {
    const error = parseChatwootError(429, 'x', 'Retry later\n');
    expect(error.kind).toBe('rate_limited');
    expect(error.retryable).toBe(true);
    expect(error.chatwootMessage).toBe('Retry later');
  });

  it('treats 5xx as retryable and 402 as a plan limit', () => {
    expect(parseChatwootError(503, 'x', '').retryable).toBe(true);
    expect(parseChatwootError(402, 'x', { error: 'Account limit exceeded' })).toMatchObject({
      kind: 'payment_required',
      retryable: false,
    });
  });

  it('falls back to the status when the body says nothing', () => {
    expect(parseChatwootError(500, 'x', null).chatwootMessage).toBe('HTTP 500');
  });

  it('says a failure proves nothing was applied only for 429, an open breaker and a refused connection', () => {
    expect(parseChatwootError(429, 'x', 'Retry later\n').provablyNotApplied).toBe(true);
    expect(new ChatwootApiError(0, 'x', 'connect ECONNREFUSED', 'network', [], true).provablyNotApplied).toBe(true);
    // The request may have reached Rails and been committed:
    expect(new ChatwootApiError(0, 'x', 'socket hang up', 'network').provablyNotApplied).toBe(false);
    expect(new ChatwootApiError(0, 'x', 'no answer', 'timeout').provablyNotApplied).toBe(false);
    expect(parseChatwootError(500, 'x', null).provablyNotApplied).toBe(false);
  });
});
