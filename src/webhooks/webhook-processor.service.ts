import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { StoreDirectory } from '../accounts/store-directory.service';
import { resolveStoreSettings } from '../accounts/store-settings';
import { ChatwootApiError } from '../chatwoot/chatwoot-api.error';
import { enqueueTick } from '../jobs/cron-enqueuer';
import { JobQueue } from '../jobs/job-queue.service';
import {
  asObject,
  CHATWOOT_EVENTS,
  contactRef,
  isActivityNoise,
  parseConversation,
  parseMessage,
  PayloadError,
  toDate,
  type ConversationSnapshot,
  type MessageFacts,
} from './chatwoot-payload';
import { isAnnounced, planConversationUpdate, type StoredConversationState } from './conversation-state';
import { CONVERSATION_EFFECTS_QUEUE, type ConversationEffect } from './conversation-effects.service';
import { CustomerDirectory } from './ports/customer-directory';
import { WebhookDeliveryRepository, type ClaimedDelivery, type DeliveryOutcome } from './webhook-delivery.repository';
import { DRAIN_QUEUE } from './webhook-intake.service';
import { WebhookMetrics } from './webhook-metrics';

export const PROCESS_QUEUE = 'webhooks.process';
const CLAIM_BATCH = 100;
const PARALLEL = 8;
const MAX_ATTEMPTS = 5;

type Outcome = { state: 'processed' | 'ignored'; note: string | null };

interface AppliedConversation {
  snapshot: ConversationSnapshot;
  customerId: string | null;
  announced: boolean;
  effects: ConversationEffect[];
}

/**
 * Turns stored deliveries into state. The drain job claims pending rows in batches (SKIP LOCKED,
 * so any number of workers share them); a failing row is handed to `webhooks.process`, where
 * pg-boss retries it with backoff, and is marked failed (replayable) after MAX_ATTEMPTS.
 */
interface CsatChange {
  changed: boolean;
  lowCsat: number | null;
}

const NO_CSAT_CHANGE: CsatChange = { changed: false, lowCsat: null };

@Injectable()
export class WebhookProcessorService {
  private readonly logger = new Logger(WebhookProcessorService.name);
  private readonly known = new Set<string>(CHATWOOT_EVENTS);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly customers: CustomerDirectory,
    private readonly stores: StoreDirectory,
    private readonly jobs: JobQueue,
    private readonly metrics: WebhookMetrics,
  ) {
    jobs.register(DRAIN_QUEUE, async () => void (await this.drain()), { retryLimit: 2, retryDelay: 1, concurrency: 2 });
    jobs.register<{ storeId: string; id: string }>(PROCESS_QUEUE, (data) => this.processById(data.storeId, data.id), {
      retryLimit: MAX_ATTEMPTS,
      retryDelay: 2,
    });
  }

  /** Safety net: wakes a drain even if an instance died between storing and waking. */
  @Cron('*/1 * * * *')
  tick(): Promise<string | null> {
    return enqueueTick(this.jobs, DRAIN_QUEUE, 60);
  }

  /** Processes pending deliveries until none are left; returns how many were handled. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.deliveries.claim(CLAIM_BATCH);
      if (batch.length === 0) return total;
      const outcomes: DeliveryOutcome[] = [];
      let next = 0;
      const worker = async () => {
        while (next < batch.length) {
          const row = batch[next++];
          outcomes.push(await this.settle(row));
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL, batch.length) }, worker));
      await this.deliveries.finish(outcomes);
      total += batch.length;
    }
  }

  private async processById(storeId: string, id: string): Promise<void> {
    const row = await this.deliveries.claimOne(storeId, id);
    if (!row) return;
    const outcome = await this.settle(row, true);
    await this.deliveries.finish([outcome]);
    if (outcome.state === 'pending') throw new Error(outcome.note ?? 'delivery processing failed');
  }

  /** One delivery → its outcome; never throws (a failure becomes a retry or a failed row). */
  private async settle(row: ClaimedDelivery, inRetryJob = false): Promise<DeliveryOutcome> {
    const stop = this.metrics.processing.startTimer({ event: this.known.has(row.event) ? row.event : 'unknown' });
    try {
      const outcome = await this.process(row.storeId, row.event, row.body);
      return { id: row.id, ...outcome };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof PayloadError || (error instanceof ChatwootApiError && !error.retryable);
      if (permanent || row.attempts >= MAX_ATTEMPTS) {
        this.logger.warn(
          { storeId: row.storeId, deliveryId: row.deliveryId, event: row.event, err: error },
          'webhook delivery failed',
        );
        return { id: row.id, state: 'failed', note: message.slice(0, 1000) };
      }
      if (!inRetryJob) {
        await this.jobs.send(PROCESS_QUEUE, { storeId: row.storeId, id: row.id }, { startAfter: 2 * row.attempts });
      }
      return { id: row.id, state: 'pending', note: message.slice(0, 1000) };
    } finally {
      stop();
    }
  }

  /** Applies one delivery; the same delivery applied twice changes nothing the second time. */
  async process(storeId: string, event: string, body: string): Promise<Outcome> {
    let payload: Record<string, unknown>;
    try {
      payload = asObject(JSON.parse(body));
    } catch {
      throw new PayloadError('stored body is not JSON');
    }
    switch (event) {
      case 'conversation_created':
      case 'conversation_status_changed':
      case 'conversation_updated':
        await this.applyConversation(storeId, event, parseConversation(payload), null);
        return { state: 'processed', note: null };
      case 'message_created':
      case 'message_updated': {
        const message = parseMessage(payload);
        if (!payload.conversation) throw new PayloadError(`message ${message.messageId} has no conversation`);
        await this.applyConversation(storeId, event, parseConversation(payload.conversation), message);
        return { state: 'processed', note: null };
      }
      case 'contact_created':
      case 'contact_updated':
        return this.applyContact(storeId, event, payload);
      case 'webwidget_triggered':
        await this.applyWidget(storeId, payload);
        return { state: 'processed', note: null };
      default:
        return { state: 'ignored', note: this.known.has(event) ? 'event not used' : 'unknown event' };
    }
  }

  /**
   * Conversation state, message counters, first response and CSAT in one transaction under a
   * per-conversation advisory lock; side effects (Chatwoot calls, notifications) are queued after commit.
   */
  async applyConversation(
    storeId: string,
    event: string,
    snapshot: ConversationSnapshot,
    message: MessageFacts | null,
  ): Promise<AppliedConversation> {
    const customerId = await this.customers.linkContact(storeId, snapshot.contact);
    const tier = await this.customers.tierOf(storeId, customerId, snapshot.contact);
    const result = await this.dataSource.transaction(async (m) => {
      await m.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`conversation:${storeId}:${snapshot.displayId}`]);
      const [prevRow] = (await m.query(
        `select status, assignee_id, team_id, priority, last_event_at, created_at, resolved_at
           from conversations where store_id = $1 and display_id = $2`,
        [storeId, snapshot.displayId],
      )) as Record<string, any>[];
      const prev: StoredConversationState | null = prevRow
        ? {
            status: prevRow.status,
            assigneeId: prevRow.assignee_id,
            teamId: prevRow.team_id,
            priority: prevRow.priority,
            lastEventAt: Number(prevRow.last_event_at),
            createdAt: prevRow.created_at,
            resolvedAt: prevRow.resolved_at,
          }
        : null;
      const plan = planConversationUpdate(prev, snapshot);
      const s = snapshot;
      if (!prev) {
        await m.query(
          `insert into conversations (store_id, display_id, account_id, contact_id, customer_id, customer_tier, inbox_id, status,
             priority, assignee_id, team_id, labels, created_at, last_event_at, last_activity_at, resolved_at, resolution_seconds)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
          [
            storeId,
            s.displayId,
            s.accountId,
            s.contact.contactId,
            customerId,
            tier,
            s.inboxId,
            s.status,
            s.priority,
            s.assigneeId,
            s.teamId,
            JSON.stringify(s.labels),
            s.createdAt,
            s.updatedAt,
            s.lastActivityAt,
            plan.resolvedAt,
            plan.resolutionSeconds,
          ],
        );
      } else if (!plan.transitions.stale) {
        await m.query(
          `update conversations
              set status = $3, priority = $4, assignee_id = $5, team_id = $6, labels = $7, last_event_at = $8,
                  inbox_id = coalesce($9, inbox_id), contact_id = coalesce($10, contact_id),
                  customer_id = coalesce(customer_id, $11), customer_tier = coalesce($12, customer_tier),
                  last_activity_at = greatest(last_activity_at, $13), resolved_at = $14, resolution_seconds = $15,
                  reopen_count = reopen_count + $16, updated_at = now()
            where store_id = $1 and display_id = $2`,
          [
            storeId,
            s.displayId,
            s.status,
            s.priority,
            s.assigneeId,
            s.teamId,
            JSON.stringify(s.labels),
            s.updatedAt,
            s.inboxId,
            s.contact.contactId,
            customerId,
            tier,
            s.lastActivityAt,
            plan.resolvedAt,
            plan.resolutionSeconds,
            plan.reopenIncrement,
          ],
        );
      } else if (customerId) {
        await m.query(
          'update conversations set customer_id = $3 where store_id = $1 and display_id = $2 and customer_id is null',
          [storeId, s.displayId, customerId],
        );
      }
      if (s.firstReplyAt) await this.recordFirstResponse(m, storeId, s.displayId, s.firstReplyAt);
      const csat = message ? await this.applyMessage(m, storeId, s.displayId, message) : NO_CSAT_CHANGE;
      return { plan, lowCsat: csat.lowCsat, csatChanged: csat.changed };
    });

    const { transitions } = result.plan;
    const effects: ConversationEffect[] = [];
    if (transitions.isNew && (snapshot.status === 'open' || snapshot.status === 'pending')) {
      effects.push({ kind: 'opened', storeId, displayId: snapshot.displayId });
    }
    if (transitions.resolved) {
      effects.push({
        kind: 'resolved',
        storeId,
        displayId: snapshot.displayId,
        resolvedAt: result.plan.resolvedAt!.toISOString(),
      });
    }
    if (result.lowCsat !== null)
      effects.push({ kind: 'low_csat', storeId, displayId: snapshot.displayId, rating: result.lowCsat });
    for (const effect of effects) await this.jobs.send(CONVERSATION_EFFECTS_QUEUE, effect);

    // A new rating changes what agents see (satisfaction score), so it is announced too.
    const announced = isAnnounced(transitions) || result.csatChanged;
    if (announced) {
      await this.jobs.publish('conversation.changed', {
        storeId,
        displayId: snapshot.displayId,
        contactId: snapshot.contact.contactId,
        customerId,
        status: snapshot.status,
        createdAt: snapshot.createdAt.toISOString(),
        assigneeId: snapshot.assigneeId,
        sessionId: snapshot.sessionId ?? null,
      });
    }
    this.metrics.conversations.inc({ event });
    return { snapshot, customerId, announced, effects };
  }

  private async recordFirstResponse(m: EntityManager, storeId: string, displayId: number, at: Date): Promise<void> {
    // least(): whichever order replies arrive in, the earliest one wins; re-applying is a no-op.
    await m.query(
      `update conversations
          set first_response_at = $3,
              first_response_seconds = greatest(0, round(extract(epoch from ($3::timestamptz - created_at))))::int
        where store_id = $1 and display_id = $2 and $3::timestamptz >= created_at
          and (first_response_at is null or first_response_at > $3::timestamptz)`,
      [storeId, displayId, at],
    );
  }

  /** Returns the rating when this message newly set a low CSAT rating. */
  /** Counts, first response, and the CSAT rating; says whether the rating changed and whether it is low. */
  private async applyMessage(m: EntityManager, storeId: string, displayId: number, msg: MessageFacts): Promise<CsatChange> {
    const inserted = (await m.query(
      `insert into conversation_messages (store_id, message_id, display_id, message_type, private, sender_type, sender_id, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing returning message_id`,
      [storeId, msg.messageId, displayId, msg.messageType, msg.private, msg.senderType, msg.senderId, msg.createdAt],
    )) as unknown[];
    if (inserted.length > 0 && !msg.private && (msg.messageType === 'incoming' || msg.messageType === 'outgoing')) {
      const column = msg.messageType === 'incoming' ? 'incoming_count' : 'outgoing_count';
      await m.query(
        `update conversations set ${column} = ${column} + 1, last_activity_at = greatest(last_activity_at, $3)
          where store_id = $1 and display_id = $2`,
        [storeId, displayId, msg.createdAt],
      );
    }
    if (msg.messageType === 'outgoing' && !msg.private && msg.senderType === 'user') {
      await this.recordFirstResponse(m, storeId, displayId, msg.createdAt);
    }
    if (!msg.csat) return NO_CSAT_CHANGE;
    const changed = (await m.query(
      `update conversations set csat_rating = $3, csat_feedback = $4, csat_at = now(), updated_at = now()
        where store_id = $1 and display_id = $2
          and (csat_rating is distinct from $3 or csat_feedback is distinct from $4)
        returning csat_rating`,
      [storeId, displayId, msg.csat.rating, msg.csat.feedback],
    )) as unknown[];
    if (changed.length === 0) return NO_CSAT_CHANGE;
    const store = await this.stores.find(storeId);
    const threshold = resolveStoreSettings(store?.settings).lowCsatThreshold;
    return { changed: true, lowCsat: msg.csat.rating <= threshold ? msg.csat.rating : null };
  }

  private async applyContact(storeId: string, event: string, payload: Record<string, unknown>): Promise<Outcome> {
    const contact = contactRef(payload);
    if (contact.contactId === null) throw new PayloadError('contact payload has no id');
    if (event === 'contact_updated') {
      if (isActivityNoise(payload.changed_attributes)) return { state: 'ignored', note: 'activity timestamps only' };
      if (await this.customers.isEcho(storeId, contact.contactId, contact.customAttributes)) {
        return { state: 'ignored', note: 'echo of our own attribute write' };
      }
    }
    const customerId = await this.customers.linkContact(storeId, contact);
    if (!customerId) return { state: 'processed', note: 'contact not linked to a customer' };
    await this.dataSource.query(
      'update conversations set customer_id = $3 where store_id = $1 and contact_id = $2 and customer_id is null',
      [storeId, contact.contactId, customerId],
    );
    await this.customers.requestSync(storeId, customerId, 'realtime');
    return { state: 'processed', note: null };
  }

  private async applyWidget(storeId: string, payload: Record<string, unknown>): Promise<void> {
    const contact = contactRef(payload.contact);
    const customerId = contact.contactId !== null ? await this.customers.linkContact(storeId, contact) : null;
    const info = asObject(payload.event_info);
    const current = payload.current_conversation ? parseConversation(payload.current_conversation) : null;
    const occurredAt = toDate(asObject(info.initiated_at).timestamp) ?? new Date();
    const sourceId = typeof payload.source_id === 'string' ? payload.source_id : null;
    // Widget opens have no id of their own: contact inbox + initiation time identify one.
    const key = `widget:${payload.id ?? 'x'}:${occurredAt.getTime()}`;
    await this.dataSource.query(
      `insert into widget_events (store_id, delivery_id, contact_id, customer_id, source_id, display_id, referer, browser, occurred_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (store_id, delivery_id) do nothing`,
      [
        storeId,
        key,
        contact.contactId,
        customerId,
        sourceId,
        current?.displayId ?? null,
        typeof info.referer === 'string' ? info.referer : null,
        JSON.stringify(asObject(info.browser)),
        occurredAt,
      ],
    );
  }
}
