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
import { checkStorefrontOrigin } from './storefront-origin';

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
      await this.jobs.send<SessionLinkedJob>(SESSION_LINKED_QUEUE, {
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
      const [previous] = (await m.query(
        'select customer_id from tracking_sessions where store_id = $1 and session_id = $2 for update',
        [storeId, batch.sessionId],
      )) as { customer_id: string | null }[];
      await m.query(
        `insert into tracking_sessions as s
           (store_id, session_id, customer_id, first_seen, last_seen, current_url, current_url_at, page_views, product_views)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (store_id, session_id) do update set
           customer_id = coalesce(excluded.customer_id, s.customer_id),
           first_seen = least(s.first_seen, excluded.first_seen),
           last_seen = greatest(s.last_seen, excluded.last_seen),
           current_url = case
             when excluded.current_url_at is not null and (s.current_url_at is null or excluded.current_url_at >= s.current_url_at)
             then excluded.current_url else s.current_url end,
           current_url_at = greatest(s.current_url_at, excluded.current_url_at),
           page_views = s.page_views + excluded.page_views,
           product_views = s.product_views + excluded.product_views`,
        [
          storeId,
          batch.sessionId,
          customerId,
          new Date(Math.min(...times)),
          new Date(Math.max(...times)),
          lastPage?.url ?? null,
          lastPage?.at ?? null,
          pages.length,
          events.filter((e) => e.type === 'product_view').length,
        ],
      );
      await m.query(
        `insert into tracking_events (store_id, session_id, customer_id, type, at, url, product_id, load_time_ms)
         select $1, $2, $3, e.type, e.at, e.url, e.product_id, e.load_time_ms
         from unnest($4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::int[]) as e(type, at, url, product_id, load_time_ms)`,
        [
          storeId,
          batch.sessionId,
          customerId,
          events.map((e) => e.type),
          events.map((e) => e.at),
          events.map((e) => e.url),
          events.map((e) => e.productId ?? null),
          events.map((e) => (e.type === 'widget_loaded' ? (e.loadTimeMs ?? null) : null)),
        ],
      );
      if (!customerId || previous?.customer_id === customerId) return null;
      // The visitor identified themselves: their earlier anonymous events now belong to them too.
      await m.query(
        'update tracking_events set customer_id = $3 where store_id = $1 and session_id = $2 and customer_id is null',
        [storeId, batch.sessionId, customerId],
      );
      // Only a session that already chatted can turn an order into a session match; if its
      // conversation arrives later, the conversation handler sees the link itself.
      const [chatted] = (await m.query('select 1 from tracked_conversations where store_id = $1 and session_id = $2 limit 1', [
        storeId,
        batch.sessionId,
      ])) as unknown[];
      return chatted ? customerId : null;
    });
  }
}
