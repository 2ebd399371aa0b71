import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository, type EntityManager } from 'typeorm';
import { StoreDirectory } from '../accounts/store-directory.service';
import { resolveStoreSettings } from '../accounts/store-settings';
import { NotFoundError, UnprocessableError } from '../common/errors/domain-error';
import type { DomainEvents } from '../common/events/domain-events';
import { JobQueue } from '../jobs/job-queue.service';
import { MetricsService } from '../observability/metrics.service';
import { chooseAttribution, isAttributableStatus } from './attribution.rules';
import type { AttributionDto, CreateAttributionDto } from './dto/attribution.dto';
import { ChatAttribution } from './entities/chat-attribution.entity';
import { SESSION_LINKED_QUEUE, type SessionLinkedJob } from './tracking-ingest.service';

interface OrderRow {
  order_id: string;
  customer_id: string;
  session_id: string | null;
  status: string;
  total_amount: string;
  currency: string;
  placed_at: Date;
}

interface ConversationRow {
  display_id: number;
  customer_id: string | null;
  session_id: string | null;
  created_at: Date;
}

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
    @InjectRepository(ChatAttribution) private readonly attributions: Repository<ChatAttribution>,
    private readonly stores: StoreDirectory,
    jobs: JobQueue,
    metrics: MetricsService,
  ) {
    this.attributed = metrics.counter('tracking_attributions_total', 'Orders credited to a conversation', ['source', 'match']);
    jobs.on('order.changed', 'tracking.attribute-order', (data) => this.onOrderChanged(data), { retryLimit: 5 });
    jobs.on('conversation.changed', 'tracking.conversation', (data) => this.onConversationChanged(data), { retryLimit: 5 });
    jobs.register<SessionLinkedJob>(SESSION_LINKED_QUEUE, (data) => this.onSessionLinked(data), { retryLimit: 5 });
  }

  async onOrderChanged(order: DomainEvents['order.changed']): Promise<void> {
    const windowHours = await this.windowHours(order.storeId);
    if (windowHours === null) return;
    await this.db.query(
      `insert into tracked_orders as o (store_id, order_id, customer_id, status, total_amount, currency, placed_at, session_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (store_id, order_id) do update set
         customer_id = excluded.customer_id, status = excluded.status, total_amount = excluded.total_amount,
         currency = excluded.currency, placed_at = excluded.placed_at,
         session_id = coalesce(excluded.session_id, o.session_id), updated_at = now()`,
      [
        order.storeId,
        order.orderId,
        order.customerId,
        order.status,
        order.totalAmount,
        order.currency,
        new Date(order.placedAt),
        order.sessionId ?? null,
      ],
    );
    await this.evaluateOrder(order.storeId, order.orderId, windowHours);
  }

  async onConversationChanged(conversation: DomainEvents['conversation.changed']): Promise<void> {
    const windowHours = await this.windowHours(conversation.storeId);
    if (windowHours === null) return;
    // A later event without a session or customer does not forget what an earlier one said.
    await this.db.query(
      `insert into tracked_conversations as c
         (store_id, display_id, contact_id, customer_id, session_id, assignee_id, status, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (store_id, display_id) do update set
         contact_id = coalesce(excluded.contact_id, c.contact_id),
         customer_id = coalesce(excluded.customer_id, c.customer_id),
         session_id = coalesce(excluded.session_id, c.session_id),
         assignee_id = excluded.assignee_id,
         status = excluded.status,
         created_at = excluded.created_at,
         updated_at = now()`,
      [
        conversation.storeId,
        conversation.displayId,
        conversation.contactId,
        conversation.customerId,
        conversation.sessionId ?? null,
        conversation.assigneeId,
        conversation.status,
        new Date(conversation.createdAt),
      ],
    );
    await this.reevaluateConversation(conversation.storeId, conversation.displayId, windowHours);
  }

  /** A session got its customer after it chatted: that customer's orders may now match by session. */
  async onSessionLinked(job: SessionLinkedJob): Promise<void> {
    const windowHours = await this.windowHours(job.storeId);
    if (windowHours === null) return;
    const conversations = (await this.db.query(
      'select display_id from tracked_conversations where store_id = $1 and session_id = $2',
      [job.storeId, job.sessionId],
    )) as { display_id: number }[];
    for (const c of conversations) await this.reevaluateConversation(job.storeId, c.display_id, windowHours);
  }

  /** Explicit credit from the platform; it overrides (and is never overridden by) automatic attribution. */
  async attribute(storeId: string, input: CreateAttributionDto): Promise<AttributionDto> {
    await this.stores.get(storeId);
    const [order] = (await this.db.query(
      'select order_id, customer_id, session_id, status, total_amount, currency, placed_at from tracked_orders where store_id = $1 and order_id = $2',
      [storeId, input.orderId],
    )) as OrderRow[];
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
    const [conversation] = (await this.db.query(
      'select display_id, customer_id, session_id, created_at from tracked_conversations where store_id = $1 and display_id = $2',
      [storeId, input.conversationId],
    )) as ConversationRow[];
    if (!conversation) throw new NotFoundError(`Conversation ${input.conversationId}`, 'CONVERSATION_NOT_FOUND');

    await this.db.transaction(async (m) => {
      await this.lockOrder(m, storeId, input.orderId);
      await this.upsert(m, storeId, order, conversation, 'manual', 'manual');
    });
    this.attributed.inc({ source: 'manual', match: 'manual' });
    return this.get(storeId, input.orderId);
  }

  async get(storeId: string, orderId: string): Promise<AttributionDto> {
    const row = await this.attributions.findOne({ where: { storeId, orderId } });
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
    const orders = (await this.db.query(
      `select o.order_id from tracked_conversations c
         join tracked_orders o on o.store_id = c.store_id
          and o.placed_at >= c.created_at and o.placed_at < c.created_at + $3::float8 * interval '1 hour'
          and (o.customer_id = c.customer_id
               or o.session_id = c.session_id
               or o.customer_id in (select s.customer_id from tracking_sessions s
                                     where s.store_id = c.store_id and s.session_id = c.session_id and s.customer_id is not null))
        where c.store_id = $1 and c.display_id = $2
       union
       select order_id from chat_attributions where store_id = $1 and conversation_display_id = $2 and source = 'auto'`,
      [storeId, displayId, windowHours],
    )) as { order_id: string }[];
    for (const o of orders) await this.evaluateOrder(storeId, o.order_id, windowHours);
  }

  /** Recomputes one order's credit from the facts at hand; serialised per order. */
  private async evaluateOrder(storeId: string, orderId: string, windowHours: number): Promise<void> {
    const outcome = await this.db.transaction(async (m) => {
      await this.lockOrder(m, storeId, orderId);
      const [order] = (await m.query(
        'select order_id, customer_id, session_id, status, total_amount, currency, placed_at from tracked_orders where store_id = $1 and order_id = $2',
        [storeId, orderId],
      )) as OrderRow[];
      if (!order) return null;
      const [existing] = (await m.query('select source from chat_attributions where store_id = $1 and order_id = $2', [
        storeId,
        orderId,
      ])) as { source: string }[];
      if (!isAttributableStatus(order.status)) {
        if (existing) await m.query('delete from chat_attributions where store_id = $1 and order_id = $2', [storeId, orderId]);
        return null;
      }
      if (existing?.source === 'manual') {
        await m.query(
          `update chat_attributions set total_amount = $3, currency = $4, placed_at = $5, updated_at = now()
            where store_id = $1 and order_id = $2`,
          [storeId, orderId, order.total_amount, order.currency, order.placed_at],
        );
        return null;
      }
      const sessions = (await m.query('select session_id from tracking_sessions where store_id = $1 and customer_id = $2', [
        storeId,
        order.customer_id,
      ])) as { session_id: string }[];
      // The customer's tracked sessions, plus the one the order itself says it was placed in.
      const sessionIds = [...new Set([...sessions.map((s) => s.session_id), ...(order.session_id ? [order.session_id] : [])])];
      // A slightly wider net than the window; the rules decide the exact edges.
      const conversations = (await m.query(
        `select display_id, customer_id, session_id, created_at from tracked_conversations
          where store_id = $1 and created_at <= $2 and created_at >= $2::timestamptz - ($3::float8 + 1) * interval '1 hour'
            and (customer_id = $4 or session_id = any($5::text[]))`,
        [storeId, order.placed_at, windowHours, order.customer_id, sessionIds],
      )) as ConversationRow[];
      const choice = chooseAttribution(
        {
          orderId,
          customerId: order.customer_id,
          status: order.status,
          placedAt: order.placed_at,
          sessionIds,
        },
        conversations.map((c) => ({
          displayId: c.display_id,
          customerId: c.customer_id,
          sessionId: c.session_id,
          createdAt: c.created_at,
        })),
        windowHours,
      );
      if (!choice) {
        if (existing) await m.query('delete from chat_attributions where store_id = $1 and order_id = $2', [storeId, orderId]);
        return null;
      }
      const conversation = conversations.find((c) => c.display_id === choice.displayId)!;
      await this.upsert(m, storeId, order, conversation, 'auto', choice.match);
      return existing ? null : choice.match;
    });
    if (outcome) {
      this.attributed.inc({ source: 'auto', match: outcome });
      this.logger.log({ storeId, orderId, match: outcome }, 'order attributed to a conversation');
    }
  }

  private async upsert(
    m: EntityManager,
    storeId: string,
    order: OrderRow,
    conversation: ConversationRow,
    source: 'auto' | 'manual',
    match: 'customer' | 'session' | 'manual',
  ): Promise<void> {
    await m.query(
      `insert into chat_attributions as a
         (store_id, order_id, conversation_display_id, customer_id, session_id, source, match,
          total_amount, currency, placed_at, conversation_created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       on conflict (store_id, order_id) do update set
         conversation_display_id = excluded.conversation_display_id, customer_id = excluded.customer_id,
         session_id = excluded.session_id, source = excluded.source, match = excluded.match,
         total_amount = excluded.total_amount, currency = excluded.currency, placed_at = excluded.placed_at,
         conversation_created_at = excluded.conversation_created_at, updated_at = now()`,
      [
        storeId,
        order.order_id,
        conversation.display_id,
        order.customer_id,
        match === 'customer' ? null : conversation.session_id,
        source,
        match,
        order.total_amount,
        order.currency,
        order.placed_at,
        conversation.created_at,
      ],
    );
  }

  private async lockOrder(m: EntityManager, storeId: string, orderId: string): Promise<void> {
    await m.query('select pg_advisory_xact_lock(hashtext($1))', [`tracking.attribution:${storeId}:${orderId}`]);
  }

  /** The store's attribution window, or null when the store is gone (late events after deletion). */
  private async windowHours(storeId: string): Promise<number | null> {
    const store = await this.stores.find(storeId);
    return store ? resolveStoreSettings(store.settings).attributionWindowHours : null;
  }
}
