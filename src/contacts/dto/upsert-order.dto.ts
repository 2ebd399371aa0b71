import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO4217CurrencyCode,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ORDER_STATUSES, type OrderStatus } from '../attributes/order-stats';
import { LineItemDto } from './line-item.dto';
import { UpsertShipmentDto } from './upsert-shipment.dto';

/** The shape of tracker.js session ids (the tracking intake checks the same). */
const SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;

export class UpsertOrderDto {
  @ApiProperty({ example: 'cust-1001' })
  @IsString()
  @Length(1, 200)
  customerId: string;

  @ApiProperty({ enum: ORDER_STATUSES })
  @IsIn(ORDER_STATUSES)
  status: OrderStatus;

  @ApiProperty({ example: 'EUR' })
  @IsISO4217CurrencyCode()
  currency: string;

  @ApiProperty({ example: 4998, description: 'Order total in minor units' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  totalAmount: number;

  @ApiProperty({ example: '2024-06-01T11:58:00Z' })
  @IsISO8601({ strict: true })
  placedAt: string;

  @ApiProperty({ example: '2024-06-01T12:00:00Z' })
  @IsISO8601({ strict: true })
  updatedAt: string;

  @ApiPropertyOptional({ example: 'SUMMER10' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  discountCode?: string;

  // --- storefront session (chat-to-sale attribution of anonymous chats) ---
  @ApiPropertyOptional({
    example: '3f9c2d7a41b84e5f9a0c6d2e8b7f1a35',
    description:
      "The storefront session the order was placed in: tracker.js's session id (`window.chatwootTracker.sessionId()`, " +
      'cookie `cwb_sid`), carried with the cart like a cart attribute. An anonymous chat in that session is then credited ' +
      'with the order. Once sent it is kept when later versions of the order omit it.',
  })
  @IsOptional()
  @Matches(SESSION_ID, { message: 'sessionId must be 8-64 characters of A-Z, a-z, 0-9, _ or -' })
  sessionId?: string;
  // --- end storefront session ---

  @ApiProperty({ type: [LineItemDto] })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => LineItemDto)
  items: LineItemDto[];

  @ApiPropertyOptional({
    type: [UpsertShipmentDto],
    description:
      "The order's shipments; the list given replaces the stored one (`[]` clears it), leaving it out keeps what is stored. " +
      'Applied with the order, so a stale version of the order changes neither.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique((s: UpsertShipmentDto) => s?.id, { message: 'shipments must have unique ids' })
  @ValidateNested({ each: true })
  @Type(() => UpsertShipmentDto)
  shipments?: UpsertShipmentDto[];
}
