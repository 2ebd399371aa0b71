import { describe, expect, it } from 'vitest';
import type { ProductView } from '../../contacts/customer-data.types';
import { buildRecommendations } from './recommendations.rules';

const product = (productId: string, category: string, inStock = true): ProductView => ({
  productId,
  name: `Product ${productId}`,
  category,
  price: 1_000,
  url: null,
  imageUrl: null,
  inStock,
});

describe('buildRecommendations', () => {
  it('puts products bought together first, with a reason naming the customer’s product', () => {
    const result = buildRecommendations({
      coPurchased: [
        { product: product('p2', 'Tea'), together: 3, boughtWith: { productId: 'p1', name: 'Green tea' } },
        { product: product('p3', 'Cups'), together: 9, boughtWith: null },
      ],
      categoryProducts: [product('p4', 'Tea')],
      favoriteCategories: ['Tea'],
      limit: 6,
    });
    expect(result.map((r) => r.productId)).toEqual(['p3', 'p2', 'p4']);
    expect(result[1]).toMatchObject({
      reasonCode: 'bought_together',
      reason: 'Often bought together with Green tea, which the customer bought',
    });
    expect(result[2]).toMatchObject({
      reasonCode: 'favorite_category',
      reason: 'Popular in Tea, a category the customer buys often',
    });
  });

  it('drops out-of-stock, already bought and duplicate products', () => {
    const result = buildRecommendations({
      coPurchased: [
        { product: product('gone', 'Tea', false), together: 5, boughtWith: null },
        { product: product('dup', 'Tea'), together: 4, boughtWith: null },
        { product: product('mine', 'Tea'), together: 4, boughtWith: null },
      ],
      categoryProducts: [product('dup', 'Tea'), product('mine', 'Tea'), product('gone2', 'Tea', false), product('ok', 'Tea')],
      favoriteCategories: ['Tea'],
      purchasedProductIds: new Set(['mine']),
      limit: 6,
    });
    expect(result.map((r) => r.productId)).toEqual(['dup', 'ok']);
  });

  it('interleaves favourite categories in their rank order and respects the limit', () => {
    const result = buildRecommendations({
      coPurchased: [],
      categoryProducts: [
        product('t1', 'Tea'),
        product('t2', 'Tea'),
        product('t3', 'Tea'),
        product('c1', 'Cups'),
        product('x1', 'Other'),
      ],
      favoriteCategories: ['Cups', 'Tea'],
      limit: 3,
    });
    expect(result.map((r) => r.productId)).toEqual(['c1', 't1', 't2']);
  });

  it('leaves room for category picks when many products were bought together', () => {
    const coPurchased = Array.from({ length: 10 }, (_, i) => ({
      product: product(`b${i}`, 'Tea'),
      together: 10 - i,
      boughtWith: null,
    }));
    const result = buildRecommendations({
      coPurchased,
      categoryProducts: [product('c1', 'Cups')],
      favoriteCategories: ['Cups'],
      limit: 6,
    });
    expect(result.filter((r) => r.reasonCode === 'bought_together')).toHaveLength(4);
    expect(result.map((r) => r.productId)).toContain('c1');
  });

  it('is empty for a customer without signals', () => {
    expect(buildRecommendations({ coPurchased: [], categoryProducts: [], favoriteCategories: [], limit: 6 })).toEqual([]);
  });
});
