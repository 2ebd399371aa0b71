import { describe, expect, it } from 'vitest';
import { DEFAULT_STORE_SETTINGS } from '../../accounts/store-settings';
import {
  checkDiscountCaps,
  CODE_ALPHABET,
  discountCodeStatus,
  generateDiscountCode,
  normaliseCode,
  storePrefix,
} from './discount-code.rules';

const caps = DEFAULT_STORE_SETTINGS.discounts; // 20 %, 2_500, 10 per day

describe('discount codes', () => {
  it('are the prefix plus twelve symbols of the unambiguous alphabet', () => {
    const code = generateDiscountCode('TEAS');
    expect(code).toMatch(/^TEAS-[A-Z2-9]{12}$/);
    for (const ch of code.slice(5)) expect(CODE_ALPHABET).toContain(ch);
    expect(code.slice(5)).not.toMatch(/[01OIL]/);
  });

  it('differ every time (no collisions in 5,000 draws)', () => {
    const codes = new Set(Array.from({ length: 5_000 }, () => generateDiscountCode('X')));
    expect(codes.size).toBe(5_000);
  });

  it('reject biased bytes instead of folding them (uniform symbols)', () => {
    // 248+ would bias the modulo; with 31 symbols the accepted range is 0..247.
    let calls = 0;
    const random = (n: number) => {
      calls++;
      return Buffer.alloc(n, calls === 1 ? 255 : 0);
    };
    expect(generateDiscountCode('P', random)).toBe(`P-${'A'.repeat(12)}`);
    expect(calls).toBe(2);
  });

  it('take the prefix from the store name', () => {
    expect(storePrefix('Tea & Co', 'store-1')).toBe('TEAC');
    expect(storePrefix('Store store-ab12', 'store-ab12')).toBe('STOR');
    expect(storePrefix('💐', 'fl-9')).toBe('FL9');
    expect(storePrefix('', '')).toBe('SHOP');
  });

  it('normalise what a customer types', () => {
    expect(normaliseCode(' teas-abcd efgh jkmn ')).toBe('TEAS-ABCDEFGHJKMN');
  });
});

describe('checkDiscountCaps', () => {
  it('allows values within the caps', () => {
    expect(checkDiscountCaps({ type: 'percent', value: 20 }, caps, 9)).toBeNull();
    expect(checkDiscountCaps({ type: 'fixed', value: 2_500 }, caps, 0)).toBeNull();
  });

  it('refuses each cap with its own code', () => {
    expect(checkDiscountCaps({ type: 'percent', value: 21 }, caps, 0)?.code).toBe('DISCOUNT_PERCENT_TOO_HIGH');
    expect(checkDiscountCaps({ type: 'fixed', value: 2_501 }, caps, 0)?.code).toBe('DISCOUNT_AMOUNT_TOO_HIGH');
    expect(checkDiscountCaps({ type: 'percent', value: 5 }, caps, 10)?.code).toBe('DISCOUNT_DAILY_LIMIT');
    expect(checkDiscountCaps({ type: 'fixed', value: 0 }, caps, 0)?.code).toBe('DISCOUNT_VALUE_INVALID');
    expect(checkDiscountCaps({ type: 'percent', value: 150 }, { ...caps, maxPercent: 500 }, 0)?.code).toBe(
      'DISCOUNT_PERCENT_TOO_HIGH',
    );
  });
});

describe('discountCodeStatus', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  it('is unknown, redeemed, expired or valid', () => {
    expect(discountCodeStatus(null, now)).toBe('unknown');
    expect(discountCodeStatus({ expiresAt: null, redeemedAt: new Date('2026-05-01') }, now)).toBe('redeemed');
    expect(discountCodeStatus({ expiresAt: new Date('2026-06-01T00:00:00Z'), redeemedAt: null }, now)).toBe('expired');
    expect(discountCodeStatus({ expiresAt: new Date('2026-06-02'), redeemedAt: null }, now)).toBe('valid');
    expect(discountCodeStatus({ expiresAt: null, redeemedAt: null }, now)).toBe('valid');
  });
});
