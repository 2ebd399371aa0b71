import { describe, expect, it } from 'vitest';
import { conversationSnapshot, secondsAfterCreation, SNAPSHOT_CREATED } from '../../test/support/conversation-snapshot';
import type { ConversationSnapshot, MessageFacts } from './chatwoot-payload';
import { ConversationFold, type ConversationDelivery } from './conversation-fold';

const created = SNAPSHOT_CREATED;
const t = secondsAfterCreation;
const snap = conversationSnapshot;

function msg(patch: Partial<MessageFacts> = {}): MessageFacts {
  return {
    messageId: 1,
    messageType: 'incoming',
    private: false,
    senderType: 'contact',
    senderId: 3,
    contentType: 'text',
    createdAt: new Date(created.getTime() + 1000),
    csat: null,
    humanResponse: false,
    ...patch,
  };
}

function delivery(snapshot: ConversationSnapshot, message: MessageFacts | null = null): ConversationDelivery {
  return { event: 'x', snapshot, message, statusChange: null, customerId: 'c1', tier: null };
}

function fold(known: number[] = []): ConversationFold {
  const seen = new Set(known);
  return new ConversationFold('s1', 7, null, [], (id) => !seen.has(id) && !!seen.add(id));
}

describe('ConversationFold', () => {
  it('lets the newest snapshot win whatever order the deliveries come in', () => {
    const f = fold();
    expect(f.apply(delivery(snap({ updatedAt: t(10), assigneeId: 5 }))).transitions.isNew).toBe(true);
    const late = f.apply(delivery(snap({ updatedAt: t(5), assigneeId: 9 })));
    expect(late.transitions.stale).toBe(true);
    expect(f.row).toMatchObject({ assigneeId: 5, lastEventAt: t(10) });
    expect(f.apply(delivery(snap({ updatedAt: t(20), assigneeId: 9 }))).transitions.assigneeChanged).toBe(true);
    expect(f.row).toMatchObject({ assigneeId: 9, lastEventAt: t(20) });
  });

  it('counts a message once, whether the ledger or an earlier delivery of the batch has it', () => {
    const f = fold([2]);
    f.apply(delivery(snap(), msg({ messageId: 1 })));
    f.apply(delivery(snap(), msg({ messageId: 1 })));
    f.apply(delivery(snap(), msg({ messageId: 2, messageType: 'outgoing' })));
    expect(f.row).toMatchObject({ incomingCount: 1, outgoingCount: 0 });
    expect(f.newMessages.map((m) => m.messageId)).toEqual([1]);
  });

  it('keeps the earliest first response and reports a CSAT rating only when it changes', () => {
    const f = fold();
    const reply = (s: number) =>
      msg({ messageId: s, messageType: 'outgoing', humanResponse: true, createdAt: new Date(created.getTime() + s * 1000) });
    f.apply(delivery(snap(), reply(30)));
    f.apply(delivery(snap(), reply(12)));
    expect(f.row).toMatchObject({ firstResponseSeconds: 12 });
    const rated = msg({ messageId: 99, messageType: 'template', csat: { rating: 2, feedback: null } });
    expect(f.apply(delivery(snap(), rated)).csatRating).toBe(2);
    expect(f.apply(delivery(snap(), rated)).csatRating).toBeNull();
    expect(f.csatChanged).toBe(true);
  });

  it('reads resolutions and reopens off the history, including a change only changed_attributes recorded', () => {
    const f = fold();
    f.apply(delivery(snap({ updatedAt: t(0) })));
    const resolved = f.apply({
      ...delivery(snap({ updatedAt: t(10) })),
      statusChange: { from: 'open', to: 'resolved', at: t(8) * 1000 },
    });
    expect(resolved.resolvedAt).toEqual(new Date(t(8) * 1000));
    f.apply(delivery(snap({ updatedAt: t(20), status: 'open' })));
    expect(f.row).toMatchObject({ reopenCount: 1, resolutionSeconds: 8 });
    expect(f.statusPointChanges().removed).toEqual([]);
  });
});
