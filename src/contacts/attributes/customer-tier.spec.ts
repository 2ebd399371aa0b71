import { describe, expect, it } from 'vitest';
import { customerTier } from './customer-tier';

const tiers = { silver: 20_000, gold: 50_000, platinum: 100_000 };

describe('customerTier', () => {
  it('maps spend to the store thresholds, inclusive at each boundary', () => {
    expect(customerTier(0, tiers)).toBe('Bronze');
    expect(customerTier(19_999, tiers)).toBe('Bronze');
    expect(customerTier(20_000, tiers)).toBe('Silver');
    expect(customerTier(49_999, tiers)).toBe('Silver');
    expect(customerTier(50_000, tiers)).toBe('Gold');
    expect(customerTier(100_000, tiers)).toBe('Platinum');
    expect(customerTier(10_000_000, tiers)).toBe('Platinum');
  });

  it('follows per-store thresholds', () => {
    const cheap = { silver: 100, gold: 200, platinum: 300 };
    expect(customerTier(250, cheap)).toBe('Gold');
    expect(customerTier(250, tiers)).toBe('Bronze');
  });
});
