import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ORDER_ACTION_TYPES, type OrderActionType } from '../../accounts/store-settings';
import { ORDER_ACTION_STATUSES, type OrderActionStatus } from '../entities/order-action.entity';
import { ReportedAgentDto } from '../../context/dto/reported-agent.dto';

/** The largest amount the int column holds (21 million in a two-decimal currency). */
export const MAX_ACTION_AMOUNT = 2_147_483_647;

export class OrderActionLineInputDto {
  @ApiProperty({ example: 'tent-2p' })
  @IsString()
  @Length(1, 200)
  productId: string;

  @ApiProperty({ example: 1, minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  quantity: number;
}

export class CreateOrderActionDto extends ReportedAgentDto {
  @ApiProperty({ enum: ORDER_ACTION_TYPES })
  @IsIn(ORDER_ACTION_TYPES)
  type: OrderActionType;

  @ApiProperty({
    example: 'confirm-2f6d1c9e8a',
    minLength: 8,
    maxLength: 100,
    description:
      'Made by the panel once per confirmation dialog. The same key again answers the same action (200) and never sends a second request; the same key with another body is 409 IDEMPOTENCY_KEY_REUSED',
  })
  @IsString()
  @Length(8, 100)
  @Matches(/^[\x21-\x7e]+$/, { message: 'idempotencyKey must be printable ASCII without spaces' })
  idempotencyKey: string;

  @ApiPropertyOptional({
    example: 2500,
    description:
      "Refunds only: minor units of the order's currency. Neither amount nor lines: the order's whole remaining amount",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ACTION_AMOUNT)
  amount?: number;

  @ApiPropertyOptional({ type: [OrderActionLineInputDto], description: "Refunds only: these lines (at the order's unit prices)" })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => OrderActionLineInputDto)
  lines?: OrderActionLineInputDto[];

  @ApiPropertyOptional({ maxLength: 500, example: 'Tent arrived with a torn seam' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;

  @ApiPropertyOptional({ description: 'Chatwoot conversation display id: the outcome is posted there as a private note' })
  @IsOptional()
  @IsInt()
  @Min(1)
  conversationId?: number;
}

export class OrderActionLineDto {
  @ApiProperty({ example: 'tent-2p' })
  product_id: string;

  @ApiProperty({ example: 1 })
  quantity: number;
}

export class OrderActionAgentDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Chatwoot user id: verified with an agent token, as the dashboard app reported it with the context token (null when it reported none)',
  })
  id: number | null;

  @ApiProperty({ type: String, nullable: true })
  name: string | null;
}

export class OrderActionDto {
  @ApiProperty({ format: 'uuid', description: 'Also the Idempotency-Key the platform receives' })
  id: string;

  @ApiProperty({ example: 'o-1042' })
  order_id: string;

  @ApiProperty({ enum: ORDER_ACTION_TYPES })
  type: OrderActionType;

  @ApiProperty({
    enum: ORDER_ACTION_STATUSES,
    description:
      'pending: the platform has not answered yet (retried with the same key); failed: it never answered after every retry',
  })
  status: OrderActionStatus;

  @ApiProperty({ type: Number, nullable: true, description: 'Refunds: minor units' })
  amount: number | null;

  @ApiProperty({ type: String, nullable: true, example: 'EUR' })
  currency: string | null;

  @ApiProperty({ type: [OrderActionLineDto] })
  lines: OrderActionLineDto[];

  @ApiProperty({ type: String, nullable: true })
  reason: string | null;

  @ApiProperty({ type: String, nullable: true, description: "The platform's message (why it said no)" })
  platform_message: string | null;

  @ApiProperty({ type: OrderActionAgentDto })
  agent: OrderActionAgentDto;

  @ApiProperty({ type: Number, nullable: true })
  conversation_id: number | null;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updated_at: string;
}

export class OrderActionResponseDto {
  @ApiProperty({ type: OrderActionDto })
  action: OrderActionDto;
}

export class ActionPolicyDto {
  @ApiProperty({ description: 'False when the store has no actionUrl' })
  enabled: boolean;

  @ApiProperty({ enum: ORDER_ACTION_TYPES, isArray: true })
  allowed: OrderActionType[];

  @ApiProperty({ description: 'Minor units' })
  refund_max_per_action: number;

  @ApiProperty({ description: 'Minor units, per agent over 24 h' })
  refund_max_per_agent_per_day: number;

  @ApiProperty({ description: 'Refunds this agent asked for in the last 24 h, pending ones included (minor units)' })
  refunded_by_agent_today: number;
}
