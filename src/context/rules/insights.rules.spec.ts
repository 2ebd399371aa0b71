import { describe, expect, it } from 'vitest';
import { DEFAULT_STORE_SETTINGS } from '../../accounts/store-settings';
import {
  averageOrderValue,
  churnRisk,
  favoriteCategories,
  monthKey,
  monthlySeries,
  purchaseFrequency,
  seasonalPatterns,
  spendTrend,
  tierProgress,
} from './insights.rules';

const tiers = DEFAULT_STORE_SETTINGS.tiers; // silver 20_000, gold 50_000, platinum 100_000
const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

describe('tierProgress', () => {
  it('puts a new customer at Bronze with the distance to Silver', () => {
    expect(tierProgress(0, tiers)).toEqual({
      tier: 'Bronze',
      nextTier: 'Silver',
      nextTierAt: 20_000,
      remaining: 20_000,
      progressPercent: 0,
    });
  });

  it('measures progress between the current and the next threshold', () => {
    expect(tierProgress(35_000, tiers)).toEqual({
      tier: 'Silver',
      nextTier: 'Gold',
      nextTierAt: 50_000,
      remaining: 15_000,
      progressPercent: 50,
    });
  });

  it('reaches a tier exactly at its threshold', () => {
    expect(tierProgress(50_000, tiers).tier).toBe('Gold');
    expect(tierProgress(49_999, tiers).tier).toBe('Silver');
  });

  it('has no next tier at the top', () => {
    expect(tierProgress(250_000, tiers)).toEqual({
      tier: 'Platinum',
      nextTier: null,
      nextTierAt: null,
      remaining: 0,
      progressPercent: 100,
    });
  });

  it('follows store-specific thresholds', () => {
    expect(tierProgress(1_500, { silver: 1_000, gold: 2_000, platinum: 3_000 })).toMatchObject({
      tier: 'Silver',
      remaining: 500,
    });
  });
});

describe('monthly series and spend trend', () => {
  const now = day('2026-06-15');

  it('keys months across a year boundary', () => {
    expect(monthKey(day('2026-01-31'), 1)).toBe('2025-12');
    expect(monthKey(day('2026-03-31'), 1)).toBe('2026-02');
  });

  it('zero-fills the chart series, oldest first', () => {
    const series = monthlySeries([{ month: '2026-05', total: 700, orders: 1 }], now, 3);
    expect(series).toEqual([
      { month: '2026-04', total: 0, orders: 0 },
      { month: '2026-05', total: 700, orders: 1 },
      { month: '2026-06', total: 0, orders: 0 },
    ]);
  });

  it('compares the last three months with the three before', () => {
    const monthly = [
      { month: '2026-01', total: 10_000, orders: 1 },
      { month: '2026-03', total: 10_000, orders: 1 },
      { month: '2026-05', total: 30_000, orders: 2 },
      { month: '2025-06', total: 99_999, orders: 9 }, // outside both windows
    ];
    expect(spendTrend(monthly, now)).toEqual({
      recent: 30_000,
      previous: 20_000,
      changePercent: 50,
      direction: 'up',
      windowMonths: 3,
    });
  });

  it('calls small changes flat and drops down', () => {
    expect(
      spendTrend(
        [
          { month: '2026-02', total: 10_000, orders: 1 },
          { month: '2026-06', total: 9_500, orders: 1 },
        ],
        now,
      ).direction,
    ).toBe('flat');
    expect(
      spendTrend(
        [
          { month: '2026-02', total: 10_000, orders: 1 },
          { month: '2026-06', total: 2_000, orders: 1 },
        ],
        now,
      ),
    ).toMatchObject({
      direction: 'down',
      changePercent: -80,
    });
  });

  it('has no percentage without an earlier window', () => {
    expect(spendTrend([{ month: '2026-06', total: 5_000, orders: 1 }], now)).toMatchObject({
      direction: 'new',
      changePercent: null,
    });
    expect(spendTrend([], now)).toMatchObject({ direction: 'none', recent: 0, previous: 0 });
  });
});

describe('seasonalPatterns', () => {
  it('sums calendar months over the years and names the peaks', () => {
    const result = seasonalPatterns([
      { month: '2024-12', total: 40_000, orders: 2 },
      { month: '2025-12', total: 50_000, orders: 3 },
      { month: '2025-11', total: 30_000, orders: 1 },
      { month: '2025-03', total: 5_000, orders: 1 },
    ]);
    expect(result.byMonth).toHaveLength(12);
    expect(result.byMonth[11]).toEqual({ month: 12, label: 'Dec', total: 90_000, orders: 5 });
    expect(result.peakMonths).toEqual(['Dec', 'Nov']);
  });

  it('sees no pattern in one or two months of history', () => {
    expect(seasonalPatterns([{ month: '2025-07', total: 9_000, orders: 2 }]).peakMonths).toEqual([]);
    expect(
      seasonalPatterns([
        { month: '2025-10', total: 9_000, orders: 2 },
        { month: '2025-11', total: 9_000, orders: 2 },
      ]).peakMonths,
    ).toEqual([]);
  });

  it('sees no peak when spend is even', () => {
    const even = Array.from({ length: 12 }, (_, i) => ({
      month: `2025-${String(i + 1).padStart(2, '0')}`,
      total: 1_000,
      orders: 1,
    }));
    expect(seasonalPatterns(even).peakMonths).toEqual([]);
  });
});

describe('churnRisk', () => {
  const now = day('2026-06-01');

  it('is unknown without orders', () => {
    expect(churnRisk({ orderCount: 0, firstOrderAt: null, lastOrderAt: null, now }).level).toBe('unknown');
  });

  it('judges a single order by its age', () => {
    expect(churnRisk({ orderCount: 1, firstOrderAt: day('2026-05-01'), lastOrderAt: day('2026-05-01'), now }).level).toBe('low');
    expect(churnRisk({ orderCount: 1, firstOrderAt: day('2026-01-01'), lastOrderAt: day('2026-01-01'), now })).toMatchObject({
      level: 'medium',
      daysSinceLastOrder: 151,
    });
    expect(churnRisk({ orderCount: 1, firstOrderAt: day('2025-01-01'), lastOrderAt: day('2025-01-01'), now }).level).toBe('high');
  });

  it('compares the silence with the customer’s own rhythm (median of recent gaps)', () => {
    const recent = [day('2026-03-01'), day('2026-03-11'), day('2026-03-21'), day('2026-04-21')]; // gaps 10, 10, 31 → median 10
    const base = { orderCount: 20, firstOrderAt: day('2025-01-01'), lastOrderAt: day('2026-04-21'), recentOrderDates: recent };
    expect(churnRisk({ ...base, now: day('2026-04-30') })).toMatchObject({
      level: 'low',
      typicalGapDays: 10,
      daysSinceLastOrder: 9,
    });
    expect(churnRisk({ ...base, now: day('2026-05-11') }).level).toBe('medium');
    expect(churnRisk({ ...base, now: day('2026-05-21') }).level).toBe('high');
  });

  it('falls back to the lifetime average gap', () => {
    const risk = churnRisk({
      orderCount: 3,
      firstOrderAt: day('2026-01-01'),
      lastOrderAt: day('2026-03-02'),
      now: day('2026-03-20'),
    });
    expect(risk).toMatchObject({ typicalGapDays: 30, level: 'low' });
    expect(risk.reason).toMatch(/18 days since the last order; usually orders every ~30 days/);
  });
});

describe('small figures', () => {
  it('describes purchase frequency', () => {
    expect(purchaseFrequency(0, null, null).label).toBe('no orders yet');
    expect(purchaseFrequency(1, day('2026-01-01'), day('2026-01-01')).label).toBe('first order');
    expect(purchaseFrequency(5, day('2026-01-01'), day('2026-01-29'))).toEqual({
      averageDaysBetweenOrders: 7,
      label: 'every ~7 days',
    });
  });

  it('ranks favourite categories by quantity, then spend, then name', () => {
    expect(
      favoriteCategories([
        { category: 'Tea', quantity: 3, spend: 100 },
        { category: 'Cups', quantity: 5, spend: 50 },
        { category: 'Books', quantity: 3, spend: 900 },
        { category: ' ', quantity: 99, spend: 1 },
        { category: 'Pots', quantity: 1, spend: 1 },
      ]),
    ).toEqual(['Cups', 'Books', 'Tea']);
  });

  it('never divides by zero for the average order value', () => {
    expect(averageOrderValue(0, 0)).toBe(0);
    expect(averageOrderValue(1_001, 2)).toBe(501);
  });
});
