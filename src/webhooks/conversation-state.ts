import type { ConversationSnapshot } from './chatwoot-payload';

/** The stored state a new snapshot is compared with. */
export interface StoredConversationState {
  status: string;
  assigneeId: number | null;
  teamId: number | null;
  priority: string | null;
  lastEventAt: number;
  createdAt: Date;
  resolvedAt: Date | null;
}

export interface ConversationTransitions {
  isNew: boolean;
  /** The snapshot is older than (or the same as) what is stored: state is left alone. */
  stale: boolean;
  statusChanged: boolean;
  resolved: boolean;
  reopened: boolean;
  assigneeChanged: boolean;
  teamChanged: boolean;
  priorityChanged: boolean;
}

export interface ConversationPlan {
  transitions: ConversationTransitions;
  /** Values to write when not stale. */
  resolvedAt: Date | null;
  resolutionSeconds: number | null;
  reopenIncrement: number;
}

/**
 * Newer wins: a snapshot only moves state forward when its `updated_at` is newer than the
 * stored one, so duplicates and late deliveries change nothing and count nothing twice.
 */
export function planConversationUpdate(prev: StoredConversationState | null, next: ConversationSnapshot): ConversationPlan {
  const stale = prev !== null && next.updatedAt <= prev.lastEventAt;
  const wasResolved = prev?.status === 'resolved';
  const isResolved = next.status === 'resolved';
  const resolved = !stale && isResolved && !wasResolved;
  const reopened = !stale && wasResolved && next.status === 'open';
  let resolvedAt = prev?.resolvedAt ?? null;
  if (resolved) resolvedAt = new Date(Math.round(next.updatedAt * 1000));
  const createdAt = prev?.createdAt ?? next.createdAt;
  return {
    transitions: {
      isNew: prev === null,
      stale,
      statusChanged: !stale && prev !== null && prev.status !== next.status,
      resolved,
      reopened,
      assigneeChanged: !stale && prev !== null && prev.assigneeId !== next.assigneeId,
      teamChanged: !stale && prev !== null && prev.teamId !== next.teamId,
      priorityChanged: !stale && prev !== null && prev.priority !== next.priority,
    },
    resolvedAt,
    resolutionSeconds: resolvedAt ? Math.max(0, Math.round((resolvedAt.getTime() - createdAt.getTime()) / 1000)) : null,
    reopenIncrement: reopened ? 1 : 0,
  };
}

/** Whether other modules hear about it (`conversation.changed`). */
export function isAnnounced(t: ConversationTransitions): boolean {
  return !t.stale && (t.isNew || t.statusChanged || t.assigneeChanged || t.teamChanged || t.priorityChanged);
}
