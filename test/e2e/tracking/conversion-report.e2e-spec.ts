import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvents } from '../../../src/common/events/domain-events';
import { JobQueue } from '../../../src/jobs/job-queue.service';
import { eventually } from '../../support/eventually';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';

const ORIGIN = 'https://shop.example.test';
const H = 3_600_000;

/**
 * A hand-computed data set over two days in Europe/Amsterdam. D is 00:00 UTC three days ago, so
 * D+0 h..D+22 h UTC fall on day 1 in Amsterdam and D+23:30 UTC already on day 2 (UTC+1 or +2).
 */
describe('GET /v1/stores/:storeId/analytics/conversion', () => {
  let t: TestApp;
  let store: SeededStore;
  let jobs: JobQueue;
  const today = new Date();
  const D = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - 3);
  const at = (hours: number) => new Date(D + hours * H).toISOString();
  const day1 = new Date(D).toISOString().slice(0, 10);
  const day2 = new Date(D + 24 * H).toISOString().slice(0, 10);

  async function track(sessionId: string, events: object[]) {
    const res = await t.request('POST', '/v1/tracking/events', {
      auth: null,
      body: { websiteToken: store.websiteToken, sessionId, events },
      headers: { origin: ORIGIN },
    });
    expect(res.status).toBe(202);
  }

  const conversation = (displayId: number, hours: number, customerId: string, assigneeId: number | null) =>
    jobs.publish('conversation.changed', {
      storeId: store.storeId,
      displayId,
      contactId: displayId,
      customerId,
      status: 'open',
      createdAt: at(hours),
      assigneeId,
    });

  const order = (
    orderId: string,
    hours: number,
    customerId: string,
    totalAmount: number,
    extra: Partial<DomainEvents['order.changed']> = {},
  ) =>
    jobs.publish('order.changed', {
      storeId: store.storeId,
      orderId,
      customerId,
      status: 'paid',
      totalAmount,
      currency: 'EUR',
      placedAt: at(hours),
      ...extra,
    });

  beforeAll(async () => {
    t = await startTestApp();
    jobs = t.get(JobQueue);
    store = await seedStore(t, { timezone: 'Europe/Amsterdam', currency: 'EUR', locale: 'en' });

    const loaded = (hours: number, loadTimeMs?: number) => ({
      type: 'widget_loaded',
      at: at(hours),
      ...(loadTimeMs === undefined ? {} : { loadTimeMs }),
    });
    // Day 1: loads 100/200/300/400 ms, 3 opens, 2 conversations started.
    await track('report-session-1', [
      loaded(10, 100),
      loaded(10, 200),
      loaded(10, 300),
      loaded(10, 400),
      { type: 'widget_opened', at: at(10) },
      { type: 'widget_opened', at: at(10) },
      { type: 'widget_opened', at: at(10) },
      { type: 'conversation_started', at: at(10) },
      { type: 'conversation_started', at: at(10) },
      { type: 'page_view', at: at(10), url: `${ORIGIN}/` },
    ]);
    // Day 2: loads 1000 ms (23:30 UTC on D = day 2 in Amsterdam), 600 ms, one without a time; 1 open.
    await track('report-session-2', [loaded(23.5, 1000), loaded(34, 600), loaded(34), { type: 'widget_opened', at: at(34) }]);
    // Outside the period on both sides.
    await track('report-session-3', [loaded(-12, 5000), { type: 'widget_opened', at: at(-12) }, loaded(60, 7000)]);

    await conversation(1, 9, 'c1', 11); // day 1
    await conversation(2, 11, 'c2', 12); // day 1, never converts
    await conversation(3, 33, 'c3', 11); // day 2
    await conversation(4, 36, 'c4', null); // day 2, unassigned; its order falls after the period
    await conversation(5, -12, 'c5', 12); // before the period; its order falls inside
    await order('o1', 15, 'c1', 10_000); // day 1 → #1
    await order('o2', 34, 'c1', 2_500); // day 2 → #1
    await order('o3', 44, 'c3', 4_000, { currency: 'USD' }); // day 2 (21:00/22:00 Amsterdam) → #3
    await order('o4', 10, 'c5', 1_500); // day 1 → #5
    await order('o5', 12, 'c2', 9_900, { status: 'cancelled' }); // never
    await order('o6', 47.5, 'c4', 3_000); // 23:30 UTC on day 2 = day 3 in Amsterdam → #4, outside the period
    await order('o7', 12, 'c9', 7_000); // no conversation

    await eventually(async () => {
      for (const queue of ['tracking.attribute-order', 'tracking.conversation']) expect(await jobs.pending(queue)).toBe(0);
    }, 20_000);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('reports the hand-computed figures per period, day and agent', async () => {
    const res = await t.request('GET', `/v1/stores/${store.storeId}/analytics/conversion`, { query: { from: day1, to: day2 } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const report = res.body;
    expect(report).toMatchObject({ storeId: store.storeId, from: day1, to: day2, timezone: 'Europe/Amsterdam' });
    expect(report.totals).toEqual({
      widgetLoads: 7,
      loadTimeP50Ms: 350, // [100,200,300,400,600,1000]
      loadTimeP95Ms: 900, // 600 + 0.75 * 400
      widgetOpens: 4,
      conversationsStarted: 2,
      openToConversationRate: 0.5,
      conversations: 4,
      convertedConversations: 3,
      conversationToOrderRate: 0.75,
      attributedOrders: 4,
      attributedRevenue: [
        { currency: 'EUR', amountMinor: 14_000, formatted: '€140.00' },
        { currency: 'USD', amountMinor: 4_000, formatted: '$40.00' },
      ],
    });
    expect(report.days).toEqual([
      {
        date: day1,
        widgetLoads: 4,
        loadTimeP50Ms: 250,
        loadTimeP95Ms: 385,
        widgetOpens: 3,
        conversationsStarted: 2,
        openToConversationRate: 0.6667,
        conversations: 2,
        convertedConversations: 1,
        conversationToOrderRate: 0.5,
        attributedOrders: 2,
        attributedRevenue: [{ currency: 'EUR', amountMinor: 11_500, formatted: '€115.00' }],
      },
      {
        date: day2,
        widgetLoads: 3,
        loadTimeP50Ms: 800,
        loadTimeP95Ms: 980,
        widgetOpens: 1,
        conversationsStarted: 0,
        openToConversationRate: 0,
        conversations: 2,
        convertedConversations: 2,
        conversationToOrderRate: 1,
        attributedOrders: 2,
        attributedRevenue: [
          { currency: 'EUR', amountMinor: 2_500, formatted: '€25.00' },
          { currency: 'USD', amountMinor: 4_000, formatted: '$40.00' },
        ],
      },
    ]);
    expect(report.agents).toEqual([
      {
        agentId: 11,
        conversations: 2,
        convertedConversations: 2,
        conversationToOrderRate: 1,
        attributedOrders: 3,
        attributedRevenue: [
          { currency: 'EUR', amountMinor: 12_500, formatted: '€125.00' },
          { currency: 'USD', amountMinor: 4_000, formatted: '$40.00' },
        ],
      },
      {
        agentId: 12,
        conversations: 1,
        convertedConversations: 0,
        conversationToOrderRate: 0,
        attributedOrders: 1,
        attributedRevenue: [{ currency: 'EUR', amountMinor: 1_500, formatted: '€15.00' }],
      },
      {
        agentId: null,
        conversations: 1,
        convertedConversations: 1,
        conversationToOrderRate: 1,
        attributedOrders: 0,
        attributedRevenue: [],
      },
    ]);
  });

  it('returns the per-day rows as CSV for Accept: text/csv', async () => {
    const res = await t.request('GET', `/v1/stores/${store.storeId}/analytics/conversion`, {
      query: { from: day1, to: day2 },
      headers: { accept: 'text/csv' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="conversion-${day1}-${day2}.csv"`);
    expect(res.text.split('\r\n')).toEqual([
      'date,widget_loads,load_time_p50_ms,load_time_p95_ms,widget_opens,conversations_started,open_to_conversation_rate,' +
        'conversations,converted_conversations,conversation_to_order_rate,attributed_orders,attributed_revenue_minor_EUR,attributed_revenue_minor_USD',
      `${day1},4,250,385,3,2,0.6667,2,1,0.5,2,11500,0`,
      `${day2},3,800,980,1,0,0,2,2,1,2,2500,4000`,
      '',
    ]);
  });

  it('lists empty days with zeros and the default period ends today', async () => {
    const res = await t.request('GET', `/v1/stores/${store.storeId}/analytics/conversion`);
    expect(res.status).toBe(200);
    expect(res.body.days).toHaveLength(30);
    expect(res.body.totals.widgetLoads).toBe(9); // everything seeded is within the last 30 days
    const empty = res.body.days.find((d: { date: string }) => d.date === new Date(D - 5 * 24 * H).toISOString().slice(0, 10));
    expect(empty).toMatchObject({ widgetLoads: 0, loadTimeP50Ms: null, openToConversationRate: null, attributedRevenue: [] });
  });

  it('refuses bad periods, unknown stores and missing credentials', async () => {
    const path = `/v1/stores/${store.storeId}/analytics/conversion`;
    const reversed = await t.request('GET', path, { query: { from: day2, to: day1 } });
    expect(reversed.status).toBe(400);
    expect(reversed.body.code).toBe('INVALID_PERIOD');
    const malformed = await t.request('GET', path, { query: { from: '03/10/2025' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/from must be a day as YYYY-MM-DD/);
    const tooLong = await t.request('GET', path, { query: { from: '2020-01-01', to: '2025-01-01' } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.code).toBe('PERIOD_TOO_LONG');
    expect((await t.request('GET', '/v1/stores/nope/analytics/conversion')).body.code).toBe('STORE_NOT_FOUND');
    expect((await t.request('GET', path, { auth: null })).status).toBe(401);
  });
});
