import { describe, expect, it } from 'vitest';
import { averageOrderValue, isCountedStatus, ORDER_STATUSES } from './order-stats';

describe('order stats', () => {
  it('counts every status except cancelled and refunded', () => {
    expect(ORDER_STATUSES.filter(isCountedStatus)).toEqual(['pending', 'paid', 'shipped', 'delivered']);
  });

  it('averages in whole minor units and is 0, not NaN, without orders', () => {
    expect(averageOrderValue(0, 0)).toBe(0);
    expect(averageOrderValue(1000, 3)).toBe(333);
    expect(averageOrderValue(1001, 2)).toBe(501);
  });
});
