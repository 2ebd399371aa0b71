import { PageQueryDto } from '../../common/http/page-query.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { DeliveryState } from '../entities/webhook-delivery.entity';
import type { DeliveryRecord } from '../delivery-queue.repository';

const DELIVERY_STATES: DeliveryState[] = ['pending', 'processing', 'processed', 'ignored', 'failed'];

export class WebhookAckDto {
  @ApiProperty({ example: true })
  received: true;

  @ApiProperty({ description: 'True when this X-Chatwoot-Delivery was already stored (acknowledged, not processed again)' })
  duplicate: boolean;
}

export class ListDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATES })
  @IsOptional()
  @IsIn(DELIVERY_STATES)
  state?: DeliveryState;

  @ApiPropertyOptional({ description: 'Only this store' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  storeId?: string;

  @ApiPropertyOptional({ example: 'conversation_updated' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  event?: string;
}

export class DeliveryIdParamDto {
  @ApiProperty({ example: '42', description: 'Our delivery row id (not X-Chatwoot-Delivery)' })
  @Matches(/^\d{1,18}$/, { message: 'id must be a numeric delivery id' })
  id: string;
}

export class WebhookDeliveryDto {
  @ApiProperty({ example: '42' })
  id: string;

  @ApiProperty()
  storeId: string;

  @ApiProperty({ description: 'X-Chatwoot-Delivery' })
  deliveryId: string;

  @ApiProperty({ example: 'conversation_created' })
  event: string;

  @ApiProperty({ enum: DELIVERY_STATES })
  state: DeliveryState;

  @ApiProperty()
  attempts: number;

  @ApiProperty({ type: String, nullable: true, description: 'Why it failed, or why it was ignored' })
  lastError: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  receivedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  processedAt: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The stored body, parsed' })
  payload: unknown;

  static from(row: DeliveryRecord): WebhookDeliveryDto {
    let payload: unknown = row.body;
    try {
      payload = JSON.parse(row.body);
    } catch {
      // keep the raw text
    }
    return {
      id: String(row.id),
      storeId: row.storeId,
      deliveryId: row.deliveryId,
      event: row.event,
      state: row.state,
      attempts: row.attempts,
      lastError: row.lastError,
      receivedAt: row.receivedAt.toISOString(),
      processedAt: row.processedAt?.toISOString() ?? null,
      payload,
    };
  }
}

export class WebhookDeliveryPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto] })
  items: WebhookDeliveryDto[];

  @ApiProperty()
  total: number;

  @ApiProperty()
  page: number;

  @ApiProperty()
  pageSize: number;
}
