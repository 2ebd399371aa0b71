import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreDirectory } from '../accounts/store-directory.service';
import { NotFoundError, UnprocessableError } from '../common/errors/domain-error';
import type { DomainEvents } from '../common/events/domain-events';
import { JobQueue } from '../jobs/job-queue.service';
import { MetricsService } from '../observability/metrics.service';
import { chooseAttribution, isAttributableStatus } from './attribution.rules';
import type { AttributionDto, CreateAttributionDto } from './dto/attribution.dto';
import { ChatAttributionRepository, type ChatAttributions } from './chat-attribution.repository';
import { StorefrontActivityRepository } from './storefront-activity.repository';
import { TrackedFactsRepository, type ConversationRow, type OrderRow } from './tracked-facts.repository';
import { SESSION_LINKED_QUEUE, type SessionLinkedJob } from './tracking-ingest.service';

/**
 * Chat-to-sale: keeps the order and conversation facts tracking needs (from the durable events
 * of contacts and webhooks) and credits each order to at most one conversation.
 */
@Injectable()
export class AttributionService {
  private readonly logger = new Logger(AttributionService.name);
  private readonly attributed;

  constructor(
    private readonly db: DataSource,
    private readonly facts: TrackedFactsRepository,
    private readonly attributions: ChatAttributionRepository,
    private readonly activity: StorefrontActivityRepository,
    private readonly stores: StoreDirectory,
    jobs: JobQueue,
    metrics: MetricsService,
  ) {
    this.attributed = metrics.counter('tracking_attributions_total', 'Orders credited to a conversation', ['source', 'match']);
    jobs.on('order.changed', 'tracking.attribute-order', (data) => this.onOrderChanged(data), { retryLimit: 5 });
    jobs.on('conversation.changed', 'tracking.conversation', (data) => this.onConversationChanged(data), { retryLimit: 5 });
    jobs.register(SESSION_LINKED_QUEUE, (data) => this.onSessionLinked(data), { retryLimit: 5 });
  }

  async onOrderChanged(order: DomainEvents['order.changed']): Promise<void> {
    const windowHours = await this.windowHours(order.storeId);
    if (windowHours === null) return;
    await this.facts.forStore(order.storeId).upsertOrder({
      orderId: order.orderId,
      customerId: order.customerId,
      status: order.status,
      totalAmount: order.totalAmount,
      currency: order.currency,
      placedAt: new Date(order.placedAt),
      sessionId: order.sessionId ?? null,
    });
    await this.evaluateOrder(order.storeId, order.orderId, windowHours);
  }

  async onConversationChanged(conversation: DomainEvents['conversation.changed']): Promise<void> {
    const windowHours = await this.windowHours(conversation.storeId);
    if (windowHours === null) return;
    await this.facts.forStore(conversation.storeId).upsertConversation({
      displayId: conversation.displayId,
      contactId: conversation.contactId,
      customerId: conversation.customerId,
      sessionId: conversation.sessionId ?? null,
      assigneeId: conversation.assigneeId,
      status: conversation.status,
      createdAt: new Date(conversation.createdAt),
    });
    await this.reevaluateConversation(conversation.storeId, conversation.displayId, windowHours);
  }

  /** A session got its customer after it chatted: that customer's orders may now match by session. */
  async onSessionLinked(job: SessionLinkedJob): Promise<void> {
    const windowHours = await this.windowHours(job.storeId);
    if (windowHours === null) return;
    const conversations = await this.facts.forStore(job.storeId).conversationsInSession(job.sessionId);
    for (const displayId of conversations) await this.reevaluateConversation(job.storeId, displayId, windowHours);
  }

  /** Explicit credit from the platform; it overrides (and is never overridden by) automatic attribution. */
  async attribute(storeId: string, input: CreateAttributionDto): Promise<AttributionDto> {
    await this.stores.get(storeId);
    const facts = this.facts.forStore(storeId);
    const order = await facts.order(input.orderId);
    if (!order) {
      throw new NotFoundError(
        `Order ${input.orderId} (send it first with PUT /v1/stores/${storeId}/orders/${input.orderId}; it may take a moment to arrive)`,
        'ORDER_NOT_FOUND',
      );
    }
    if (!isAttributableStatus(order.status)) {
      throw new UnprocessableError(
        `Order ${input.orderId} is ${order.status}: cancelled or refunded orders cannot be attributed`,
        'ORDER_NOT_ATTRIBUTABLE',
      );
    }
    const conversation = await facts.conversation(input.conversationId);
    if (!conversation) throw new NotFoundError(`Conversation ${input.conversationId}`, 'CONVERSATION_NOT_FOUND');

    await this.db.transaction(async (m) => {
      const attributions = this.attributions.forStore(storeId, m);
      await attributions.lockOrder(input.orderId);
      await this.upsert(attributions, order, conversation, 'manual', 'manual');
    });
    this.attributed.inc({ source: 'manual', match: 'manual' });
    return this.get(storeId, input.orderId);
  }

  async get(storeId: string, orderId: string): Promise<AttributionDto> {
    const row = await this.attributions.forStore(storeId).get(orderId);
    if (!row) throw new NotFoundError(`Attribution of order ${orderId}`, 'ATTRIBUTION_NOT_FOUND');
    return {
      orderId: row.orderId,
      conversationId: row.conversationDisplayId,
      source: row.source,
      match: row.match,
      customerId: row.customerId,
      totalAmount: row.totalAmount,
      currency: row.currency,
      placedAt: row.placedAt.toISOString(),
      conversationCreatedAt: row.conversationCreatedAt.toISOString(),
    };
  }

  /** Orders this conversation may have converted, plus those it is credited with now. */
  private async reevaluateConversation(storeId: string, displayId: number, windowHours: number): Promise<void> {
    const orders = await this.facts.forStore(storeId).ordersToReevaluate(displayId, windowHours);
    for (const orderId of orders) await this.evaluateOrder(storeId, orderId, windowHours);
  }

  /** Recomputes one order's credit from the facts at hand; serialised per order. */
  private async evaluateOrder(storeId: string, orderId: string, windowHours: number): Promise<void> {
    const outcome = await this.db.transaction(async (m) => {
      const attributions = this.attributions.forStore(storeId, m);
      const facts = this.facts.forStore(storeId, m);
      await attributions.lockOrder(orderId);
      const order = await facts.order(orderId);
      if (!order) return null;
      const existing = await attributions.sourceOf(orderId);
      if (!isAttributableStatus(order.status)) {
        if (existing) await attributions.remove(orderId);
        return null;
      }
      if (existing === 'manual') {
        await attributions.refreshOrderFigures(orderId, order.totalAmount, order.currency, order.placedAt);
        return null;
      }
      const sessions = await this.activity.forStore(storeId, m).sessionIdsOf(order.customerId);
      // The customer's tracked sessions, plus the one the order itself says it was placed in.
      const sessionIds = [...new Set([...sessions, ...(order.sessionId ? [order.sessionId] : [])])];
      const conversations = await facts.candidateConversations(order.placedAt, windowHours, order.customerId, sessionIds);
      const choice = chooseAttribution(
        {
          orderId,
          customerId: order.customerId,
          status: order.status,
          placedAt: order.placedAt,
          sessionIds,
        },
        conversations,
        windowHours,
      );
      if (!choice) {
        if (existing) await attributions.remove(orderId);
        return null;
      }
      const conversation = conversations.find((c) => c.displayId === choice.displayId)!;
      await this.upsert(attributions, order, conversation, 'auto', choice.match);
      return existing ? null : choice.match;
    });
    if (outcome) {
      this.attributed.inc({ source: 'auto', match: outcome });
      this.logger.log({ storeId, orderId, match: outcome }, 'order attributed to a conversation');
    }
  }

  private upsert(
    attributions: ChatAttributions,
    order: OrderRow,
    conversation: ConversationRow,
    source: 'auto' | 'manual',
    match: 'customer' | 'session' | 'manual',
  ): Promise<void> {
    return attributions.upsert({
      orderId: order.orderId,
      conversationDisplayId: conversation.displayId,
      customerId: order.customerId,
      sessionId: match === 'customer' ? null : conversation.sessionId,
      source,
      match,
      totalAmount: order.totalAmount,
      currency: order.currency,
      placedAt: order.placedAt,
      conversationCreatedAt: conversation.createdAt,
    });
  }

  /** The store's attribution window, or null when the store is gone (late events after deletion). */
  private async windowHours(storeId: string): Promise<number | null> {
    const store = await this.stores.find(storeId);
    return store ? store.settings.attributionWindowHours : null;
  }
}
