import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsISO8601, IsOptional, IsUrl, Max, MaxLength, Min } from 'class-validator';
import { ProductLabelDto } from './product-label.dto';

export class UpsertProductDto extends ProductLabelDto {
  @ApiProperty({ example: 2499, description: 'Minor units of the store currency' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  price: number;

  @ApiPropertyOptional({ example: 'https://shop.example.com/p/teapot' })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ example: 'https://shop.example.com/img/teapot.jpg' })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  @MaxLength(2000)
  imageUrl?: string;

  @ApiProperty()
  @IsBoolean()
  inStock: boolean;

  @ApiPropertyOptional({ description: 'Version of this record; without it, the latest write wins' })
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedAt?: string;
}
