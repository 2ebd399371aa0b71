import type { DomainEvents } from '../common/events/domain-events';
import type { ConversationSnapshot } from './chatwoot-payload';
import { isAnnounced, type ConversationTransitions } from './conversation-state';

export type ConversationEffect =
  | { kind: 'opened'; storeId: string; displayId: number }
  | { kind: 'resolved'; storeId: string; displayId: number; resolvedAt: string }
  | { kind: 'low_csat'; storeId: string; displayId: number; rating: number };

/** What one applied snapshot changed in our tables. */
export interface AppliedChange {
  transitions: ConversationTransitions;
  /** Set when this event revealed a new resolution. */
  resolvedAt: Date | null;
  /** The rating when this event changed the CSAT rating or feedback. */
  csatRating: number | null;
}

export interface EffectsPlan {
  effects: ConversationEffect[];
  /** `conversation.changed` for other modules, or null when nothing they see changed. */
  announcement: DomainEvents['conversation.changed'] | null;
}

/**
 * Which effects follow from a change (run later as retried jobs) and whether other modules hear
 * of it. Pure: the store's settings come in resolved, nothing is read here.
 */
export function planConversationEffects(
  storeId: string,
  snapshot: ConversationSnapshot,
  customerId: string | null,
  change: AppliedChange,
  lowCsatThreshold: number,
): EffectsPlan {
  const displayId = snapshot.displayId;
  const effects: ConversationEffect[] = [];
  if (change.transitions.isNew && (snapshot.status === 'open' || snapshot.status === 'pending')) {
    effects.push({ kind: 'opened', storeId, displayId });
  }
  if (change.resolvedAt) effects.push({ kind: 'resolved', storeId, displayId, resolvedAt: change.resolvedAt.toISOString() });
  if (change.csatRating !== null && change.csatRating <= lowCsatThreshold) {
    effects.push({ kind: 'low_csat', storeId, displayId, rating: change.csatRating });
  }
  // A new rating changes what agents see (satisfaction score), so it is announced too.
  const announced = isAnnounced(change.transitions) || change.csatRating !== null;
  return {
    effects,
    announcement: announced
      ? {
          storeId,
          displayId,
          contactId: snapshot.contact.contactId,
          customerId,
          status: snapshot.status,
          createdAt: snapshot.createdAt.toISOString(),
          assigneeId: snapshot.assigneeId,
          sessionId: snapshot.sessionId ?? null,
        }
      : null,
  };
}
