import { describe, expect, it } from 'vitest';
import { supportPriority } from './support-priority';

describe('supportPriority', () => {
  it('rises with the tier', () => {
    expect(supportPriority('Platinum', 200_000)).toBe('urgent');
    expect(supportPriority('Gold', 60_000)).toBe('high');
    expect(supportPriority('Silver', 25_000)).toBe('normal');
  });

  it('separates Bronze buyers from customers who never spent', () => {
    expect(supportPriority('Bronze', 0)).toBe('low');
    expect(supportPriority('Bronze', 1)).toBe('normal');
  });
});
