export interface CategoryTotal {
  category: string;
  quantity: number;
  /** Minor units. */
  spend: number;
}

/** Top categories by quantity bought, then by spend, then by name (stable output for diffing). */
export function favoriteCategories(totals: readonly CategoryTotal[], limit = 3): string {
  return [...totals]
    .filter((t) => t.category.trim() !== '' && t.quantity > 0)
    .sort((a, b) => b.quantity - a.quantity || b.spend - a.spend || a.category.localeCompare(b.category))
    .slice(0, limit)
    .map((t) => t.category.trim())
    .join(', ');
}
