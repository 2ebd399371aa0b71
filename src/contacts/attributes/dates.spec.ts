import { describe, expect, it } from 'vitest';
import { isoDate } from './dates';

describe('isoDate', () => {
  it('gives YYYY-MM-DD in the store time zone', () => {
    const lateEvening = new Date('2024-03-05T23:30:00Z');
    expect(isoDate(lateEvening, 'UTC')).toBe('2024-03-05');
    expect(isoDate(lateEvening, 'Europe/Amsterdam')).toBe('2024-03-06');
    expect(isoDate(lateEvening, 'America/New_York')).toBe('2024-03-05');
  });

  it('is null without a date and falls back to UTC for an unknown zone', () => {
    expect(isoDate(null)).toBeNull();
    expect(isoDate(new Date('invalid'))).toBeNull();
    expect(isoDate(new Date('2024-01-02T03:04:05Z'), 'Mars/Olympus')).toBe('2024-01-02');
  });
});
