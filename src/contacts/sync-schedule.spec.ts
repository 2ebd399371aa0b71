import { describe, expect, it } from 'vitest';
import { nextSyncAt } from './sync-schedule';

describe('nextSyncAt', () => {
  it('gives the next firing in the store time zone', () => {
    const from = new Date('2024-06-01T12:00:00Z');
    expect(nextSyncAt('0 3 * * *', 'UTC', from).toISOString()).toBe('2024-06-02T03:00:00.000Z');
    // 03:00 in Amsterdam (UTC+2 in summer) is 01:00 UTC.
    expect(nextSyncAt('0 3 * * *', 'Europe/Amsterdam', from).toISOString()).toBe('2024-06-02T01:00:00.000Z');
    expect(nextSyncAt('*/15 * * * *', 'UTC', from).toISOString()).toBe('2024-06-01T12:15:00.000Z');
  });

  it('falls back to the nightly default for a broken expression or zone', () => {
    const from = new Date('2024-06-01T12:00:00Z');
    expect(nextSyncAt('not a cron', 'UTC', from).toISOString()).toBe('2024-06-02T03:00:00.000Z');
    expect(nextSyncAt('0 3 * * *', 'Nowhere/Nope', from).toISOString()).toBe('2024-06-02T03:00:00.000Z');
  });
});
