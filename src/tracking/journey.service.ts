import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { TrackingSession } from './entities/tracking-session.entity';

/** tracker.js starts a new session after this much inactivity; the same rule decides "active". */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** The newest entries of each list; a journey panel does not need a bot's 10 000 page views. */
const JOURNEY_LIST_LIMIT = 50;

export interface CustomerJourney {
  sessionId: string;
  customerId: string | null;
  /** The last page viewed (origin + path). */
  currentPage: string | null;
  sessionDurationSeconds: number;
  firstSeenAt: string;
  lastSeenAt: string;
  /** True while the session is within tracker.js's 30-minute inactivity window. */
  active: boolean;
  pageViews: number;
  productViewCount: number;
  /** Oldest first, the newest 50. */
  pagesVisited: { url: string; at: string }[];
  productsViewed: { productId: string; at: string }[];
}

/** Storefront journeys for other modules (the agent context panel). */
@Injectable()
export class JourneyService {
  constructor(
    @InjectRepository(TrackingSession) private readonly sessions: Repository<TrackingSession>,
    private readonly db: DataSource,
  ) {}

  /** The customer's most recent storefront session (within raw-event retention), or null. */
  async currentSession(storeId: string, customerId: string): Promise<CustomerJourney | null> {
    const session = await this.sessions.findOne({ where: { storeId, customerId }, order: { lastSeen: 'DESC' } });
    return session ? this.describe(storeId, session) : null;
  }

  /** One session by id, e.g. the `bridge_session_id` of a conversation, or null. */
  async session(storeId: string, sessionId: string): Promise<CustomerJourney | null> {
    const session = await this.sessions.findOne({ where: { storeId, sessionId } });
    return session ? this.describe(storeId, session) : null;
  }

  private async describe(storeId: string, session: TrackingSession, now = Date.now()): Promise<CustomerJourney> {
    const rows = (await this.db.query(
      `(select type, at, url, product_id from tracking_events
         where store_id = $1 and session_id = $2 and type = 'page_view' order by at desc, id desc limit $3)
       union all
       (select type, at, url, product_id from tracking_events
         where store_id = $1 and session_id = $2 and type = 'product_view' order by at desc, id desc limit $3)`,
      [storeId, session.sessionId, JOURNEY_LIST_LIMIT],
    )) as { type: string; at: Date; url: string | null; product_id: string | null }[];
    const chronological = rows.sort((a, b) => a.at.getTime() - b.at.getTime());
    return {
      sessionId: session.sessionId,
      customerId: session.customerId,
      currentPage: session.currentUrl,
      sessionDurationSeconds: Math.max(0, Math.round((session.lastSeen.getTime() - session.firstSeen.getTime()) / 1000)),
      firstSeenAt: session.firstSeen.toISOString(),
      lastSeenAt: session.lastSeen.toISOString(),
      active: now - session.lastSeen.getTime() < SESSION_IDLE_MS,
      pageViews: session.pageViews,
      productViewCount: session.productViews,
      pagesVisited: chronological
        .filter((r) => r.type === 'page_view' && r.url)
        .map((r) => ({ url: r.url!, at: r.at.toISOString() })),
      productsViewed: chronological
        .filter((r) => r.type === 'product_view' && r.product_id)
        .map((r) => ({ productId: r.product_id!, at: r.at.toISOString() })),
    };
  }
}
