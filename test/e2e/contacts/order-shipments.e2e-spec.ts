import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextCacheService } from '../../../src/context/context-cache.service';
import { eventually } from '../../support/eventually';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';
import { ctxHeaders, item, nextUpdatedAt, seedCustomer } from '../context/context-fixtures';

const DAY = 86_400_000;

describe('shipments on orders (issue #15 item 2)', () => {
  let t: TestApp;
  let s: SeededStore;
  let contactId: number;
  const placedAt = new Date(Date.now() - 2 * DAY).toISOString();
  const order = (extra: Record<string, unknown>, updatedAt = nextUpdatedAt()) => ({
    customerId: 'ship-1',
    status: 'paid',
    currency: 'EUR',
    totalAmount: 4_000,
    placedAt,
    updatedAt,
    items: [item('green', 'Tea', 2_000, 2)],
    ...extra,
  });
  const putOrder = (orderId: string, body: unknown) => t.request('PUT', `/v1/stores/${s.storeId}/orders/${orderId}`, { body });
  const context = async () => {
    t.get(ContextCacheService).clear();
    const res = await t.request('GET', `/v1/context/accounts/${s.accountId}/contacts/${contactId}`, {
      auth: null,
      headers: ctxHeaders(s),
    });
    expect(res.status, res.text).toBe(200);
    return res.body;
  };
  const attributes = () =>
    t.fake.state.contactsOf(s.accountId).find((c) => c.identifier === 'ship-1')?.custom_attributes as Record<string, unknown>;

  beforeAll(async () => {
    t = await startTestApp();
    s = await seedStore(t, { name: 'Ship Shop' });
    contactId = await seedCustomer(t, s, { customerId: 'ship-1', name: 'Sam Shipper', email: 'sam@example.test' });
  }, 120_000);
  afterAll(() => t?.close());

  it('stores the shipments sent with an order and shows them in the context and orders views', async () => {
    const res = await putOrder(
      'o-ship',
      order({
        shipments: [
          {
            id: 'shp-1',
            carrier: 'DHL',
            trackingNumber: 'JD0001',
            trackingUrl: 'https://track.example/JD0001',
            status: 'in_transit',
            shippedAt: '2026-01-02T09:00:00Z',
          },
          { id: 'shp-2', status: 'pending' },
        ],
      }),
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ applied: true });
    const c = await context();
    expect(c.recent_orders[0].id).toBe('o-ship');
    expect(c.recent_orders[0].shipments).toEqual([
      {
        id: 'shp-1',
        carrier: 'DHL',
        tracking_number: 'JD0001',
        tracking_url: 'https://track.example/JD0001',
        status: 'in_transit',
        shipped_at: '2026-01-02T09:00:00.000Z',
        delivered_at: null,
      },
      {
        id: 'shp-2',
        carrier: null,
        tracking_number: null,
        tracking_url: null,
        status: 'pending',
        shipped_at: null,
        delivered_at: null,
      },
    ]);
    const orders = await t.request('GET', `/v1/context/accounts/${s.accountId}/contacts/${contactId}/orders`, {
      auth: null,
      headers: ctxHeaders(s),
    });
    expect(orders.body.orders[0].shipments.map((x: { id: string }) => x.id)).toEqual(['shp-1', 'shp-2']);
    const metrics = await t.request('GET', '/metrics', { auth: null });
    expect(metrics.text).toMatch(/^order_shipments_written_total [1-9]/m);
  });

  it('pushes the latest order fulfilment and tracking link to the Chatwoot contact', async () => {
    // The order itself is only "paid"; its shipment on the way makes the contact's last order "shipped".
    await eventually(() => {
      expect(attributes()).toMatchObject({
        last_order_status: 'shipped',
        last_order_tracking_url: 'https://track.example/JD0001',
      });
    }, 20_000);
    const delivered = await putOrder(
      'o-ship',
      order({
        shipments: [
          {
            id: 'shp-1',
            trackingUrl: 'https://track.example/JD0001',
            status: 'delivered',
            shippedAt: '2026-01-02T09:00:00Z',
            deliveredAt: '2026-01-04T15:30:00Z',
          },
        ],
      }),
    );
    expect(delivered.body).toEqual({ applied: true });
    await eventually(() => expect(attributes()).toMatchObject({ last_order_status: 'delivered' }), 20_000);
    expect((await context()).recent_orders[0].shipments).toEqual([
      expect.objectContaining({ id: 'shp-1', status: 'delivered', delivered_at: '2026-01-04T15:30:00.000Z', carrier: null }),
    ]);
  });

  it('replaces the list only with a newer version of the order; omitting it keeps it, [] clears it', async () => {
    const newer = nextUpdatedAt();
    const older = new Date(Date.parse(newer) - 60_000).toISOString();
    expect((await putOrder('o-ship', order({ shipments: [{ id: 'shp-9', status: 'shipped' }] }, newer))).body).toEqual({
      applied: true,
    });
    // A stale version (replayed or out of order) changes neither the order nor its shipments.
    const stale = await putOrder('o-ship', order({ shipments: [{ id: 'shp-old', status: 'pending' }] }, older));
    expect(stale.body.applied).toBe(false);
    const ids = async () => (await context()).recent_orders[0].shipments.map((x: { id: string }) => x.id);
    expect(await ids()).toEqual(['shp-9']);
    expect((await putOrder('o-ship', order({}))).body).toEqual({ applied: true });
    expect(await ids()).toEqual(['shp-9']);
    expect((await putOrder('o-ship', order({ shipments: [] }))).body).toEqual({ applied: true });
    expect(await ids()).toEqual([]);
  });

  it('refuses a tracking URL that is not http(s), and duplicate shipment ids, with 400 and details', async () => {
    for (const trackingUrl of ['javascript:alert(1)', 'ftp://track.example/1', 'not a url']) {
      const res = await putOrder('o-bad', order({ shipments: [{ id: 'x', status: 'shipped', trackingUrl }] }));
      expect(res.status, trackingUrl).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', requestId: expect.any(String) });
      expect(res.body.details).toContainEqual({
        field: 'shipments.0.trackingUrl',
        message: expect.stringContaining('http or https'),
      });
    }
    const status = await putOrder('o-bad', order({ shipments: [{ id: 'x', status: 'lost' }] }));
    expect(status.status).toBe(400);
    expect(status.body.details.map((d: { field: string }) => d.field)).toContain('shipments.0.status');
    const duplicate = await putOrder(
      'o-bad',
      order({
        shipments: [
          { id: 'x', status: 'shipped' },
          { id: 'x', status: 'pending' },
        ],
      }),
    );
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.details.map((d: { field: string }) => d.field)).toContain('shipments');
    // Nothing of a refused order was stored.
    expect((await context()).recent_orders.map((o: { id: string }) => o.id)).not.toContain('o-bad');
  });
});
