import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { JourneyService } from '../../../src/tracking/journey.service';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';

const ORIGIN = 'https://shop.example.test';
const IP_LIMIT = 5;
const STORE_LIMIT = 8;

describe('storefront tracking intake', () => {
  let t: TestApp;
  let db: DataSource;
  let ipCounter = 0;
  /** Every test speaks from its own IP, so the per-IP limit only bites where it is tested. */
  const nextIp = () => `203.0.113.${++ipCounter}`;

  beforeAll(async () => {
    t = await startTestApp({
      env: { TRACKING_RATE_PER_IP_PER_MINUTE: String(IP_LIMIT), TRACKING_RATE_PER_STORE_PER_MINUTE: String(STORE_LIMIT) },
    });
    db = t.get(DataSource);
  });

  afterAll(async () => {
    await t?.close();
  });

  const iso = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();

  function batch(store: SeededStore, events: object[], extra: object = {}) {
    return { websiteToken: store.websiteToken, sessionId: 'sess-0000-aaaa', events, ...extra };
  }

  function post(body: unknown, headers: Record<string, string> = {}) {
    return t.request('POST', '/v1/tracking/events', {
      auth: null,
      body,
      headers: { origin: ORIGIN, 'x-forwarded-for': nextIp(), ...headers },
    });
  }

  async function storedEvents(storeId: string) {
    return (await db.query(
      'select type, session_id, customer_id, url, product_id, load_time_ms from tracking_events where store_id = $1 order by id',
      [storeId],
    )) as {
      type: string;
      session_id: string;
      customer_id: string | null;
      url: string | null;
      product_id: string | null;
      load_time_ms: number | null;
    }[];
  }

  describe('GET /tracker.js', () => {
    it('serves the script as cacheable JavaScript with the public URL injected', async () => {
      const res = await t.request('GET', '/tracker.js', { auth: null });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/javascript/);
      expect(res.headers['cache-control']).toBe('public, max-age=300');
      expect(res.text).toContain(`var PUBLIC_URL = "${t.url}";`);
      expect(res.text).toContain('chatwoot:ready');
    });
  });

  describe('POST /v1/tracking/events', () => {
    it('stores a valid JSON batch and answers 202 with the count', async () => {
      const store = await seedStore(t);
      const res = await post(
        batch(store, [
          { type: 'page_view', at: iso(-3000), url: `${ORIGIN}/products/42?utm_source=mail&email=a@b.c#top` },
          { type: 'product_view', at: iso(-2000), productId: 'sku-42', url: `${ORIGIN}/products/42` },
          { type: 'widget_loaded', at: iso(-1000), loadTimeMs: 812 },
        ]),
      );
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ accepted: 3 });
      expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
      const rows = await storedEvents(store.storeId);
      expect(rows.map((r) => r.type)).toEqual(['page_view', 'product_view', 'widget_loaded']);
      // Query strings can carry personal data: only origin + path is kept.
      expect(rows[0].url).toBe(`${ORIGIN}/products/42`);
      expect(rows[1].product_id).toBe('sku-42');
      expect(rows[2].load_time_ms).toBe(812);
      const metrics = await t.request('GET', '/metrics', { auth: null });
      expect(metrics.text).toMatch(/tracking_events_total\{type="widget_loaded"\} [1-9]/);
    });

    it('accepts JSON sent as text/plain (sendBeacon, no preflight)', async () => {
      const store = await seedStore(t);
      const res = await t.request('POST', '/v1/tracking/events', {
        auth: null,
        payload: JSON.stringify(batch(store, [{ type: 'widget_opened', at: iso() }])),
        headers: { origin: ORIGIN, 'content-type': 'text/plain;charset=UTF-8', 'x-forwarded-for': nextIp() },
      });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ accepted: 1 });
      expect((await storedEvents(store.storeId)).map((r) => r.type)).toEqual(['widget_opened']);
    });

    it('rejects malformed text/plain JSON with 400 MALFORMED_JSON', async () => {
      const res = await t.request('POST', '/v1/tracking/events', {
        auth: null,
        payload: '{"websiteToken": "x", "events": [',
        headers: { origin: ORIGIN, 'content-type': 'text/plain', 'x-forwarded-for': nextIp() },
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'MALFORMED_JSON' });
      expect(typeof res.body.requestId).toBe('string');
    });

    it('rejects an unknown website token with 401 UNKNOWN_WEBSITE_TOKEN', async () => {
      const res = await post({
        websiteToken: 'no-such-token',
        sessionId: 'sess-0000-aaaa',
        events: [{ type: 'widget_opened', at: iso() }],
      });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNKNOWN_WEBSITE_TOKEN');
    });

    it('rejects another origin with 403 ORIGIN_NOT_ALLOWED and stores nothing', async () => {
      const store = await seedStore(t);
      const res = await post(batch(store, [{ type: 'widget_opened', at: iso() }]), { origin: 'https://evil.example.test' });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('ORIGIN_NOT_ALLOWED');
      expect(res.body.message).toContain('https://evil.example.test');
      const opaque = await post(batch(store, [{ type: 'widget_opened', at: iso() }]), { origin: 'null' });
      expect(opaque.status).toBe(403);
      expect(await storedEvents(store.storeId)).toEqual([]);
    });

    it('requires an Origin, falling back to the Referer only when Origin is absent', async () => {
      const store = await seedStore(t);
      const none = await t.request('POST', '/v1/tracking/events', {
        auth: null,
        body: batch(store, [{ type: 'widget_opened', at: iso() }]),
        headers: { 'x-forwarded-for': nextIp() },
      });
      expect(none.status).toBe(403);
      expect(none.body.code).toBe('ORIGIN_REQUIRED');
      const viaReferer = await t.request('POST', '/v1/tracking/events', {
        auth: null,
        body: batch(store, [{ type: 'widget_opened', at: iso() }]),
        headers: { referer: `${ORIGIN}/cart`, 'x-forwarded-for': nextIp() },
      });
      expect(viaReferer.status).toBe(202);
      const badReferer = await t.request('POST', '/v1/tracking/events', {
        auth: null,
        body: batch(store, [{ type: 'widget_opened', at: iso() }]),
        headers: { referer: 'https://evil.example.test/', 'x-forwarded-for': nextIp() },
      });
      expect(badReferer.status).toBe(403);
    });

    it('caps a batch at 50 events (400) and the body at 64 KB (413)', async () => {
      const store = await seedStore(t);
      const fiftyOne = Array.from({ length: 51 }, () => ({ type: 'widget_opened', at: iso() }));
      const tooMany = await post(batch(store, fiftyOne));
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.message).toMatch(/events must contain no more than 50 elements/);

      const fifty = await post(batch(store, fiftyOne.slice(0, 50)));
      expect(fifty.status).toBe(202);
      expect(fifty.body).toEqual({ accepted: 50 });

      // 70 KB: under the global 1 MB limit, over this route's 64 KB.
      const big = JSON.stringify(batch(store, [{ type: 'widget_opened', at: iso() }], { customerId: 'x'.repeat(70_000) }));
      const tooBig = await t.request('POST', '/v1/tracking/events', {
        auth: null,
        payload: big,
        headers: { origin: ORIGIN, 'content-type': 'text/plain', 'x-forwarded-for': nextIp() },
      });
      expect(tooBig.status).toBe(413);
      expect(tooBig.body.code).toBe('PAYLOAD_TOO_LARGE');
      expect((await storedEvents(store.storeId)).length).toBe(50);
    });

    it('names the bad field of an invalid event and stores nothing of that batch', async () => {
      const store = await seedStore(t);
      const cases: [object, RegExp][] = [
        [{ type: 'mouse_moved', at: iso() }, /events\.0\.type must be one of/],
        [{ type: 'widget_opened', at: iso(3 * 3_600_000) }, /events\.0\.at must not be more than 1 hour in the future/],
        [{ type: 'widget_opened', at: 'yesterday' }, /events\.0\.at must be a valid ISO 8601/],
        [{ type: 'widget_loaded', at: iso(), loadTimeMs: 120_001 }, /events\.0\.loadTimeMs must not be greater than 120000/],
        [{ type: 'widget_loaded', at: iso(), loadTimeMs: -1 }, /events\.0\.loadTimeMs must not be less than 0/],
        [{ type: 'page_view', at: iso() }, /events\.0\.url is required/],
        [{ type: 'product_view', at: iso() }, /events\.0\.productId is required/],
        [{ type: 'widget_opened', at: iso(), secret: 1 }, /events\.0\.property secret should not exist/],
      ];
      for (const [event, message] of cases) {
        const res = await post(batch(store, [{ type: 'widget_opened', at: iso() }, event].reverse()));
        expect(res.status, JSON.stringify(event)).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(res.body.message).toMatch(message);
      }
      const badSession = await post(batch(store, [{ type: 'widget_opened', at: iso() }], { sessionId: 'short' }));
      expect(badSession.status).toBe(400);
      expect(badSession.body.message).toMatch(/sessionId must be 8-64 characters/);
      const empty = await post(batch(store, []));
      expect(empty.status).toBe(400);
      expect(empty.body.message).toMatch(/events must contain at least 1 elements/);
      expect(await storedEvents(store.storeId)).toEqual([]);
    });

    it('limits batches per IP with 429', async () => {
      const store = await seedStore(t);
      const ip = '198.51.100.7';
      const statuses: number[] = [];
      for (let i = 0; i < IP_LIMIT + 2; i++) {
        const res = await post(batch(store, [{ type: 'widget_opened', at: iso() }]), { 'x-forwarded-for': ip });
        statuses.push(res.status);
        if (res.status === 429)
          expect(res.body).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/this IP/) });
      }
      expect(statuses).toEqual([...Array(IP_LIMIT).fill(202), 429, 429]);
      // Garbage counts too: the guard runs before the body is parsed.
      const garbage = await t.request('POST', '/v1/tracking/events', {
        auth: null,
        payload: 'not json',
        headers: { origin: ORIGIN, 'content-type': 'text/plain', 'x-forwarded-for': ip },
      });
      expect(garbage.status).toBe(429);
      // Another IP is not affected.
      expect((await post(batch(store, [{ type: 'widget_opened', at: iso() }]))).status).toBe(202);
    });

    it('limits batches per store with 429, whatever the IP', async () => {
      const store = await seedStore(t);
      const other = await seedStore(t);
      const statuses: number[] = [];
      for (let i = 0; i < STORE_LIMIT + 1; i++) {
        const res = await post(batch(store, [{ type: 'widget_opened', at: iso() }]));
        statuses.push(res.status);
        if (res.status === 429) expect(res.body.message).toMatch(/this store/);
      }
      expect(statuses).toEqual([...Array(STORE_LIMIT).fill(202), 429]);
      expect((await post(batch(other, [{ type: 'widget_opened', at: iso() }]))).status).toBe(202);
      expect((await storedEvents(store.storeId)).length).toBe(STORE_LIMIT);
    });

    it('answers the CORS preflight of a JSON post for the store origin', async () => {
      const res = await t.request('OPTIONS', '/v1/tracking/events', {
        auth: null,
        headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(res.status).toBeLessThan(300);
      expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    });

    it('builds the journey and back-fills the customer when a later batch names them', async () => {
      const store = await seedStore(t);
      const sessionId = 'journey-session-1';
      const t0 = Date.now() - 10 * 60_000;
      const at = (min: number) => new Date(t0 + min * 60_000).toISOString();
      const first = await post({
        websiteToken: store.websiteToken,
        sessionId,
        events: [
          { type: 'page_view', at: at(0), url: `${ORIGIN}/` },
          { type: 'page_view', at: at(1), url: `${ORIGIN}/products/7` },
          { type: 'product_view', at: at(1), productId: 'sku-7' },
        ],
      });
      expect(first.status).toBe(202);
      const journeys = t.get(JourneyService);
      expect((await journeys.session(store.storeId, sessionId))?.customerId).toBeNull();

      const second = await post({
        websiteToken: store.websiteToken,
        sessionId,
        customerId: 'cust-77',
        events: [
          { type: 'page_view', at: at(4), url: `${ORIGIN}/cart` },
          { type: 'product_view', at: at(3), productId: 'sku-9' },
        ],
      });
      expect(second.status).toBe(202);
      // A late batch with an older page must not move the visitor back.
      await post({
        websiteToken: store.websiteToken,
        sessionId,
        events: [{ type: 'page_view', at: at(2), url: `${ORIGIN}/products/8` }],
      });

      const journey = await journeys.session(store.storeId, sessionId);
      expect(journey).toMatchObject({
        sessionId,
        customerId: 'cust-77',
        currentPage: `${ORIGIN}/cart`,
        sessionDurationSeconds: 240,
        pageViews: 4,
        productViewCount: 2,
        active: true,
      });
      expect(journey!.pagesVisited).toEqual([
        { url: `${ORIGIN}/`, at: at(0) },
        { url: `${ORIGIN}/products/7`, at: at(1) },
        { url: `${ORIGIN}/products/8`, at: at(2) },
        { url: `${ORIGIN}/cart`, at: at(4) },
      ]);
      expect(journey!.productsViewed).toEqual([
        { productId: 'sku-7', at: at(1) },
        { productId: 'sku-9', at: at(3) },
      ]);
      // Earlier anonymous events now belong to the customer.
      const rows = await storedEvents(store.storeId);
      expect(rows.filter((r) => r.customer_id === 'cust-77').length).toBe(5);
      // Tenant scope: the same customer id in another store has no journey here.
      const other = await seedStore(t);
      expect(await journeys.session(other.storeId, sessionId)).toBeNull();
    });
  });
});
