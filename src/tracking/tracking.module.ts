import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { AnalyticsController } from './analytics.controller';
import { AttributionService } from './attribution.service';
import { AttributionsController } from './attributions.controller';
import { ConversionReportService } from './conversion-report.service';
import { JourneyService } from './journey.service';
import { StorefrontRateGuard } from './storefront-rate.guard';
import { TrackerScriptService } from './tracker-script.service';
import { TrackingController } from './tracking.controller';
import { TrackingIngestService } from './tracking-ingest.service';
import { TrackingRetentionService } from './tracking-retention.service';
import { TRACKING_ENTITIES } from './tracking.schema';

/**
 * Storefront tracking: tracker.js and its intake, journeys, chat-to-sale attribution and the
 * conversion report. Orders and conversations arrive as durable events; nothing is imported
 * from contacts or webhooks.
 */
@Module({
  imports: [TypeOrmModule.forFeature(TRACKING_ENTITIES), AccountsModule],
  controllers: [TrackingController, AttributionsController, AnalyticsController],
  providers: [
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
