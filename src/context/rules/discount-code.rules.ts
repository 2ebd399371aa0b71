import { randomBytes } from 'node:crypto';
import type { ResolvedStoreSettings } from '../../accounts/store-settings';

/** No 0/O, 1/I/L: codes are read aloud and typed by customers. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 12;

export type DiscountType = 'percent' | 'fixed';
export type DiscountCodeStatus = 'valid' | 'expired' | 'redeemed' | 'unknown';

/** Up to four letters/digits of the store's name (or id), so a customer sees which shop the code is for. */
export function storePrefix(storeName: string, storeId: string): string {
  const clean = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const fromName = clean(storeName.replace(/^store\s+/i, ''));
  return (fromName || clean(storeId) || 'SHOP').slice(0, 4);
}

/**
 * `PREFIX-XXXXXXXXXXXX`: twelve symbols drawn by rejection sampling from crypto random bytes,
 * so every symbol is uniform (~59 bits of entropy with the 31-symbol alphabet).
 */
export function generateDiscountCode(prefix: string, random: (n: number) => Buffer = randomBytes): string {
  let code = '';
  const limit = 256 - (256 % CODE_ALPHABET.length);
  while (code.length < CODE_LENGTH) {
    for (const byte of random(CODE_LENGTH * 2)) {
      if (byte >= limit) continue;
      code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
      if (code.length === CODE_LENGTH) break;
    }
  }
  return `${prefix}-${code}`;
}

/** Codes are case-insensitive and may be typed with spaces. */
export function normaliseCode(code: string): string {
  return code.trim().toUpperCase().replace(/\s+/g, '');
}

export interface CapViolation {
  code: 'DISCOUNT_PERCENT_TOO_HIGH' | 'DISCOUNT_AMOUNT_TOO_HIGH' | 'DISCOUNT_DAILY_LIMIT' | 'DISCOUNT_VALUE_INVALID';
  message: string;
}

/** The store's caps on one code; null when allowed. `issuedToday` counts this agent's codes in the last 24 h. */
export function checkDiscountCaps(
  request: { type: DiscountType; value: number },
  caps: ResolvedStoreSettings['discounts'],
  issuedToday: number,
): CapViolation | null {
  if (!Number.isInteger(request.value) || request.value <= 0) {
    return { code: 'DISCOUNT_VALUE_INVALID', message: 'The discount value must be a positive whole number' };
  }
  if (request.type === 'percent' && request.value > caps.maxPercent) {
    return { code: 'DISCOUNT_PERCENT_TOO_HIGH', message: `This store allows at most ${caps.maxPercent}% off` };
  }
  if (request.type === 'percent' && request.value > 100) {
    return { code: 'DISCOUNT_PERCENT_TOO_HIGH', message: 'A discount cannot exceed 100%' };
  }
  if (request.type === 'fixed' && request.value > caps.maxFixedAmount) {
    return {
      code: 'DISCOUNT_AMOUNT_TOO_HIGH',
      message: `This store allows at most ${caps.maxFixedAmount} (minor units) off per code`,
    };
  }
  if (issuedToday >= caps.maxPerAgentPerDay) {
    return {
      code: 'DISCOUNT_DAILY_LIMIT',
      message: `Daily limit reached: at most ${caps.maxPerAgentPerDay} discount codes per agent in 24 hours`,
    };
  }
  return null;
}

export function discountCodeStatus(
  row: { expiresAt: Date | null; redeemedAt: Date | null } | null,
  now: Date,
): DiscountCodeStatus {
  if (!row) return 'unknown';
  if (row.redeemedAt) return 'redeemed';
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'valid';
}
