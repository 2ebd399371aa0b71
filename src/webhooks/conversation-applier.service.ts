import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobQueue } from '../jobs/job-queue.service';
import type { ConversationSnapshot, MessageFacts } from './chatwoot-payload';
import { CONVERSATION_EFFECTS_QUEUE } from './conversation-effects.service';
import { planConversationEffects, type AppliedChange, type ConversationEffect } from './conversation-effects.planner';
import { planConversationUpdate } from './conversation-state';
import { ConversationRepository, type StoreConversations } from './conversation.repository';
import type { DeliveryContext } from './delivery-context';
import { CustomerDirectoryService } from '../contacts/customer-directory.service';
import { redundantPoints, summarizeStatus, type RecordedStatusChange, type StatusPoint } from './status-history';
import { WebhookMetrics } from './webhook-metrics';

export interface AppliedConversation {
  snapshot: ConversationSnapshot;
  customerId: string | null;
  announced: boolean;
  effects: ConversationEffect[];
}

/**
 * Applies a conversation snapshot (from a delivery or from reconciliation): state, message
 * counters, first response, status history and CSAT in one transaction under a per-conversation
 * advisory lock. The planned effects and the change's announcement are jobs inserted by that
 * same transaction, so none is lost after a commit and none runs before it.
 */
@Injectable()
export class ConversationApplier {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly conversations: ConversationRepository,
    private readonly customers: CustomerDirectoryService,
    private readonly jobs: JobQueue,
    private readonly metrics: WebhookMetrics,
  ) {}

  async apply(
    ctx: DeliveryContext,
    event: string,
    snapshot: ConversationSnapshot,
    message: MessageFacts | null,
    statusChange: RecordedStatusChange | null = null,
  ): Promise<AppliedConversation> {
    const { storeId } = ctx;
    const customerId = await this.customers.linkContact(storeId, snapshot.contact);
    // The tier is computed once, here, and stored: the effects read it from the conversation.
    const tier = await this.customers.tierOf(storeId, customerId, snapshot.contact);
    const plan = await this.dataSource.transaction(async (tx) => {
      const conversations = this.conversations.forStore(storeId, tx);
      await conversations.lock(snapshot.displayId);
      const prev = await conversations.stateOf(snapshot.displayId);
      const { transitions } = planConversationUpdate(prev, snapshot);
      if (!prev) await conversations.insertFromSnapshot(snapshot, customerId, tier);
      else if (!transitions.stale) await conversations.updateFromSnapshot(snapshot, customerId, tier);
      else if (customerId) await conversations.linkCustomer(snapshot.displayId, customerId);
      const resolvedAt = await recordStatus(conversations, snapshot, statusChange);
      if (snapshot.firstReplyAt) await conversations.recordFirstResponse(snapshot.displayId, snapshot.firstReplyAt);
      const csatRating = message ? await applyMessage(conversations, snapshot.displayId, message) : null;
      const change: AppliedChange = { transitions, resolvedAt, csatRating };
      // The effects are jobs of this transaction: they exist exactly when this change is committed.
      const planned = planConversationEffects(storeId, snapshot, customerId, change, ctx.settings.lowCsatThreshold);
      await this.jobs.sendMany(
        CONVERSATION_EFFECTS_QUEUE,
        planned.effects.map((data) => ({ data })),
        { tx },
      );
      if (planned.announcement) await this.jobs.publish('conversation.changed', planned.announcement, { tx });
      return planned;
    });
    this.jobs.wake(CONVERSATION_EFFECTS_QUEUE);
    if (plan.announcement) this.jobs.wakeSubscribers('conversation.changed');
    this.metrics.conversations.inc({ event });
    return { snapshot, customerId, announced: plan.announcement !== null, effects: plan.effects };
  }
}

/**
 * Adds what this event says about the status to the conversation's history (the payload's
 * status at its updated_at; the recorded change, and the status before it, at the change's
 * time) and brings resolution time and reopen count in line with it. Returns the resolution
 * time when this event revealed a new resolution.
 */
async function recordStatus(
  conversations: StoreConversations,
  s: ConversationSnapshot,
  change: RecordedStatusChange | null,
): Promise<Date | null> {
  const before = summarizeStatus(await conversations.statusHistory(s.displayId));
  const points: StatusPoint[] = [{ at: Math.floor(s.updatedAt * 1000), status: s.status, exact: false }];
  if (change) {
    points.push({ at: change.at, status: change.to, exact: true });
    if (change.from) points.push({ at: change.at - 1, status: change.from, exact: false });
  }
  for (const point of points) await conversations.addStatusPoint(s.displayId, point);
  const history = await conversations.statusHistory(s.displayId);
  await conversations.removeStatusPoints(
    s.displayId,
    redundantPoints(history).map((point) => point.at),
  );
  const after = summarizeStatus(history);
  if (after.lastResolvedAt !== before.lastResolvedAt || after.reopens !== before.reopens) {
    await conversations.applyResolution(s.displayId, {
      lastResolvedAt: after.lastResolvedAt === null ? null : new Date(after.lastResolvedAt),
      reopensAdded: after.reopens - before.reopens,
    });
  }
  return after.resolutions > before.resolutions && after.lastResolvedAt !== null ? new Date(after.lastResolvedAt) : null;
}

/** Counts, first response, and the CSAT rating; returns the rating when this message changed it. */
async function applyMessage(conversations: StoreConversations, displayId: number, msg: MessageFacts): Promise<number | null> {
  await conversations.recordMessage(displayId, msg);
  if (msg.humanResponse && !msg.private) await conversations.recordFirstResponse(displayId, msg.createdAt);
  if (!msg.csat) return null;
  return (await conversations.setCsat(displayId, msg.csat.rating, msg.csat.feedback)) ? msg.csat.rating : null;
}
