import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { StoreDirectory } from '../accounts/store-directory.service';
import { resolveStoreSettings } from '../accounts/store-settings';
import { ChatwootApiError } from '../chatwoot/chatwoot-api.error';
import { AppConfig } from '../config/app-config';
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
  recordedStatusChange,
  toDate,
  type ConversationSnapshot,
  type MessageFacts,
} from './chatwoot-payload';
import { isAnnounced, planConversationUpdate, type StoredConversationState } from './conversation-state';
import { CONVERSATION_EFFECTS_QUEUE, type ConversationEffect } from './conversation-effects.service';
import { redundantPoints, summarizeStatus, type RecordedStatusChange, type StatusPoint } from './status-history';
import { CustomerDirectory } from './ports/customer-directory';
import {
  DELIVERY_LEASE_SECONDS,
  WebhookDeliveryRepository,
  type ClaimedDelivery,
  type DeliveryOutcome,
} from './webhook-delivery.repository';
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
export class WebhookProcessorService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookProcessorService.name);
  private readonly known = new Set<string>(CHATWOOT_EVENTS);
  private pacedWake: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly customers: CustomerDirectory,
    private readonly stores: StoreDirectory,
    private readonly jobs: JobQueue,
    private readonly metrics: WebhookMetrics,
    private readonly config: AppConfig,
  ) {
    jobs.register(DRAIN_QUEUE, async () => void (await this.drain()), { retryLimit: 2, retryDelay: 1, concurrency: 2 });
    jobs.register<{ storeId: string; id: string }>(PROCESS_QUEUE, (data) => this.processById(data.storeId, data.id), {
      retryLimit: MAX_ATTEMPTS,
      retryDelay: 2,
    });
  }

  /**
   * A (re)started instance drains at once and again just after a dead instance's delivery claims
   * have run out of lease, so a crash delays those deliveries by seconds, not until the next tick.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.send(DRAIN_QUEUE, {});
    await this.jobs.send(DRAIN_QUEUE, {}, { startAfter: DELIVERY_LEASE_SECONDS + 1 });
  }

  /** Safety net: wakes a drain even if an instance died between storing and waking. */
  @Cron('*/1 * * * *')
  tick(): Promise<string | null> {
    return enqueueTick(this.jobs, DRAIN_QUEUE, 60);
  }

  /**
   * Processes pending deliveries until none are left or every store with work has spent its
   * pace (WEBHOOK_RATE_PER_MINUTE per account, shared fairly between stores); returns how many
   * were handled. A paced store is drained again once its budget refills.
   */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const { rows: batch, throttledFor } = await this.deliveries.claim(CLAIM_BATCH, this.config.WEBHOOK_RATE_PER_MINUTE);
      if (batch.length === 0) {
        if (throttledFor !== null) this.drainLater(throttledFor);
        return total;
      }
      const outcomes: DeliveryOutcome[] = [];
      let next = 0;
      const worker = async () => {
        while (next < batch.length) {
          const row = batch[next++];
          outcomes.push(await this.settle(row));
        }
      };
      // Short leases renewed while working: a crashed instance's claims are taken over within seconds.
      const ids = batch.map((row) => row.id);
      const heartbeat = setInterval(
        () => void this.deliveries.renew(ids).catch(() => undefined),
        (DELIVERY_LEASE_SECONDS * 1000) / 3,
      );
      try {
        await Promise.all(Array.from({ length: Math.min(PARALLEL, batch.length) }, worker));
      } finally {
        clearInterval(heartbeat);
      }
      await this.deliveries.finish(outcomes);
      total += batch.length;
    }
  }

  /** One delayed drain per instance while stores wait for their pace (the cron tick is the net). */
  private drainLater(seconds: number): void {
    if (this.pacedWake) return;
    this.pacedWake = setTimeout(
      () => {
        this.pacedWake = undefined;
        void this.jobs.send(DRAIN_QUEUE, {}).catch(() => undefined);
      },
      // At least a second: a paced store is worked in batches, not one delivery per job.
      Math.min(30_000, Math.max(1000, Math.ceil(seconds * 1000))),
    );
    this.pacedWake.unref();
  }

  onModuleDestroy(): void {
    if (this.pacedWake) clearTimeout(this.pacedWake);
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
        await this.applyConversation(storeId, event, parseConversation(payload), null);
        return { state: 'processed', note: null };
      case 'conversation_updated':
        // The payload shows the state when Chatwoot's job ran; changed_attributes the change itself.
        await this.applyConversation(
          storeId,
          event,
          parseConversation(payload),
          null,
          recordedStatusChange(payload.changed_attributes),
        );
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
    statusChange: RecordedStatusChange | null = null,
  ): Promise<AppliedConversation> {
    const customerId = await this.customers.linkContact(storeId, snapshot.contact);
    const tier = await this.customers.tierOf(storeId, customerId, snapshot.contact);
    const result = await this.dataSource.transaction(async (m) => {
      await m.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`conversation:${storeId}:${snapshot.displayId}`]);
      const [prevRow] = (await m.query(
        `select status, assignee_id, team_id, priority, last_event_at
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
          }
        : null;
      const plan = planConversationUpdate(prev, snapshot);
      const s = snapshot;
      if (!prev) {
        await m.query(
          `insert into conversations (store_id, display_id, account_id, contact_id, customer_id, customer_tier, inbox_id, status,
             priority, assignee_id, team_id, labels, created_at, last_event_at, last_activity_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
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
          ],
        );
      } else if (!plan.transitions.stale) {
        await m.query(
          `update conversations
              set status = $3, priority = $4, assignee_id = $5, team_id = $6, labels = $7, last_event_at = $8,
                  inbox_id = coalesce($9, inbox_id), contact_id = coalesce($10, contact_id),
                  customer_id = coalesce(customer_id, $11), customer_tier = coalesce($12, customer_tier),
                  last_activity_at = greatest(last_activity_at, $13), updated_at = now()
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
          ],
        );
      } else if (customerId) {
        await m.query(
          'update conversations set customer_id = $3 where store_id = $1 and display_id = $2 and customer_id is null',
          [storeId, s.displayId, customerId],
        );
      }
      const resolvedAt = await this.recordStatus(m, storeId, s, statusChange);
      if (s.firstReplyAt) await this.recordFirstResponse(m, storeId, s.displayId, s.firstReplyAt);
      const csat = message ? await this.applyMessage(m, storeId, s.displayId, message) : NO_CSAT_CHANGE;
      return { plan, resolvedAt, lowCsat: csat.lowCsat, csatChanged: csat.changed };
    });

    const { transitions } = result.plan;
    const effects: ConversationEffect[] = [];
    if (transitions.isNew && (snapshot.status === 'open' || snapshot.status === 'pending')) {
      effects.push({ kind: 'opened', storeId, displayId: snapshot.displayId });
    }
    if (result.resolvedAt) {
      effects.push({ kind: 'resolved', storeId, displayId: snapshot.displayId, resolvedAt: result.resolvedAt.toISOString() });
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

  /**
   * Adds what this event says about the status to the conversation's history (the payload's
   * status at its updated_at; the recorded change, and the status before it, at the change's
   * time) and brings resolution time and reopen count in line with it. Returns the resolution
   * time when this event revealed a new resolution.
   */
  private async recordStatus(
    m: EntityManager,
    storeId: string,
    s: ConversationSnapshot,
    change: RecordedStatusChange | null,
  ): Promise<Date | null> {
    const read = async () =>
      (
        (await m.query(
          'select changed_at, status, exact from conversation_status_changes where store_id = $1 and display_id = $2',
          [storeId, s.displayId],
        )) as { changed_at: string; status: string; exact: boolean }[]
      ).map((row): StatusPoint => ({ at: Number(row.changed_at), status: row.status, exact: row.exact }));
    const before = summarizeStatus(await read());
    const points: StatusPoint[] = [{ at: Math.floor(s.updatedAt * 1000), status: s.status, exact: false }];
    if (change) {
      points.push({ at: change.at, status: change.to, exact: true });
      if (change.from) points.push({ at: change.at - 1, status: change.from, exact: false });
    }
    for (const point of points) {
      // A recorded change outranks a payload's state at the same millisecond; payloads never overwrite.
      await m.query(
        `insert into conversation_status_changes (store_id, display_id, changed_at, status, exact) values ($1, $2, $3, $4, $5)
         on conflict (store_id, display_id, changed_at) do update set status = excluded.status, exact = true
           where excluded.exact and not conversation_status_changes.exact`,
        [storeId, s.displayId, point.at, point.status, point.exact],
      );
    }
    const history = await read();
    const redundant = redundantPoints(history);
    if (redundant.length > 0) {
      await m.query(
        'delete from conversation_status_changes where store_id = $1 and display_id = $2 and changed_at = any($3::bigint[])',
        [storeId, s.displayId, redundant.map((point) => point.at)],
      );
    }
    const after = summarizeStatus(history);
    if (after.lastResolvedAt !== before.lastResolvedAt || after.reopens !== before.reopens) {
      await m.query(
        `update conversations
            set resolved_at = coalesce($3::timestamptz, resolved_at),
                resolution_seconds = case when $3::timestamptz is null then resolution_seconds
                  else greatest(0, round(extract(epoch from ($3::timestamptz - created_at))))::int end,
                reopen_count = reopen_count + $4, updated_at = now()
          where store_id = $1 and display_id = $2`,
        [
          storeId,
          s.displayId,
          after.lastResolvedAt === null ? null : new Date(after.lastResolvedAt),
          after.reopens - before.reopens,
        ],
      );
    }
    return after.resolutions > before.resolutions && after.lastResolvedAt !== null ? new Date(after.lastResolvedAt) : null;
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
    if (msg.humanResponse && !msg.private) {
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
