import { Injectable } from '@nestjs/common';
import { StorefrontActivityRepository, type SessionRow } from './storefront-activity.repository';

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
  constructor(private readonly activity: StorefrontActivityRepository) {}

  /** One session by id, e.g. the `bridge_session_id` of a conversation, or null. */
  async session(storeId: string, sessionId: string): Promise<CustomerJourney | null> {
    const session = await this.activity.forStore(storeId).session(sessionId);
    return session ? this.describe(storeId, session) : null;
  }

  private async describe(storeId: string, session: SessionRow, now = Date.now()): Promise<CustomerJourney> {
    const rows = await this.activity.forStore(storeId).journeyEvents(session.sessionId, JOURNEY_LIST_LIMIT);
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
        .filter((r) => r.type === 'product_view' && r.productId)
        .map((r) => ({ productId: r.productId!, at: r.at.toISOString() })),
    };
  }
}
