import type { CustomerTier, ResolvedStoreSettings } from '../../accounts/store-settings';
import type { CategoryTotal, MonthlySpend } from '../../contacts/customer-data.types';

const DAY_MS = 86_400_000;
const MONTH_LABELS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface TierProgress {
  tier: CustomerTier;
  nextTier: CustomerTier | null;
  /** Lifetime spend (minor units) at which the next tier starts; null at the top tier. */
  nextTierAt: number | null;
  /** Spend still missing for the next tier (0 at the top). */
  remaining: number;
  /** 0–100: how far between the current tier's threshold and the next one. */
  progressPercent: number;
}

/** Where lifetime spend puts the customer against the store's thresholds, and how far the next tier is. */
export function tierProgress(totalSpent: number, thresholds: ResolvedStoreSettings['tiers']): TierProgress {
  const ladder: { tier: CustomerTier; from: number }[] = [
    { tier: 'Bronze', from: 0 },
    { tier: 'Silver', from: thresholds.silver },
    { tier: 'Gold', from: thresholds.gold },
    { tier: 'Platinum', from: thresholds.platinum },
  ];
  let index = 0;
  for (let i = 0; i < ladder.length; i++) if (totalSpent >= ladder[i].from) index = i;
  const current = ladder[index];
  const next = ladder[index + 1];
  if (!next) return { tier: current.tier, nextTier: null, nextTierAt: null, remaining: 0, progressPercent: 100 };
  const span = Math.max(1, next.from - current.from);
  const progress = Math.min(100, Math.max(0, Math.floor(((totalSpent - current.from) / span) * 100)));
  return {
    tier: current.tier,
    nextTier: next.tier,
    nextTierAt: next.from,
    remaining: next.from - totalSpent,
    progressPercent: progress,
  };
}

/** `YYYY-MM` of a date, `offset` months earlier (UTC calendar). */
export function monthKey(date: Date, offset = 0): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - offset, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The last `months` calendar months, oldest first, with zero for months without orders (the chart's series). */
export function monthlySeries(monthly: readonly MonthlySpend[], now: Date, months = 12): MonthlySpend[] {
  const byMonth = new Map(monthly.map((m) => [m.month, m]));
  return Array.from({ length: months }, (_, i) => {
    const key = monthKey(now, months - 1 - i);
    const found = byMonth.get(key);
    return { month: key, total: found?.total ?? 0, orders: found?.orders ?? 0 };
  });
}

export interface SpendTrend {
  /** Spend in the current and the previous `windowMonths` calendar months (current month included). */
  recent: number;
  previous: number;
  /** Null when there was no spend in the previous window to compare with. */
  changePercent: number | null;
  direction: 'up' | 'down' | 'flat' | 'new' | 'none';
  windowMonths: number;
}

/** Recent spend against the window before it; within ±10 % counts as flat. */
export function spendTrend(monthly: readonly MonthlySpend[], now: Date, windowMonths = 3): SpendTrend {
  const series = monthlySeries(monthly, now, windowMonths * 2);
  const previous = series.slice(0, windowMonths).reduce((sum, m) => sum + m.total, 0);
  const recent = series.slice(windowMonths).reduce((sum, m) => sum + m.total, 0);
  if (previous === 0) {
    return { recent, previous, changePercent: null, direction: recent > 0 ? 'new' : 'none', windowMonths };
  }
  const changePercent = Math.round(((recent - previous) / previous) * 100);
  const direction = Math.abs(changePercent) < 10 ? 'flat' : changePercent > 0 ? 'up' : 'down';
  return { recent, previous, changePercent, direction, windowMonths };
}

export interface SeasonalPatterns {
  /** Twelve entries, January first, summed over every year of history given. */
  byMonth: { month: number; label: string; total: number; orders: number }[];
  /** Calendar months with clearly more spend than average (at most three, biggest first). */
  peakMonths: string[];
}

export function seasonalPatterns(monthly: readonly MonthlySpend[]): SeasonalPatterns {
  const byMonth = MONTH_LABELS.map((label, i) => ({ month: i + 1, label, total: 0, orders: 0 }));
  for (const m of monthly) {
    const index = Number(m.month.slice(5, 7)) - 1;
    if (index < 0 || index > 11 || Number.isNaN(index)) continue;
    byMonth[index].total += m.total;
    byMonth[index].orders += m.orders;
  }
  const activeMonths = byMonth.filter((m) => m.total > 0);
  // One or two months of buying are not a pattern.
  if (activeMonths.length < 3) return { byMonth, peakMonths: [] };
  const average = byMonth.reduce((sum, m) => sum + m.total, 0) / 12;
  const peakMonths = [...activeMonths]
    .filter((m) => m.total >= average * 1.5)
    .sort((a, b) => b.total - a.total || a.month - b.month)
    .slice(0, 3)
    .map((m) => m.label);
  return { byMonth, peakMonths };
}

export interface ChurnRisk {
  level: 'low' | 'medium' | 'high' | 'unknown';
  daysSinceLastOrder: number | null;
  /** The customer's usual days between orders (median of recent gaps, else the lifetime average). */
  typicalGapDays: number | null;
  reason: string;
}

/**
 * Churn risk from purchase gaps: how long since the last order compared with the customer's own
 * rhythm. Three usual gaps without an order is high risk, one and a half is medium.
 */
export function churnRisk(input: {
  orderCount: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  /** Recent counted order dates, any order. */
  recentOrderDates?: readonly Date[];
  now: Date;
}): ChurnRisk {
  const { orderCount, firstOrderAt, lastOrderAt, now } = input;
  if (orderCount <= 0 || !lastOrderAt) {
    return { level: 'unknown', daysSinceLastOrder: null, typicalGapDays: null, reason: 'No orders yet' };
  }
  const daysSince = Math.max(0, Math.floor((now.getTime() - lastOrderAt.getTime()) / DAY_MS));
  if (orderCount === 1 || !firstOrderAt) {
    const level = daysSince > 180 ? 'high' : daysSince > 90 ? 'medium' : 'low';
    return { level, daysSinceLastOrder: daysSince, typicalGapDays: null, reason: `One order, ${daysSince} days ago` };
  }
  const typical = typicalGapDays(input.recentOrderDates ?? [], orderCount, firstOrderAt, lastOrderAt);
  const ratio = daysSince / typical;
  const level = ratio >= 3 ? 'high' : ratio >= 1.5 ? 'medium' : 'low';
  return {
    level,
    daysSinceLastOrder: daysSince,
    typicalGapDays: typical,
    reason: `${daysSince} days since the last order; usually orders every ~${typical} days`,
  };
}

function typicalGapDays(recent: readonly Date[], orderCount: number, first: Date, last: Date): number {
  const times = [...recent].map((d) => d.getTime()).sort((a, b) => a - b);
  const gaps = times.slice(1).map((t, i) => (t - times[i]) / DAY_MS);
  if (gaps.length >= 2) {
    const sorted = gaps.sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return Math.max(1, Math.round(median));
  }
  return Math.max(1, Math.round((last.getTime() - first.getTime()) / DAY_MS / (orderCount - 1)));
}

export interface PurchaseFrequency {
  /** Average days between counted orders; null with fewer than two. */
  averageDaysBetweenOrders: number | null;
  label: string;
}

export function purchaseFrequency(orderCount: number, firstOrderAt: Date | null, lastOrderAt: Date | null): PurchaseFrequency {
  if (orderCount <= 0 || !firstOrderAt || !lastOrderAt) return { averageDaysBetweenOrders: null, label: 'no orders yet' };
  if (orderCount === 1) return { averageDaysBetweenOrders: null, label: 'first order' };
  const days = Math.max(1, Math.round((lastOrderAt.getTime() - firstOrderAt.getTime()) / DAY_MS / (orderCount - 1)));
  return { averageDaysBetweenOrders: days, label: days === 1 ? 'every ~1 day' : `every ~${days} days` };
}

/** Top categories by quantity, then spend, then name (stable). */
export function favoriteCategories(totals: readonly CategoryTotal[], limit = 3): string[] {
  return [...totals]
    .filter((t) => t.category.trim() !== '' && t.quantity > 0)
    .sort((a, b) => b.quantity - a.quantity || b.spend - a.spend || a.category.localeCompare(b.category))
    .slice(0, limit)
    .map((t) => t.category.trim());
}

export function averageOrderValue(totalSpent: number, orderCount: number): number {
  return orderCount > 0 ? Math.round(totalSpent / orderCount) : 0;
}
