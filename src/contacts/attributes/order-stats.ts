export const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Orders that never turned into revenue do not count towards spend, tier or frequency. */
export const UNCOUNTED_STATUSES: readonly OrderStatus[] = ['cancelled', 'refunded'];

/** The same list as a SQL literal, for `status not in ${UNCOUNTED_SQL}` in set-based queries. */
export const UNCOUNTED_SQL = `(${UNCOUNTED_STATUSES.map((s) => `'${s}'`).join(', ')})`;

export function isCountedStatus(status: string): boolean {
  return !(UNCOUNTED_STATUSES as readonly string[]).includes(status);
}

/** Rounded to whole minor units; 0 without orders (never NaN). */
export function averageOrderValue(totalSpent: number, orderCount: number): number {
  return orderCount > 0 ? Math.round(totalSpent / orderCount) : 0;
}
