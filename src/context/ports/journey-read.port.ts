export interface JourneySession {
  currentPage: string | null;
  startedAt: Date;
  lastSeenAt: Date;
  /** Within the storefront's 30-minute inactivity window. */
  active: boolean;
  pagesVisited: number;
  /** Products viewed in the session, most recent first. */
  productsViewed: { productId: string | null; name: string | null; url: string | null }[];
}

/** The tracking module's view of what a customer is doing on the storefront right now. */
export abstract class JourneyReadPort {
  abstract currentSession(storeId: string, customerId: string): Promise<JourneySession | null>;
}
