import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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
import { isAnnounced, planConversationUpdate } from './conversation-state';
import { CONVERSATION_EFFECTS_QUEUE, type ConversationEffect } from './conversation-effects.service';
import { redundantPoints, summarizeStatus, type RecordedStatusChange, type StatusPoint } from './status-history';
import { ConversationRepository, type StoreConversations } from './conversation.repository';
import { CustomerDirectory } from './ports/customer-directory';
import {
  DELIVERY_LEASE_SECONDS,
  WebhookDeliveryRepository,
  type ClaimedDelivery,
  type DeliveryOutcome,
} from './webhook-delivery.repository';
import { DRAIN_QUEUE } from './webhook-intake.service';
import { WebhookMetrics } from './webhook-metrics';
import { WidgetEventRepository } from './widget-event.repository';

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
    private readonly conversations: ConversationRepository,
    private readonly widgetEvents: WidgetEventRepository,
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
    const result = await this.dataSource.transaction(async (tx) => {
      const conversations = this.conversations.forStore(storeId, tx);
      await conversations.lock(snapshot.displayId);
      const prev = await conversations.stateOf(snapshot.displayId);
      const plan = planConversationUpdate(prev, snapshot);
      if (!prev) await conversations.insertFromSnapshot(snapshot, customerId, tier);
      else if (!plan.transitions.stale) await conversations.updateFromSnapshot(snapshot, customerId, tier);
      else if (customerId) await conversations.linkCustomer(snapshot.displayId, customerId);
      const resolvedAt = await this.recordStatus(conversations, snapshot, statusChange);
      if (snapshot.firstReplyAt) await conversations.recordFirstResponse(snapshot.displayId, snapshot.firstReplyAt);
      const csat = message ? await this.applyMessage(conversations, storeId, snapshot.displayId, message) : NO_CSAT_CHANGE;
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

  /** Counts, first response, and the CSAT rating; says whether the rating changed and whether it is low. */
  private async applyMessage(
    conversations: StoreConversations,
    storeId: string,
    displayId: number,
    msg: MessageFacts,
  ): Promise<CsatChange> {
    await conversations.recordMessage(displayId, msg);
    if (msg.humanResponse && !msg.private) await conversations.recordFirstResponse(displayId, msg.createdAt);
    if (!msg.csat) return NO_CSAT_CHANGE;
    if (!(await conversations.setCsat(displayId, msg.csat.rating, msg.csat.feedback))) return NO_CSAT_CHANGE;
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
    await this.conversations.forStore(storeId).linkContactCustomer(contact.contactId, customerId);
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
    await this.widgetEvents.forStore(storeId).record({
      // Widget opens have no id of their own: contact inbox + initiation time identify one.
      key: `widget:${payload.id ?? 'x'}:${occurredAt.getTime()}`,
      contactId: contact.contactId,
      customerId,
      sourceId,
      displayId: current?.displayId ?? null,
      referer: typeof info.referer === 'string' ? info.referer : null,
      browser: asObject(info.browser),
      occurredAt,
    });
  }
}
