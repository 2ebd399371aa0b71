import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerDataService } from '../../../src/contacts/customer-data.service';
import { ProductPairsRepository } from '../../../src/contacts/product-pairs.repository';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';

describe('bought-together counts', () => {
  let t: TestApp;
  let s: SeededStore;
  let version = 0;

  const order = (orderId: string, customerId: string, status: string, products: string[]) =>
    t.request('PUT', `/v1/stores/${s.storeId}/orders/${orderId}`, {
      body: {
        customerId,
        status,
        currency: 'EUR',
        totalAmount: 1000 * products.length,
        placedAt: '2026-05-01T10:00:00.000Z',
        updatedAt: new Date(Date.UTC(2026, 5, 1, 0, 0, ++version)).toISOString(),
        items: products.map((p) => ({ productId: p, name: `Product ${p}`, category: 'Gear', quantity: 1, unitPrice: 1000 })),
      },
    });
  const pairs = async () =>
    Object.fromEntries(
      (
        (await t
          .get(DataSource)
          .query('select product_id, other_product_id, orders_together from product_pairs where store_id = $1', [s.storeId])) as {
          product_id: string;
          other_product_id: string;
          orders_together: number;
        }[]
      ).map((r) => [`${r.product_id}+${r.other_product_id}`, r.orders_together]),
    );

  const sales = async () =>
    Object.fromEntries(
      (
        (await t.get(DataSource).query('select product_id, units_sold from product_sales where store_id = $1', [s.storeId])) as {
          product_id: string;
          units_sold: number;
        }[]
      ).map((r) => [r.product_id, r.units_sold]),
    );

  beforeAll(async () => {
    t = await startTestApp();
    t.fake.webhooksEnabled = false;
    s = await seedStore(t);
    for (const p of ['tent', 'stove', 'mug', 'lamp']) {
      await t.request('PUT', `/v1/stores/${s.storeId}/products/${p}`, {
        body: { name: `Product ${p}`, category: 'Gear', price: 1000, inStock: true },
      });
    }
  });
  afterAll(() => t?.close());

  it('counts each pair once per counted order and follows status and line changes', async () => {
    expect((await order('o1', 'c1', 'paid', ['tent', 'stove', 'stove'])).status).toBe(200);
    expect((await order('o2', 'c2', 'paid', ['tent', 'stove', 'mug'])).status).toBe(200);
    expect(await pairs()).toMatchObject({ 'tent+stove': 2, 'stove+tent': 2, 'tent+mug': 1, 'mug+stove': 1 });
    expect(await sales()).toMatchObject({ tent: 2, stove: 3, mug: 1 });

    await order('o1', 'c1', 'cancelled', ['tent', 'stove']);
    expect(await pairs()).toMatchObject({ 'tent+stove': 1, 'tent+mug': 1 });

    await order('o2', 'c2', 'paid', ['tent', 'lamp']);
    expect(await pairs()).toMatchObject({ 'tent+stove': 0, 'tent+mug': 0, 'tent+lamp': 1, 'lamp+tent': 1 });
    expect(await sales()).toMatchObject({ tent: 1, stove: 0, mug: 0, lamp: 1 });

    // An older version of an order changes nothing.
    const stale = await t.request('PUT', `/v1/stores/${s.storeId}/orders/o2`, {
      body: {
        customerId: 'c2',
        status: 'paid',
        currency: 'EUR',
        totalAmount: 1,
        placedAt: '2026-05-01T10:00:00.000Z',
        updatedAt: '2020-01-01T00:00:00.000Z',
        items: [{ productId: 'mug', name: 'Mug', category: 'Gear', quantity: 1, unitPrice: 1 }],
      },
    });
    expect(stale.body.applied).toBe(false);
    expect(await pairs()).toMatchObject({ 'tent+lamp': 1 });
  });

  it('matches a full rebuild from the orders', async () => {
    const positive = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
    const incremental = { pairs: positive(await pairs()), sales: positive(await sales()) };
    await t.get(ProductPairsRepository).forStore(s.storeId).rebuild();
    expect({ pairs: await pairs(), sales: await sales() }).toEqual(incremental);
  });

  it('recommends what others bought with the given products, in stock and not already given', async () => {
    await order('o3', 'c3', 'delivered', ['mug', 'stove']);
    await order('o4', 'c4', 'delivered', ['mug', 'stove', 'lamp']);
    const together = await t.get(CustomerDataService).productsBoughtWith(s.storeId, ['mug']);
    expect(together.map((x) => [x.product.productId, x.together])).toEqual([
      ['stove', 2],
      ['lamp', 1],
    ]);
  });
});
