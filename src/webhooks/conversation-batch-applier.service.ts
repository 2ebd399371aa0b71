import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CustomerDirectoryService } from '../contacts/customer-directory.service';
import { JobQueue } from '../jobs/job-queue.service';
import type { ConversationSnapshot, MessageFacts } from './chatwoot-payload';
import { CONVERSATION_EFFECTS_QUEUE } from './conversation-effects.service';
import { planConversationEffects, type ConversationEffect } from './conversation-effects.planner';
import { ConversationFold, type ConversationDelivery } from './conversation-fold';
import {
  ConversationBatchRepository,
  messageKey,
  type BatchStatusPoint,
  type ConversationKey,
} from './conversation-batch.repository';
import type { DeliveryContext } from './delivery-context';
import type { RecordedStatusChange } from './status-history';
import { WebhookMetrics } from './webhook-metrics';
import type { DomainEvents } from '../common/events/domain-events';

/** A conversation-bearing delivery of a drain batch, parsed (see WebhookEventHandlers.conversationChange). */
export interface BatchDelivery {
  ctx: DeliveryContext;
  event: string;
  snapshot: ConversationSnapshot;
  message: MessageFacts | null;
  statusChange: RecordedStatusChange | null;
}

/** What one batch covered. */
export interface BatchStats {
  conversations: number;
  deliveries: number;
}

/**
 * ConversationApplier for a whole drain batch: contacts resolved once per store, then one
 * transaction that locks every conversation of the batch (fixed order), reads their rows,
 * status histories and known messages with one statement each, folds every delivery in delivery
 * order in memory (ConversationFold) and writes the end state with multi-row statements. The
 * effects and announcements, planned per delivery exactly as the per-delivery path plans them,
 * are inserted as jobs by the same transaction: they exist exactly when the state that planned
 * them is committed, and no worker runs one before.
 */
@Injectable()
export class ConversationBatchApplier {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly batch: ConversationBatchRepository,
    private readonly customers: CustomerDirectoryService,
    private readonly jobs: JobQueue,
    private readonly metrics: WebhookMetrics,
  ) {}

  /** Applies `deliveries` (in the order given, which is delivery order); throws when nothing was committed. */
  async applyMany(deliveries: BatchDelivery[]): Promise<BatchStats> {
    const resolved = await this.resolveContacts(deliveries);
    const byConversation = new Map<string, { key: ConversationKey; items: number[] }>();
    deliveries.forEach((d, i) => {
      const id = `${d.ctx.storeId}\u0000${d.snapshot.displayId}`;
      let group = byConversation.get(id);
      if (!group)
        byConversation.set(id, (group = { key: { storeId: d.ctx.storeId, displayId: d.snapshot.displayId }, items: [] }));
      group.items.push(i);
    });
    const keys = [...byConversation.values()].map((g) => g.key);
    const changes = new Array<ReturnType<ConversationFold['apply']>>(deliveries.length);

    await this.dataSource.transaction(async (tx) => {
      await this.batch.lockAll(tx, keys);
      const rows = await this.batch.load(tx, keys);
      const histories = await this.batch.statusHistories(tx, keys);
      const messageIds = deliveries.flatMap((d) =>
        d.message ? [{ storeId: d.ctx.storeId, messageId: d.message.messageId }] : [],
      );
      const seen = await this.batch.knownMessages(tx, messageIds);
      const rowOf = new Map(rows.map((r) => [`${r.storeId}\u0000${r.displayId}`, r]));
      const pointsOf = new Map<string, BatchStatusPoint[]>();
      for (const p of histories) {
        const id = `${p.storeId}\u0000${p.displayId}`;
        pointsOf.set(id, [...(pointsOf.get(id) ?? []), p]);
      }

      const folds: ConversationFold[] = [];
      for (const [id, { key, items }] of byConversation) {
        const initial = (pointsOf.get(id) ?? []).map(({ at, status, exact }) => ({ at, status, exact }));
        const fold = new ConversationFold(key.storeId, key.displayId, rowOf.get(id) ?? null, initial, (messageId) => {
          const k = messageKey(key.storeId, messageId);
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        });
        for (const i of items) changes[i] = fold.apply({ ...deliveries[i], ...resolved[i] });
        folds.push(fold);
      }

      const writes = folds.map((f) => ({ row: f.row!, touched: f.touched, csatChanged: f.csatChanged, isNew: f.isNew }));
      await this.batch.insert(
        tx,
        writes.filter((w) => w.isNew),
      );
      await this.batch.update(
        tx,
        writes.filter((w) => !w.isNew),
      );
      const saved: BatchStatusPoint[] = [];
      const removed: BatchStatusPoint[] = [];
      for (const f of folds) {
        const moved = f.statusPointChanges();
        for (const p of moved.saved) saved.push({ storeId: f.storeId, displayId: f.displayId, ...p });
        for (const p of moved.removed) removed.push({ storeId: f.storeId, displayId: f.displayId, ...p });
      }
      await this.batch.removeStatusPoints(tx, removed);
      await this.batch.saveStatusPoints(tx, saved);
      const messages = folds.flatMap((f) =>
        f.newMessages.map((message) => ({ storeId: f.storeId, displayId: f.displayId, message })),
      );
      const inserted = await this.batch.insertMessages(tx, messages);
      // The locks cover the ledger only through its conversations: anything else means a message
      // moved or a writer without the lock, and the per-delivery path settles it instead.
      if (inserted !== messages.length)
        throw new Error(`message ledger changed under the batch (${inserted}/${messages.length})`);

      const effects: ConversationEffect[] = [];
      const announcements: DomainEvents['conversation.changed'][] = [];
      deliveries.forEach((d, i) => {
        const plan = planConversationEffects(
          d.ctx.storeId,
          d.snapshot,
          resolved[i].customerId,
          changes[i],
          d.ctx.settings.lowCsatThreshold,
        );
        effects.push(...plan.effects);
        if (plan.announcement) announcements.push(plan.announcement);
      });
      await this.jobs.sendMany(
        CONVERSATION_EFFECTS_QUEUE,
        effects.map((data) => ({ data })),
        { tx },
      );
      await this.jobs.publishMany('conversation.changed', announcements, { tx });
    });

    this.jobs.wake(CONVERSATION_EFFECTS_QUEUE);
    this.jobs.wakeSubscribers('conversation.changed');
    for (const d of deliveries) this.metrics.conversations.inc({ event: d.event });
    return { conversations: keys.length, deliveries: deliveries.length };
  }

  /** Each delivery's customer and tier: one resolveMany per store. */
  private async resolveContacts(deliveries: BatchDelivery[]): Promise<Pick<ConversationDelivery, 'customerId' | 'tier'>[]> {
    const byStore = new Map<string, number[]>();
    deliveries.forEach((d, i) => byStore.set(d.ctx.storeId, [...(byStore.get(d.ctx.storeId) ?? []), i]));
    const resolved = new Array<Pick<ConversationDelivery, 'customerId' | 'tier'>>(deliveries.length);
    for (const [storeId, items] of byStore) {
      const answers = await this.customers.resolveMany(
        storeId,
        items.map((i) => deliveries[i].snapshot.contact),
      );
      items.forEach((i, k) => (resolved[i] = answers[k]));
    }
    return resolved;
  }
}
