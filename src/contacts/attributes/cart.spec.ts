import { describe, expect, it } from 'vitest';
import { cartItemCount, cartProducts, cartValue, type LineItem } from './cart';

const item = (name: string, quantity: number, unitPrice: number): LineItem => ({
  productId: name,
  name,
  category: 'c',
  quantity,
  unitPrice,
});

describe('cart attributes', () => {
  it('sums value and quantity', () => {
    const items = [item('Mug', 2, 1250), item('Tea', 1, 499)];
    expect(cartValue(items)).toBe(2999);
    expect(cartItemCount(items)).toBe(3);
    expect(cartProducts(items)).toBe('Mug, Tea');
  });

  it('is zero and empty for an empty cart', () => {
    expect(cartValue([])).toBe(0);
    expect(cartItemCount([])).toBe(0);
    expect(cartProducts([])).toBe('');
  });

  it('lists a product once and cuts a long list', () => {
    expect(cartProducts([item('Mug', 1, 1), item('Mug', 1, 1)])).toBe('Mug');
    const long = cartProducts(Array.from({ length: 100 }, (_, i) => item(`Product number ${i}`, 1, 1)));
    expect(long.length).toBe(255);
    expect(long.endsWith('…')).toBe(true);
  });
});
