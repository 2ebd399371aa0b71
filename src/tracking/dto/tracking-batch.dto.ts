import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { TRACKING_EVENT_TYPES, type TrackingEventType } from '../entities/tracking-event.entity';
import { MAX_CLOCK_SKEW_MS, MAX_EVENT_AGE_MS, MAX_EVENTS_PER_BATCH, MAX_LOAD_TIME_MS } from '../tracking.limits';

/** `at` must be a plausible recent instant: at most 1 h ahead (clock skew) and 7 days behind. */
function IsRecentInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRecentInstant',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const ms = Date.parse(value);
          const now = Date.now();
          return Number.isFinite(ms) && ms <= now + MAX_CLOCK_SKEW_MS && ms >= now - MAX_EVENT_AGE_MS;
        },
        defaultMessage: (args) =>
          `${args?.property} must not be more than 1 hour in the future nor more than 7 days in the past (got ${String(args?.value)})`,
      },
    },
    options,
  );
}

const WEB_URL = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

export class TrackingEventDto {
  @ApiProperty({ enum: TRACKING_EVENT_TYPES, example: 'page_view' })
  @IsIn(TRACKING_EVENT_TYPES)
  type: TrackingEventType;

  @ApiProperty({
    example: '2025-03-10T12:00:00.000Z',
    description: 'ISO 8601 instant; at most 1 h in the future, 7 days in the past',
  })
  @IsISO8601({ strict: true })
  @IsRecentInstant()
  at: string;

  @ApiPropertyOptional({
    example: 850,
    minimum: 0,
    maximum: MAX_LOAD_TIME_MS,
    description: 'widget_loaded: ms from navigation start to chatwoot:ready',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_LOAD_TIME_MS)
  loadTimeMs?: number;

  @ApiPropertyOptional({ example: 'https://shop.example.test/products/42', description: 'Required for page_view' })
  @ValidateIf((event: TrackingEventDto) => event.type === 'page_view' || event.url !== undefined)
  @IsUrl(WEB_URL)
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ example: 'sku-42', description: 'Required for product_view' })
  @ValidateIf((event: TrackingEventDto) => event.type === 'product_view' || event.productId !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  productId?: string;
}

export class TrackingBatchDto {
  @ApiProperty({ example: 'yZ7USzbSFp6NgmwYy3nyTpA4', description: "The store's Chatwoot web widget token (public)" })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  websiteToken: string;

  @ApiProperty({ example: 'k3J9x0aQ2mZ7pW1v', description: 'Anonymous session id made by tracker.js (8-64 of A-Z a-z 0-9 _ -)' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{8,64}$/, { message: 'sessionId must be 8-64 characters of A-Z, a-z, 0-9, _ or -' })
  sessionId: string;

  @ApiPropertyOptional({ example: 'cust-1001', description: "The platform's customer id when the visitor is known" })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  customerId?: string;

  @ApiProperty({ type: [TrackingEventDto], minItems: 1, maxItems: MAX_EVENTS_PER_BATCH })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EVENTS_PER_BATCH)
  @ValidateNested({ each: true })
  @Type(() => TrackingEventDto)
  events: TrackingEventDto[];
}

export class TrackingAcceptedDto {
  @ApiProperty({ example: 12, description: 'Events stored' })
  accepted: number;
}
