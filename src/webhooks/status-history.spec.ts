import { describe, expect, it } from 'vitest';
import { redundantPoints, summarizeStatus, type StatusPoint } from './status-history';

const p = (at: number, status: string, exact = false): StatusPoint => ({ at, status, exact });

describe('summarizeStatus', () => {
  it('counts a resolution and a reopen that no payload shows (every payload said open)', () => {
    const points = [p(0, 'open'), p(2000, 'open'), p(1000, 'resolved', true), p(2000, 'open', true)];
    expect(summarizeStatus(points)).toEqual({ resolutions: 1, lastResolvedAt: 1000, reopens: 1 });
  });

  it('gives the same answer whatever order the points arrive in', () => {
    const points = [p(0, 'open'), p(1000, 'resolved', true), p(1500, 'resolved'), p(2000, 'open'), p(3000, 'resolved')];
    const expected = { resolutions: 2, lastResolvedAt: 3000, reopens: 1 };
    expect(summarizeStatus(points)).toEqual(expected);
    expect(summarizeStatus([...points].reverse())).toEqual(expected);
  });

  it('does not count a payload repeating a resolution as another one', () => {
    expect(summarizeStatus([p(0, 'open'), p(1000, 'resolved', true), p(1400, 'resolved')])).toEqual({
      resolutions: 1,
      lastResolvedAt: 1000,
      reopens: 0,
    });
  });

  it('counts a conversation first seen resolved as resolved, and pending after resolved as no reopen', () => {
    expect(summarizeStatus([p(5000, 'resolved'), p(6000, 'pending')])).toEqual({
      resolutions: 1,
      lastResolvedAt: 5000,
      reopens: 0,
    });
  });
});

describe('redundantPoints', () => {
  it('drops payload points between two of the same status, never exact ones or the ends', () => {
    const points = [p(0, 'open'), p(100, 'open'), p(200, 'open', true), p(300, 'open'), p(400, 'resolved')];
    expect(redundantPoints(points).map((point) => point.at)).toEqual([100]);
    const kept = points.filter((point) => !redundantPoints(points).includes(point));
    expect(summarizeStatus(kept)).toEqual(summarizeStatus(points));
  });
});
