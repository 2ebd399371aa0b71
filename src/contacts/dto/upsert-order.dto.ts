import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO4217CurrencyCode,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ORDER_STATUSES, type OrderStatus } from '../attributes/order-stats';
import { LineItemDto } from './line-item.dto';

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

  @ApiProperty({ type: [LineItemDto] })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => LineItemDto)
  items: LineItemDto[];
}
