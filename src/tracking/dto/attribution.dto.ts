import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, MaxLength, Min, MinLength } from 'class-validator';

export class CreateAttributionDto {
  @ApiProperty({ example: 42, description: "The conversation's display id in the store's Chatwoot account" })
  @IsInt()
  @Min(1)
  conversationId: number;

  @ApiProperty({ example: 'order-1001', description: "The platform's order id (already sent as PUT /orders/:orderId)" })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  orderId: string;
}

export class AttributionDto {
  @ApiProperty({ example: 'order-1001' })
  orderId: string;

  @ApiProperty({ example: 42 })
  conversationId: number;

  @ApiProperty({ enum: ['auto', 'manual'] })
  source: 'auto' | 'manual';

  @ApiProperty({ enum: ['customer', 'session', 'manual'], description: 'How the order was tied to the conversation' })
  match: 'customer' | 'session' | 'manual';

  @ApiPropertyOptional({ example: 'cust-1001', nullable: true, type: String })
  customerId: string | null;

  @ApiProperty({ example: 12990, description: 'Order total in minor units' })
  totalAmount: number;

  @ApiProperty({ example: 'EUR' })
  currency: string;

  @ApiProperty({ example: '2025-03-10T12:00:00.000Z' })
  placedAt: string;

  @ApiProperty({ example: '2025-03-10T10:30:00.000Z' })
  conversationCreatedAt: string;
}
