import type { ConversationSnapshot } from '../../src/webhooks/chatwoot-payload';

/** When the unit specs' conversation was created. */
export const SNAPSHOT_CREATED = new Date('2026-01-01T10:00:00Z');

/** Seconds after creation, as Chatwoot's `updated_at` (epoch seconds, fractional). */
export const secondsAfterCreation = (seconds: number): number => SNAPSHOT_CREATED.getTime() / 1000 + seconds;

/** An open, unassigned conversation #7 of contact 3 (customer c1), as parsed from a payload; `patch` changes it. */
export function conversationSnapshot(patch: Partial<ConversationSnapshot> = {}): ConversationSnapshot {
  return {
    displayId: 7,
    accountId: 1,
    inboxId: 1,
    status: 'open',
    priority: null,
    labels: [],
    contact: { contactId: 3, identifier: 'c1', email: null, customAttributes: {} },
    assigneeId: null,
    teamId: null,
    createdAt: SNAPSHOT_CREATED,
    updatedAt: secondsAfterCreation(0),
    lastActivityAt: SNAPSHOT_CREATED,
    firstReplyAt: null,
    ...patch,
  };
}
