import { describe, expect, it } from 'vitest';
import { favoriteCategories } from './favorite-categories';

describe('favoriteCategories', () => {
  it('takes the top three by quantity', () => {
    expect(
      favoriteCategories([
        { category: 'shoes', quantity: 1, spend: 9000 },
        { category: 'socks', quantity: 10, spend: 1000 },
        { category: 'hats', quantity: 3, spend: 3000 },
        { category: 'belts', quantity: 2, spend: 2000 },
      ]),
    ).toBe('socks, hats, belts');
  });

  it('breaks quantity ties by spend, then name', () => {
    expect(
      favoriteCategories([
        { category: 'b', quantity: 2, spend: 100 },
        { category: 'a', quantity: 2, spend: 100 },
        { category: 'c', quantity: 2, spend: 500 },
      ]),
    ).toBe('c, a, b');
  });

  it('is empty without purchases and skips blank categories', () => {
    expect(favoriteCategories([])).toBe('');
    expect(favoriteCategories([{ category: ' ', quantity: 5, spend: 5 }])).toBe('');
  });
});
