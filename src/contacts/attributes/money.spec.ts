import { describe, expect, it } from 'vitest';
import { formatMoney, minorUnitDigits } from './money';

describe('formatMoney', () => {
  it('uses the store currency and locale, not a fixed euro sign', () => {
    expect(formatMoney(123450, 'EUR', 'en')).toBe('€1,234.50');
    expect(formatMoney(123450, 'USD', 'en-US')).toBe('$1,234.50');
    expect(formatMoney(123450, 'EUR', 'de-DE')).toMatch(/^1\.234,50\s€$/);
    expect(formatMoney(123450, 'GBP', 'en-GB')).toBe('£1,234.50');
  });

  it('respects currencies without or with three minor digits', () => {
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(formatMoney(1500, 'JPY', 'en')).toBe('¥1,500');
    expect(minorUnitDigits('KWD')).toBe(3);
    expect(formatMoney(1500, 'KWD', 'en')).toMatch(/1\.500$/);
  });

  it('formats zero and survives an unknown locale tag', () => {
    expect(formatMoney(0, 'EUR', 'en')).toBe('€0.00');
    expect(formatMoney(250, 'EUR', 'not a locale!!')).toBe('€2.50');
  });
});
