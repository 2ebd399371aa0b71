import { describe, expect, it } from 'vitest';
import { DEFAULT_STORE_SETTINGS } from '../accounts/store-settings';
import { matchAssignmentRule, mergeLabels, resolveTeamId } from './conversation-routing';

describe('auto-assignment rules', () => {
  const rules = DEFAULT_STORE_SETTINGS.autoAssignment;

  it('routes Gold and Platinum by default, not Silver or unknown tiers', () => {
    expect(matchAssignmentRule(rules, 'Gold')?.team).toBe('vip');
    expect(matchAssignmentRule(rules, 'platinum')?.priority).toBe('high');
    expect(matchAssignmentRule(rules, 'Silver')).toBeUndefined();
    expect(matchAssignmentRule(rules, null)).toBeUndefined();
  });

  it('takes the first matching rule', () => {
    const custom = [
      { tiers: ['Silver' as const], agentId: 3 },
      { tiers: ['Silver' as const, 'Gold' as const], team: 9 },
    ];
    expect(matchAssignmentRule(custom, 'Silver')?.agentId).toBe(3);
    expect(matchAssignmentRule(custom, 'Gold')?.team).toBe(9);
  });

  it('resolves named teams through the store teams', () => {
    expect(resolveTeamId('vip', { vip: 12, managers: 11 })).toBe(12);
    expect(resolveTeamId('managers', { vip: 12, managers: 11 })).toBe(11);
    expect(resolveTeamId(5, {})).toBe(5);
    expect(resolveTeamId('vip', {})).toBeUndefined();
    expect(resolveTeamId(undefined, { vip: 1 })).toBeUndefined();
  });

  it('adds only missing labels', () => {
    expect(mergeLabels(['a'], ['vip'])).toEqual(['a', 'vip']);
    expect(mergeLabels(['vip'], ['vip'])).toBeUndefined();
    expect(mergeLabels([], undefined)).toBeUndefined();
  });
});
