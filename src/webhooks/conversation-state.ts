import type { ConversationSnapshot } from './chatwoot-payload';

/** The stored state a new snapshot is compared with. */
export interface StoredConversationState {
  status: string;
  assigneeId: number | null;
  teamId: number | null;
  priority: string | null;
  lastEventAt: number;
}

export interface ConversationTransitions {
  isNew: boolean;
  /** The snapshot is older than (or the same as) what is stored: state is left alone. */
  stale: boolean;
  statusChanged: boolean;
  assigneeChanged: boolean;
  teamChanged: boolean;
  priorityChanged: boolean;
}

export interface ConversationPlan {
  transitions: ConversationTransitions;
}

/**
 * Newer wins: a snapshot only moves state forward when its `updated_at` is newer than the
 * stored one, so duplicates and late deliveries change nothing. Resolutions and reopens are not
 * read from here but from the status history (status-history.ts), which also sees changes no
 * snapshot shows.
 */
export function planConversationUpdate(prev: StoredConversationState | null, next: ConversationSnapshot): ConversationPlan {
  const stale = prev !== null && next.updatedAt <= prev.lastEventAt;
  return {
    transitions: {
      isNew: prev === null,
      stale,
      statusChanged: !stale && prev !== null && prev.status !== next.status,
      assigneeChanged: !stale && prev !== null && prev.assigneeId !== next.assigneeId,
      teamChanged: !stale && prev !== null && prev.teamId !== next.teamId,
      priorityChanged: !stale && prev !== null && prev.priority !== next.priority,
    },
  };
}

/** Whether other modules hear about it (`conversation.changed`). */
export function isAnnounced(t: ConversationTransitions): boolean {
  return !t.stale && (t.isNew || t.statusChanged || t.assigneeChanged || t.teamChanged || t.priorityChanged);
}
