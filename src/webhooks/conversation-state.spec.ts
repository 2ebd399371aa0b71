import { describe, expect, it } from 'vitest';
import { conversationSnapshot, SNAPSHOT_CREATED } from '../../test/support/conversation-snapshot';
import type { ConversationSnapshot } from './chatwoot-payload';
import { isAnnounced, planConversationUpdate, type StoredConversationState } from './conversation-state';

const created = SNAPSHOT_CREATED;
const snap = (patch: Partial<ConversationSnapshot>): ConversationSnapshot =>
  conversationSnapshot({
    displayId: 1,
    contact: { contactId: 1, identifier: 'c1', email: null, customAttributes: {} },
    ...patch,
  });

function stored(patch: Partial<StoredConversationState>): StoredConversationState {
  return {
    status: 'open',
    assigneeId: null,
    teamId: null,
    priority: null,
    lastEventAt: created.getTime() / 1000,
    ...patch,
  };
}

const t0 = created.getTime() / 1000;

describe('planConversationUpdate', () => {
  it('treats an unknown conversation as new', () => {
    const plan = planConversationUpdate(null, snap({}));
    expect(plan.transitions.isNew).toBe(true);
    expect(isAnnounced(plan.transitions)).toBe(true);
  });

  it('notices a status change', () => {
    const plan = planConversationUpdate(stored({}), snap({ status: 'resolved', updatedAt: t0 + 600.5 }));
    expect(plan.transitions.statusChanged).toBe(true);
    expect(isAnnounced(plan.transitions)).toBe(true);
  });

  it('ignores an older or identical snapshot', () => {
    const prev = stored({ status: 'resolved', lastEventAt: t0 + 600 });
    for (const updatedAt of [t0 + 300, t0 + 600]) {
      const plan = planConversationUpdate(prev, snap({ status: 'open', assigneeId: 4, updatedAt }));
      expect(plan.transitions.stale).toBe(true);
      expect(plan.transitions.statusChanged).toBe(false);
      expect(isAnnounced(plan.transitions)).toBe(false);
    }
  });

  it('notices assignment, team and priority changes', () => {
    const plan = planConversationUpdate(stored({}), snap({ assigneeId: 7, teamId: 2, priority: 'high', updatedAt: t0 + 1 }));
    expect(plan.transitions).toMatchObject({
      assigneeChanged: true,
      teamChanged: true,
      priorityChanged: true,
      statusChanged: false,
    });
    expect(isAnnounced(plan.transitions)).toBe(true);
  });
});
