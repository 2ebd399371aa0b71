import { Controller, Get, Header, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { TrackingAcceptedDto, TrackingBatchDto } from './dto/tracking-batch.dto';
import { StorefrontIntake } from './storefront-intake.decorator';
import { TrackerScriptService } from './tracker-script.service';
import { TrackingBatchBody } from './tracking-batch.pipe';
import { TrackingIngestService } from './tracking-ingest.service';
import { TRACKING_BODY_LIMIT_BYTES } from './tracking.limits';

@ApiTags('tracking')
@Controller()
export class TrackingController {
  constructor(
    private readonly script: TrackerScriptService,
    private readonly ingest: TrackingIngestService,
  ) {}

  @Get('tracker.js')
  @Header('content-type', 'application/javascript; charset=utf-8')
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({
    summary: 'The storefront tracker script',
    description:
      'Add next to the Chatwoot widget snippet: `<script src="https://bridge.example/tracker.js" ' +
      'data-website-token="..." data-customer-id="optional" async></script>`. Optional `data-endpoint` overrides where events go.',
  })
  @ApiProduces('application/javascript')
  @ApiOkResponse({ description: 'ES2017 script, no dependencies', schema: { type: 'string' } })
  trackerScript(): string {
    return this.script.body;
  }

  @Post('v1/tracking/events')
  @HttpCode(202)
  @StorefrontIntake(TRACKING_BODY_LIMIT_BYTES)
  @ApiOperation({
    summary: 'Storefront events from tracker.js',
    description:
      'Public. The website token names the store; the Origin header (or, only when Origin is absent, the Referer) must be ' +
      "the store website's origin. Accepts application/json and text/plain bodies holding JSON (sendBeacon without preflight). " +
      `At most 50 events and ${TRACKING_BODY_LIMIT_BYTES} bytes per batch; one invalid event rejects the batch with a message naming the field.`,
  })
  @ApiConsumes('application/json', 'text/plain')
  @ApiBody({ type: TrackingBatchDto })
  @ApiAcceptedResponse({ type: TrackingAcceptedDto })
  events(
    @TrackingBatchBody() batch: TrackingBatchDto,
    @Headers('origin') origin: string | undefined,
    @Headers('referer') referer: string | undefined,
  ): Promise<TrackingAcceptedDto> {
    return this.ingest.ingest(batch, { origin, referer });
  }
}
