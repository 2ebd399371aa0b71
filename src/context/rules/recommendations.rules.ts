import type { CoPurchasedProduct, ProductView } from '../../contacts/customer-data.types';

export type RecommendationReason = 'bought_together' | 'favorite_category';

/** A product to suggest (in stock by construction) and why. */
export interface Recommendation extends Omit<ProductView, 'inStock'> {
  reasonCode: RecommendationReason;
  /** One sentence the agent can say to the customer. */
  reason: string;
}

/**
 * Products bought together with the customer's come first (strongest signal), then best sellers of
 * the customer's favourite categories; out-of-stock, already bought and duplicate products are
 * dropped, and categories are interleaved so one category cannot fill the whole list.
 */
export function buildRecommendations(input: {
  coPurchased: readonly CoPurchasedProduct[];
  categoryProducts: readonly ProductView[];
  favoriteCategories: readonly string[];
  purchasedProductIds?: ReadonlySet<string>;
  limit: number;
}): Recommendation[] {
  const seen = new Set<string>();
  const bought = input.purchasedProductIds ?? new Set<string>();
  const usable = (p: ProductView) => p.inStock && !bought.has(p.productId) && !seen.has(p.productId);
  const result: Recommendation[] = [];

  const together = [...input.coPurchased].sort(
    (a, b) => b.together - a.together || a.product.productId.localeCompare(b.product.productId),
  );
  for (const item of together) {
    if (result.length >= input.limit) break;
    if (!usable(item.product) || item.together <= 0) continue;
    seen.add(item.product.productId);
    const withName = item.boughtWith?.name;
    result.push({
      ...pick(item.product),
      reasonCode: 'bought_together',
      reason: withName
        ? `Often bought together with ${withName}, which the customer bought`
        : 'Often bought together with products the customer bought',
    });
    // Keep room for category picks: together-products take at most two thirds of the list.
    if (result.length >= Math.ceil((input.limit * 2) / 3) && input.categoryProducts.length > 0) break;
  }

  const rank = new Map(input.favoriteCategories.map((c, i) => [c.toLowerCase(), i]));
  const queues = new Map<string, ProductView[]>();
  for (const product of input.categoryProducts) {
    const key = product.category.toLowerCase();
    if (!rank.has(key)) continue;
    if (!queues.has(key)) queues.set(key, []);
    queues.get(key)!.push(product);
  }
  const ordered = [...queues.entries()].sort((a, b) => rank.get(a[0])! - rank.get(b[0])!).map(([, q]) => q);
  while (result.length < input.limit && ordered.some((q) => q.length > 0)) {
    for (const queue of ordered) {
      if (result.length >= input.limit) break;
      let product = queue.shift();
      while (product && !usable(product)) product = queue.shift();
      if (!product) continue;
      seen.add(product.productId);
      result.push({
        ...pick(product),
        reasonCode: 'favorite_category',
        reason: `Popular in ${product.category}, a category the customer buys often`,
      });
    }
  }
  return result;
}

function pick(p: ProductView) {
  return { productId: p.productId, name: p.name, category: p.category, price: p.price, url: p.url, imageUrl: p.imageUrl };
}
