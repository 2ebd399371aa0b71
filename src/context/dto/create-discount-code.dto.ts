import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsOptional, Min } from 'class-validator';
import type { DiscountType } from '../rules/discount-code.rules';
import { ReportedAgentDto } from './reported-agent.dto';

export class CreateDiscountCodeDto extends ReportedAgentDto {
  @ApiProperty({
    enum: ['percent', 'fixed'],
    description: 'Percent off, or a fixed amount off in minor units of the store currency',
  })
  @IsIn(['percent', 'fixed'])
  type: DiscountType;

  @ApiProperty({
    description: 'Percent (1–100) or minor units; capped by the store settings (discounts.maxPercent / maxFixedAmount)',
    example: 10,
  })
  @IsInt()
  @Min(1)
  value: number;

  @ApiPropertyOptional({
    description: 'ISO 8601 expiry, in the future; default 30 days from now',
    example: '2026-12-31T23:59:59Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;

  @ApiPropertyOptional({ description: 'Chatwoot conversation display id: the code is posted there as a private note' })
  @IsOptional()
  @IsInt()
  @Min(1)
  conversationId?: number;
}

export class DiscountCodeDto {
  @ApiProperty({ example: 'TEAS-7K2MQ9XW4HRT' })
  code: string;

  @ApiProperty({ enum: ['percent', 'fixed'] })
  type: DiscountType;

  @ApiProperty({ description: 'Percent, or minor units for a fixed amount' })
  value: number;

  @ApiProperty({ example: 'EUR' })
  currency: string;

  @ApiProperty({ type: String, nullable: true })
  customer_id: string | null;

  @ApiProperty()
  contact_id: number;

  @ApiProperty({ type: Number, nullable: true })
  conversation_id: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Chatwoot user id of the issuing agent, when known' })
  agent_id: number | null;

  @ApiProperty({ enum: ['agent-token', 'context-token'], description: 'agent-token: the agent id is verified by Chatwoot' })
  issued_via: string;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  expires_at: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ enum: ['posted', 'skipped', 'failed'], description: 'The private note in the conversation' })
  private_note: 'posted' | 'skipped' | 'failed';

  @ApiProperty({ description: 'Id of the signed notification to the store (delivered by the notifications module)' })
  notification_id: string;
}

export class DiscountCodeStatusDto {
  @ApiProperty()
  code: string;

  @ApiProperty({ enum: ['valid', 'expired', 'redeemed', 'unknown'] })
  status: string;

  @ApiPropertyOptional({ enum: ['percent', 'fixed'] })
  type?: DiscountType;

  @ApiPropertyOptional()
  value?: number;

  @ApiPropertyOptional()
  currency?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'The customer the code was issued for; checkout may require it to match',
  })
  customer_id?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' })
  expires_at?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' })
  redeemed_at?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  redeemed_order_id?: string | null;
}
