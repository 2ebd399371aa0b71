import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreDirectory } from '../accounts/store-directory.service';
import { ForbiddenError, UnauthorizedError } from '../common/errors/domain-error';
import { RateLimitService } from '../common/rate-limit/rate-limit.service';
import { AppConfig } from '../config/app-config';
import { JobQueue } from '../jobs/job-queue.service';
import { MetricsService } from '../observability/metrics.service';
import type { TrackingBatchDto, TrackingEventDto } from './dto/tracking-batch.dto';
import { TRACKING_EVENT_TYPES } from './entities/tracking-event.entity';
import { StorefrontActivityRepository } from './storefront-activity.repository';
import { checkStorefrontOrigin } from './storefront-origin';
import { TrackedFactsRepository } from './tracked-facts.repository';

export const SESSION_LINKED_QUEUE = 'tracking.session-linked';

export interface SessionLinkedJob {
  storeId: string;
  sessionId: string;
  customerId: string;
}

export interface IntakeMeta {
  origin?: string;
  referer?: string;
}

/** Query strings and fragments can carry emails, tokens and search terms: keep origin + path. */
export function pageUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return null;
  }
}

/** Accepts tracker.js batches: who (token), from where (origin), how often, then stores them. */
@Injectable()
export class TrackingIngestService {
  private readonly events;

  constructor(
    private readonly stores: StoreDirectory,
    private readonly limits: RateLimitService,
    private readonly config: AppConfig,
    private readonly db: DataSource,
    private readonly activity: StorefrontActivityRepository,
    private readonly facts: TrackedFactsRepository,
    private readonly jobs: JobQueue,
    metrics: MetricsService,
  ) {
    this.events = metrics.counter('tracking_events_total', 'Storefront tracking events stored, by type', ['type']);
    for (const type of TRACKING_EVENT_TYPES) this.events.inc({ type }, 0);
  }

  async ingest(batch: TrackingBatchDto, meta: IntakeMeta): Promise<{ accepted: number }> {
    const store = await this.stores.findByWebsiteToken(batch.websiteToken);
    if (!store || store.chatwoot.state === 'deleting' || store.chatwoot.state === 'deleted') {
      throw new UnauthorizedError('websiteToken does not belong to any store', 'UNKNOWN_WEBSITE_TOKEN');
    }
    const verdict = checkStorefrontOrigin(store.websiteUrl, meta.origin, meta.referer);
    if (!verdict.ok) {
      throw new ForbiddenError(
        verdict.reason === 'ORIGIN_REQUIRED'
          ? 'An Origin header is required: tracking batches are accepted from the store website only'
          : `Origin ${verdict.seen ?? '(opaque)'} is not the store website origin`,
        verdict.reason,
      );
    }
    await this.limits.consume(
      'tracking-store',
      store.id,
      this.config.TRACKING_RATE_PER_STORE_PER_MINUTE,
      60,
      'tracking batches for this store',
    );

    const linked = await this.store(store.id, batch);
    for (const event of batch.events) this.events.inc({ type: event.type });
    if (linked) {
      await this.jobs.send(SESSION_LINKED_QUEUE, {
        storeId: store.id,
        sessionId: batch.sessionId,
        customerId: linked,
      });
    }
    return { accepted: batch.events.length };
  }

  /** Stores the events and folds them into the session; returns the customer id when it was newly linked to a session that chatted. */
  private store(storeId: string, batch: TrackingBatchDto): Promise<string | null> {
    const events = batch.events.map((e: TrackingEventDto) => ({ ...e, at: new Date(e.at), url: pageUrl(e.url) }));
    const times = events.map((e) => e.at.getTime());
    const pages = events.filter((e) => e.type === 'page_view' && e.url).sort((a, b) => a.at.getTime() - b.at.getTime());
    const lastPage = pages.at(-1);
    const customerId = batch.customerId ?? null;

    return this.db.transaction(async (m) => {
      const activity = this.activity.forStore(storeId, m);
      const previous = await activity.lockSession(batch.sessionId);
      await activity.foldIntoSession({
        sessionId: batch.sessionId,
        customerId,
        firstSeen: new Date(Math.min(...times)),
        lastSeen: new Date(Math.max(...times)),
        currentUrl: lastPage?.url ?? null,
        currentUrlAt: lastPage?.at ?? null,
        pageViews: pages.length,
        productViews: events.filter((e) => e.type === 'product_view').length,
      });
      await activity.addEvents(
        batch.sessionId,
        customerId,
        events.map((e) => ({
          type: e.type,
          at: e.at,
          url: e.url,
          productId: e.productId ?? null,
          loadTimeMs: e.type === 'widget_loaded' ? (e.loadTimeMs ?? null) : null,
        })),
      );
      if (!customerId || previous?.customerId === customerId) return null;
      // The visitor identified themselves: their earlier anonymous events now belong to them too.
      await activity.claimAnonymousEvents(batch.sessionId, customerId);
      // Only a session that already chatted can turn an order into a session match; if its
      // conversation arrives later, the conversation handler sees the link itself.
      return (await this.facts.forStore(storeId, m).sessionChatted(batch.sessionId)) ? customerId : null;
    });
  }
}
