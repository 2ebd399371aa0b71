import { describe, expect, it } from 'vitest';
import { DeliveryBatcher } from './delivery-batcher';
import { deliveryKey, type NewDelivery } from './delivery-queue.repository';

const row = (deliveryId: string, storeId = 's1'): NewDelivery => ({
  storeId,
  deliveryId,
  event: 'e',
  accountId: 1,
  signedAt: 1,
  body: '{}',
});

describe('DeliveryBatcher', () => {
  it('puts concurrent adds into one flush and reports which were new', async () => {
    const flushes: NewDelivery[][] = [];
    const stored = new Set([deliveryKey('s1', 'old')]);
    const batcher = new DeliveryBatcher(async (rows) => {
      flushes.push(rows);
      const inserted = new Set<string>();
      for (const r of rows) {
        const key = deliveryKey(r.storeId, r.deliveryId);
        if (!stored.has(key)) {
          stored.add(key);
          inserted.add(key);
        }
      }
      return inserted;
    });
    const results = await Promise.all([
      batcher.add(row('a')),
      batcher.add(row('old')),
      batcher.add(row('a')),
      batcher.add(row('a', 's2')),
    ]);
    expect(flushes).toHaveLength(1);
    expect(results).toEqual([true, false, false, true]);
  });

  it('flushes at the batch limit and rejects every waiter when the flush fails', async () => {
    let calls = 0;
    const batcher = new DeliveryBatcher(async () => {
      calls += 1;
      throw new Error('db down');
    }, 2);
    const settled = await Promise.allSettled([batcher.add(row('a')), batcher.add(row('b')), batcher.add(row('c'))]);
    expect(calls).toBe(2);
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
  });
});
