import { PageQueryDto } from '../../common/http/page-query.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Notification, NotificationState } from '../entities/notification.entity';

const STATES: NotificationState[] = ['pending', 'delivered', 'failed', 'skipped'];

export class ListNotificationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STATES })
  @IsOptional()
  @IsIn(STATES)
  state?: NotificationState;

  @ApiPropertyOptional({ example: 'manager.low_csat' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  type?: string;
}

export class NotificationDto {
  @ApiProperty({ format: 'uuid', description: 'Also sent as X-Bridge-Delivery' })
  id: string;

  @ApiProperty({ example: 'manager.vip_conversation' })
  type: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Sent as `data` in the POSTed envelope' })
  payload: Record<string, unknown>;

  @ApiProperty({ enum: STATES })
  state: NotificationState;

  @ApiProperty()
  attempts: number;

  @ApiProperty({ type: String, nullable: true })
  lastError: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'HTTP status of the last attempt' })
  responseStatus: number | null;

  @ApiProperty({ type: String, format: 'date-time' })
  deliverAfter: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  static from(row: Notification): NotificationDto {
    return {
      id: row.id,
      type: row.type,
      payload: row.payload,
      state: row.state,
      attempts: row.attempts,
      lastError: row.lastError,
      responseStatus: row.responseStatus,
      deliverAfter: row.deliverAfter.toISOString(),
      deliveredAt: row.deliveredAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
    };
  }
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationDto] })
  items: NotificationDto[];

  @ApiProperty()
  total: number;

  @ApiProperty()
  page: number;

  @ApiProperty()
  pageSize: number;
}
