import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import type { TrackingSession } from './entities/tracking-session.entity';

/** What a batch adds to its session. */
export interface SessionFold {
  sessionId: string;
  customerId: string | null;
  firstSeen: Date;
  lastSeen: Date;
  currentUrl: string | null;
  currentUrlAt: Date | null;
  pageViews: number;
  productViews: number;
}

export interface EventWrite {
  type: string;
  at: Date;
  url: string | null;
  productId: string | null;
  loadTimeMs: number | null;
}

export type SessionRow = Omit<TrackingSession, 'storeId'>;

export interface JourneyEventRow {
  type: string;
  at: Date;
  url: string | null;
  productId: string | null;
}

export interface FunnelDayRow {
  day: string | null;
  loads: number;
  p50: number | null;
  p95: number | null;
  opens: number;
  started: number;
}

const SESSION = `session_id as "sessionId", customer_id as "customerId", first_seen as "firstSeen", last_seen as "lastSeen",
  current_url as "currentUrl", current_url_at as "currentUrlAt", page_views as "pageViews", product_views as "productViews"`;

/** A store's storefront visits and their raw events (`tracking_sessions`, `tracking_events`). */
@Injectable()
export class StorefrontActivityRepository extends StoreScopedRepository<StorefrontActivity> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): StorefrontActivity {
    return new StorefrontActivity(sql);
  }
}

export class StorefrontActivity {
  constructor(private readonly sql: StoreSql) {}

  /**
   * Whether the session exists and whom it belonged to, locking it until the transaction ends
   * (null: a new session).
   */
  lockSession(sessionId: string): Promise<{ customerId: string | null } | null> {
    return this.sql.one<{ customerId: string | null }>(
      'select customer_id as "customerId" from tracking_sessions where store_id = $1 and session_id = $2 for update',
      [sessionId],
    );
  }

  async foldIntoSession(s: SessionFold): Promise<void> {
    await this.sql.execute(
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
      [s.sessionId, s.customerId, s.firstSeen, s.lastSeen, s.currentUrl, s.currentUrlAt, s.pageViews, s.productViews],
    );
  }

  async addEvents(sessionId: string, customerId: string | null, events: EventWrite[]): Promise<void> {
    await this.sql.execute(
      `insert into tracking_events (store_id, session_id, customer_id, type, at, url, product_id, load_time_ms)
       select $1, $2, $3, e.type, e.at, e.url, e.product_id, e.load_time_ms
       from unnest($4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::int[]) as e(type, at, url, product_id, load_time_ms)`,
      [
        sessionId,
        customerId,
        events.map((e) => e.type),
        events.map((e) => e.at),
        events.map((e) => e.url),
        events.map((e) => e.productId),
        events.map((e) => e.loadTimeMs),
      ],
    );
  }

  /** The visitor identified themselves: their earlier anonymous events of the session now belong to them too. */
  async claimAnonymousEvents(sessionId: string, customerId: string): Promise<void> {
    await this.sql.execute(
      'update tracking_events set customer_id = $3 where store_id = $1 and session_id = $2 and customer_id is null',
      [sessionId, customerId],
    );
  }

  async sessionIdsOf(customerId: string): Promise<string[]> {
    const rows = await this.sql.rows<{ sessionId: string }>(
      'select session_id as "sessionId" from tracking_sessions where store_id = $1 and customer_id = $2',
      [customerId],
    );
    return rows.map((r) => r.sessionId);
  }

  session(sessionId: string): Promise<SessionRow | null> {
    return this.sql.one<SessionRow>(`select ${SESSION} from tracking_sessions where store_id = $1 and session_id = $2`, [
      sessionId,
    ]);
  }

  /** The newest `limit` page views and the newest `limit` product views of a session, in no order. */
  journeyEvents(sessionId: string, limit: number): Promise<JourneyEventRow[]> {
    return this.sql.rows<JourneyEventRow>(
      `(select type, at, url, product_id as "productId" from tracking_events
         where store_id = $1 and session_id = $2 and type = 'page_view' order by at desc, id desc limit $3)
       union all
       (select type, at, url, product_id as "productId" from tracking_events
         where store_id = $1 and session_id = $2 and type = 'product_view' order by at desc, id desc limit $3)`,
      [sessionId, limit],
    );
  }

  /** Widget funnel per day in `timezone` over [start, end), with a total row (`day` null). */
  funnelByDay(timezone: string, start: Date, end: Date): Promise<FunnelDayRow[]> {
    return this.sql.rows<FunnelDayRow>(
      `select ${dayOf('at')} as day,
              (count(*) filter (where type = 'widget_loaded'))::int as loads,
              percentile_cont(0.5) within group (order by load_time_ms) filter (where type = 'widget_loaded') as p50,
              percentile_cont(0.95) within group (order by load_time_ms) filter (where type = 'widget_loaded') as p95,
              (count(*) filter (where type = 'widget_opened'))::int as opens,
              (count(*) filter (where type = 'conversation_started'))::int as started
         from tracking_events
        where store_id = $1 and at >= $3 and at < $4 and type in ('widget_loaded', 'widget_opened', 'conversation_started')
        group by rollup (1)`,
      [timezone, start, end],
    );
  }

  /** Erasure: the customer's events and sessions, and the anonymous events of those sessions. */
  async eraseCustomer(customerId: string, sessionIds: string[]): Promise<void> {
    await this.sql.execute(
      'delete from tracking_events where store_id = $1 and (customer_id = $2 or session_id = any($3::text[]))',
      [customerId, sessionIds],
    );
    await this.sql.execute(
      'delete from tracking_sessions where store_id = $1 and (customer_id = $2 or session_id = any($3::text[]))',
      [customerId, sessionIds],
    );
  }
}

/** The local day of a timestamp column in the time zone bound as `$2`. */
export const dayOf = (column: string) => `to_char((${column} at time zone $2)::date, 'YYYY-MM-DD')`;
