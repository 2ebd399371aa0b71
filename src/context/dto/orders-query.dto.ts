import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export const MAX_ORDERS = 50;

export class OrdersQueryDto {
  @ApiPropertyOptional({ description: `How many orders, newest first (1–${MAX_ORDERS})`, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ORDERS)
  limit?: number;

  @ApiPropertyOptional({
    description: 'The context token, for callers that cannot set x-context-token (the dashboard app iframe)',
  })
  @IsOptional()
  @IsString()
  token?: string;
}
