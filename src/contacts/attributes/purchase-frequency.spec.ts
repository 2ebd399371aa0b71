import { describe, expect, it } from 'vitest';
import { purchaseFrequency } from './purchase-frequency';

const d = (s: string) => new Date(`${s}T12:00:00Z`);

describe('purchaseFrequency', () => {
  it('says none without orders and first order for one', () => {
    expect(purchaseFrequency(0, null, null)).toBe('none');
    expect(purchaseFrequency(1, d('2024-01-01'), d('2024-01-01'))).toBe('first order');
  });

  it('averages the gaps between first and last order', () => {
    expect(purchaseFrequency(2, d('2024-01-01'), d('2024-01-31'))).toBe('every ~30 days');
    expect(purchaseFrequency(3, d('2024-01-01'), d('2024-01-31'))).toBe('every ~15 days');
    expect(purchaseFrequency(4, d('2024-01-01'), d('2024-01-11'))).toBe('every ~3 days');
  });

  it('never says every 0 days for orders on the same day', () => {
    expect(purchaseFrequency(3, d('2024-01-01'), d('2024-01-01'))).toBe('every ~1 day');
  });
});
