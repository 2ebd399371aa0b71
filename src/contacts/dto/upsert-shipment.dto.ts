import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUrl, Length, MaxLength } from 'class-validator';
import { SHIPMENT_STATUSES, type ShipmentStatus } from '../entities/order-shipment.entity';

/** One shipment of an order, as the platform sends it with the order. */
export class UpsertShipmentDto {
  @ApiProperty({ example: 'shp-1', description: "The platform's shipment id, unique within the order" })
  @IsString()
  @Length(1, 200)
  id: string;

  @ApiPropertyOptional({ example: 'DHL' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  carrier?: string;

  @ApiPropertyOptional({ example: 'JD014600003SE' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  trackingNumber?: string;

  @ApiPropertyOptional({ example: 'https://www.dhl.com/track?id=JD014600003SE', description: 'http or https only' })
  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'trackingUrl must be an http or https URL' },
  )
  @MaxLength(2000)
  trackingUrl?: string;

  @ApiProperty({ enum: SHIPMENT_STATUSES })
  @IsIn(SHIPMENT_STATUSES)
  status: ShipmentStatus;

  @ApiPropertyOptional({ example: '2024-06-02T09:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  shippedAt?: string;

  @ApiPropertyOptional({ example: '2024-06-04T15:30:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  deliveredAt?: string;
}
