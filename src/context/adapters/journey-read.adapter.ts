import { Injectable } from '@nestjs/common';
import { JourneyService } from '../../tracking/journey.service';
import { JourneyReadPort, type JourneySession } from '../ports/journey-read.port';

/** The port over the tracking module's journeys. */
@Injectable()
export class JourneyReadAdapter extends JourneyReadPort {
  constructor(private readonly journeys: JourneyService) {
    super();
  }

  async currentSession(storeId: string, customerId: string): Promise<JourneySession | null> {
    const journey = await this.journeys.currentSession(storeId, customerId);
    if (!journey) return null;
    return {
      currentPage: journey.currentPage,
      startedAt: new Date(journey.firstSeenAt),
      lastSeenAt: new Date(journey.lastSeenAt),
      active: journey.active,
      pagesVisited: journey.pageViews,
      // Most recent first; the journey lists them oldest first.
      productsViewed: [...journey.productsViewed].reverse().map((p) => ({ productId: p.productId, name: null, url: null })),
    };
  }
}
