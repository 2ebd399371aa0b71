const DAY_MS = 86_400_000;

/** "none", "first order", or the average gap between counted orders: "every ~N days". */
export function purchaseFrequency(orderCount: number, firstOrderAt: Date | null, lastOrderAt: Date | null): string {
  if (orderCount <= 0 || !firstOrderAt || !lastOrderAt) return 'none';
  if (orderCount === 1) return 'first order';
  const spanDays = Math.max(0, lastOrderAt.getTime() - firstOrderAt.getTime()) / DAY_MS;
  const days = Math.max(1, Math.round(spanDays / (orderCount - 1)));
  return days === 1 ? 'every ~1 day' : `every ~${days} days`;
}
