import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toErrorBody } from '../../../src/common/errors/all-exceptions.filter';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';

/** Errors that say what to fix, through the real app. */
describe('errors that say what to fix', () => {
  let t: TestApp;
  let s: SeededStore;
  let clock = Date.parse('2026-03-01T00:00:00Z');
  const next = () => new Date((clock += 1000)).toISOString();
  const customer = (overrides: Record<string, unknown> = {}) => ({
    email: 'ann@example.com',
    name: 'Ann',
    marketingConsent: true,
    registeredAt: '2024-01-15T10:00:00Z',
    updatedAt: next(),
    ...overrides,
  });
  const item = { productId: 'p1', name: 'Teapot', category: 'kitchen', quantity: 1, unitPrice: 2499 };
  const order = (overrides: Record<string, unknown> = {}) => ({
    customerId: 'c1',
    status: 'paid',
    currency: 'EUR',
    totalAmount: 2499,
    placedAt: '2026-02-01T10:00:00Z',
    updatedAt: next(),
    items: [item],
    ...overrides,
  });
  const path = (rest: string) => `/v1/stores/${s.storeId}${rest}`;

  beforeAll(async () => {
    t = await startTestApp();
    s = await seedStore(t, { currency: 'EUR' });
  });
  afterAll(() => t?.close());

  describe('validation details', () => {
    it('lists each refused field with its path, and says "is required" for a missing one', async () => {
      const { category: _omitted, ...withoutCategory } = item;
      const res = await t.request('PUT', path('/orders/o-bad'), {
        body: order({ items: [item, withoutCategory], totalAmount: -1 }),
        headers: { 'x-request-id': 'details-1' },
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', requestId: 'details-1' });
      expect(res.body.details).toEqual(
        expect.arrayContaining([
          { field: 'items.1.category', message: 'items.1.category is required' },
          { field: 'totalAmount', message: 'totalAmount must not be less than 0' },
        ]),
      );
      expect(res.body.details).toHaveLength(2);
      // The message says the same, in one line; not every rule a missing field breaks.
      expect(res.body.message).toContain('items.1.category is required');
      expect(res.body.message).not.toMatch(/longer than or equal to/);
    });

    it('names every missing required field of an empty body', async () => {
      const res = await t.request('PUT', path('/customers/c-empty'), { body: {} });
      expect(res.status).toBe(400);
      const fields = (res.body.details as { field: string; message: string }[]).map((d) => d.message);
      expect(fields).toEqual(
        expect.arrayContaining([
          'email is required',
          'name is required',
          'marketingConsent is required',
          'registeredAt is required',
          'updatedAt is required',
        ]),
      );
    });

    it('keeps the rule for a present but wrong value, and names unknown fields', async () => {
      const res = await t.request('PUT', path('/customers/c-wrong'), { body: customer({ email: 'not-an-email', admin: true }) });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual(
        expect.arrayContaining([
          { field: 'email', message: 'email must be an email' },
          { field: 'admin', message: 'property admin should not exist' },
        ]),
      );
    });

    it('other errors carry no details', async () => {
      const res = await t.request('PUT', '/v1/stores/no-such-store/customers/c1', { body: customer() });
      expect(res.status).toBe(404);
      expect(res.body).not.toHaveProperty('details');
    });
  });

  describe('content type', () => {
    it('answers 415 for a body without a Content-Type, instead of validating it as a string', async () => {
      const res = await t.request('PUT', path('/customers/c-type'), { payload: JSON.stringify(customer()) });
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(res.body.message).toMatch(/application\/json/);
      expect(res.body.message).not.toMatch(/should not exist/);
    });

    it('answers 415 for a form-encoded body (curl -d), instead of "property {...} should not exist"', async () => {
      const res = await t.request('PUT', path('/customers/c-type'), {
        payload: JSON.stringify(customer()),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(res.body.message).toBe(
        'Send the body as JSON with Content-Type: application/json (got application/x-www-form-urlencoded)',
      );
    });

    it('answers 415 for text/plain on a JSON-only route, and still takes text/plain where tracker.js needs it', async () => {
      const text = await t.request('PUT', path('/customers/c-type'), {
        payload: JSON.stringify(customer()),
        headers: { 'content-type': 'text/plain' },
      });
      expect(text.status).toBe(415);
      expect(text.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const beacon = await t.request('POST', '/v1/tracking/events', {
        payload: JSON.stringify({
          websiteToken: s.websiteToken,
          sessionId: 'k3J9x0aQ2mZ7pW1v',
          events: [{ type: 'widget_opened', at: new Date().toISOString() }],
        }),
        headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.test' },
        auth: null,
      });
      expect(beacon.status, beacon.text).toBe(202);
    });

    it('accepts JSON with a charset and vendor +json types', async () => {
      const res = await t.request('PUT', path('/customers/c-charset'), {
        payload: JSON.stringify(customer()),
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
      expect(res.status, res.text).toBe(200);
    });
  });

  describe('stale updates', () => {
    it('says why a customer, order, cart or product update was ignored', async () => {
      const newer = next();
      const older = '2020-01-01T00:00:00.000Z';
      const writes: [string, (updatedAt: string) => unknown][] = [
        ['/customers/c-stale', (updatedAt) => customer({ updatedAt })],
        ['/orders/o-stale', (updatedAt) => order({ updatedAt })],
        ['/customers/c-stale/cart', (updatedAt) => ({ items: [item], updatedAt })],
        ['/products/p-stale', (updatedAt) => ({ name: 'Teapot', category: 'kitchen', price: 2499, inStock: true, updatedAt })],
      ];
      for (const [rest, body] of writes) {
        const fresh = await t.request('PUT', path(rest), { body: body(newer) });
        expect(fresh.status, `${rest}: ${fresh.text}`).toBe(200);
        expect(fresh.body).toEqual({ applied: true });
        const stale = await t.request('PUT', path(rest), { body: body(older) });
        expect(stale.status).toBe(200);
        expect(stale.body).toEqual({
          applied: false,
          reason: `Ignored as stale: the stored version has updatedAt ${newer}, and this update's ${older} is not newer`,
        });
      }
    });
  });

  describe('currency', () => {
    it('refuses an order in a currency the store does not use with 422 CURRENCY_MISMATCH, and stores nothing', async () => {
      const res = await t.request('PUT', path('/orders/o-usd'), { body: order({ currency: 'USD' }) });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ statusCode: 422, code: 'CURRENCY_MISMATCH' });
      expect(res.body.message).toMatch(/USD.*EUR/);
      const rows = await t.get(DataSource).query(`select 1 from orders where store_id = $1 and order_id = 'o-usd'`, [s.storeId]);
      expect(rows).toEqual([]);
      // Case does not matter; the store's own currency is accepted.
      expect((await t.request('PUT', path('/orders/o-eur'), { body: order({ currency: 'eur' }) })).status).toBe(200);
    });
  });

  describe('hostile input at the edge', () => {
    it('refuses JSON nested deeper than the limit with 400 JSON_TOO_DEEP naming the limit', async () => {
      const deep = '['.repeat(20_000) + ']'.repeat(20_000);
      const res = await t.request('PUT', path('/customers/c-deep'), {
        payload: JSON.stringify(customer()).replace('"Ann"', deep),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'JSON_TOO_DEEP' });
      expect(res.body.message).toMatch(/limit of 32 levels/);
    });

    it('refuses NUL and lone surrogates in values, keys and path values with 400 INVALID_CHARACTER', async () => {
      const nul = await t.request('PUT', path('/customers/c-nul'), { body: customer({ name: 'A\u0000nn' }) });
      expect(nul.status).toBe(400);
      expect(nul.body).toMatchObject({ code: 'INVALID_CHARACTER' });
      expect(nul.body.message).toMatch(/body\.name contains a NUL character/);
      const surrogate = await t.request('PUT', path('/customers/c-sur'), { body: customer({ email: 'ann\ud800@example.com' }) });
      expect(surrogate.status).toBe(400);
      expect(surrogate.body.message).toMatch(/body\.email contains an unpaired UTF-16 surrogate/);
      const cart = await t.request('PUT', path('/customers/c-nul/cart'), {
        body: { items: [{ ...item, name: '\u0000' }], updatedAt: next() },
      });
      expect(cart.status).toBe(400);
      expect(cart.body.message).toMatch(/body\.items\.0\.name/);
      const inPath = await t.request('PUT', path('/customers/a%00b'), { body: customer() });
      expect(inPath.status).toBe(400);
      expect(inPath.body.message).toMatch(/path\.customerId contains a NUL character/);
      // A surrogate pair (an emoji) is fine.
      expect((await t.request('PUT', path('/customers/c-emoji'), { body: customer({ name: 'Ann 😀' }) })).status).toBe(200);
    });

    it('maps a database data exception (SQLSTATE class 22) that got past validation to 400, never 500', async () => {
      const client = new Client({ connectionString: t.databaseUrl });
      await client.connect();
      const failure = await client.query(`select '"\\u0000"'::jsonb`).catch((error: unknown) => error);
      const outOfRange = await client.query('select 2147483648::int').catch((error: unknown) => error);
      await client.end();
      expect(toErrorBody(failure)).toMatchObject({ statusCode: 400, code: 'INVALID_VALUE' });
      expect(toErrorBody(outOfRange)).toMatchObject({ statusCode: 400, code: 'INVALID_VALUE' });
      expect(toErrorBody(outOfRange).message).toMatch(/out of range.*PostgreSQL 22003/);
      // Through TypeORM (QueryFailedError wraps the driver's error) the same.
      const wrapped = await t
        .get(DataSource)
        .query('select $1::int', ['not a number'])
        .catch((error: unknown) => error);
      expect(toErrorBody(wrapped)).toMatchObject({ statusCode: 400, code: 'INVALID_VALUE' });
      expect(toErrorBody(failure).message).toMatch(/PostgreSQL 22P05/);
      // A lost connection is not the caller's fault: never a 4xx.
      const lost = Object.assign(new Error('terminating connection'), { code: '57P01', severity: 'FATAL' });
      expect(toErrorBody(lost).statusCode).toBeGreaterThanOrEqual(500);
    });
  });
});
