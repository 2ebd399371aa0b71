import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AnalyticsController } from './analytics.controller';
import { AttributionService } from './attribution.service';
import { AttributionsController } from './attributions.controller';
import { ChatAttributionRepository } from './chat-attribution.repository';
import { ConversionPeriodRepository } from './conversion-period.repository';
import { ConversionReportService } from './conversion-report.service';
import { JourneyService } from './journey.service';
import { StorefrontActivityRepository } from './storefront-activity.repository';
import { StorefrontRateGuard } from './storefront-rate.guard';
import { TrackedFactsRepository } from './tracked-facts.repository';
import { TrackerScriptService } from './tracker-script.service';
import { TrackingController } from './tracking.controller';
import { TrackingIngestService } from './tracking-ingest.service';
import { TrackingRetentionScanRepository, TrackingStoreDataRepository } from './tracking-purge.repository';
import { TrackingRetentionService } from './tracking-retention.service';

/**
 * Storefront tracking: tracker.js and its intake, journeys, chat-to-sale attribution and the
 * conversion report. Orders and conversations arrive as durable events; nothing is imported
 * from contacts or webhooks.
 */
@Module({
  imports: [AccountsModule],
  controllers: [TrackingController, AttributionsController, AnalyticsController],
  providers: [
    StorefrontActivityRepository,
    TrackedFactsRepository,
    ChatAttributionRepository,
    ConversionPeriodRepository,
    TrackingRetentionScanRepository,
    TrackingStoreDataRepository,
    StorefrontRateGuard,
    TrackerScriptService,
    TrackingIngestService,
    JourneyService,
    AttributionService,
    ConversionReportService,
    TrackingRetentionService,
  ],
  exports: [JourneyService],
})
export class TrackingModule {}
