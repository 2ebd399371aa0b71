import { describe, expect, it } from 'vitest';
import { resolvePeriod, safeTimezone, todayIn } from './conversion-report.period';

describe('resolvePeriod', () => {
  it('lists every day, both ends inclusive, across a month end', () => {
    expect(resolvePeriod('2025-02-27', '2025-03-02', '2025-06-01').days).toEqual([
      '2025-02-27',
      '2025-02-28',
      '2025-03-01',
      '2025-03-02',
    ]);
  });

  it('defaults to the 30 days ending today', () => {
    const period = resolvePeriod(undefined, undefined, '2025-03-30');
    expect(period.from).toBe('2025-03-01');
    expect(period.to).toBe('2025-03-30');
    expect(period.days).toHaveLength(30);
  });

  it('allows a single day', () => {
    expect(resolvePeriod('2025-03-10', '2025-03-10', '2025-03-30').days).toEqual(['2025-03-10']);
  });

  it('refuses a reversed period and one longer than 366 days', () => {
    expect(() => resolvePeriod('2025-03-11', '2025-03-10', '2025-03-30')).toThrow(/must not be after/);
    expect(() => resolvePeriod('2024-01-01', '2025-03-10', '2025-03-30')).toThrow(/at most 366/);
  });
});

describe('todayIn', () => {
  it('cuts the day in the given timezone', () => {
    const instant = new Date('2025-03-10T23:30:00Z');
    expect(todayIn('UTC', instant)).toBe('2025-03-10');
    expect(todayIn('Europe/Amsterdam', instant)).toBe('2025-03-11');
    expect(todayIn('America/New_York', instant)).toBe('2025-03-10');
  });
});

describe('safeTimezone', () => {
  it('falls back to UTC for an unknown zone', () => {
    expect(safeTimezone('Mars/Olympus')).toBe('UTC');
    expect(safeTimezone('Europe/Amsterdam')).toBe('Europe/Amsterdam');
  });
});
