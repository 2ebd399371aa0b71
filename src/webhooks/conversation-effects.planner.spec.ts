import { describe, expect, it } from 'vitest';
import { conversationSnapshot, SNAPSHOT_CREATED } from '../../test/support/conversation-snapshot';
import { planConversationEffects, type AppliedChange } from './conversation-effects.planner';
import { planConversationUpdate } from './conversation-state';

const created = SNAPSHOT_CREATED;
const snap = conversationSnapshot;

const fresh = planConversationUpdate(null, snap()).transitions;
const stale = planConversationUpdate(
  { status: 'open', assigneeId: null, teamId: null, priority: null, lastEventAt: created.getTime() / 1000 },
  snap(),
).transitions;

function change(patch: Partial<AppliedChange>): AppliedChange {
  return { transitions: fresh, resolvedAt: null, csatRating: null, ...patch };
}

describe('planConversationEffects', () => {
  it('opens a new open or pending conversation and announces it', () => {
    const plan = planConversationEffects('s1', snap(), 'c1', change({}), 2);
    expect(plan.effects).toEqual([{ kind: 'opened', storeId: 's1', displayId: 7 }]);
    expect(plan.announcement).toMatchObject({ storeId: 's1', displayId: 7, customerId: 'c1', status: 'open', contactId: 3 });
    expect(planConversationEffects('s1', snap({ status: 'resolved' }), null, change({}), 2).effects).toEqual([]);
  });

  it('plans a low-CSAT effect only at or below the store threshold, and announces any new rating', () => {
    const at = (rating: number, threshold: number) =>
      planConversationEffects('s1', snap(), null, change({ transitions: stale, csatRating: rating }), threshold);
    expect(at(2, 2).effects).toEqual([{ kind: 'low_csat', storeId: 's1', displayId: 7, rating: 2 }]);
    expect(at(3, 2).effects).toEqual([]);
    expect(at(3, 3).effects).toHaveLength(1);
    expect(at(5, 2).announcement).not.toBeNull();
  });

  it('plans nothing and announces nothing for a duplicate', () => {
    expect(planConversationEffects('s1', snap(), 'c1', change({ transitions: stale }), 2)).toEqual({
      effects: [],
      announcement: null,
    });
  });

  it('plans the follow-up of a newly revealed resolution', () => {
    const resolvedAt = new Date('2026-01-01T11:00:00Z');
    const plan = planConversationEffects('s1', snap({ status: 'resolved' }), null, change({ transitions: stale, resolvedAt }), 2);
    expect(plan.effects).toEqual([{ kind: 'resolved', storeId: 's1', displayId: 7, resolvedAt: resolvedAt.toISOString() }]);
  });
});
