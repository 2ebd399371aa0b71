import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsTimeZone,
  IsUrl,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { StoreBrandingDto } from './store-branding.dto';

const HTTP_URL = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * The platform's description of a store. On creation `locale`, `timezone`, `currency` and
 * `status` default to nl-NL, Europe/Amsterdam, EUR and active; on later calls an omitted optional
 * field keeps its stored value.
 */
export class UpsertStoreDto {
  @ApiProperty({ example: 'Bloom & Co', maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @ApiProperty({ example: 'bloom-co', description: 'Lower-case letters, digits and dashes' })
  @Matches(/^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/, { message: 'slug must be lower-case letters, digits and dashes' })
  slug: string;

  @ApiProperty({ example: 'support@bloom.example', description: "The store's support address (Chatwoot support_email)" })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'https://bloom.example' })
  @IsUrl(HTTP_URL)
  @MaxLength(2048)
  websiteUrl: string;

  @ApiPropertyOptional({ example: 'nl-NL', description: 'BCP 47; mapped to the nearest Chatwoot locale (default nl)' })
  @IsOptional()
  @Matches(/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/, { message: 'locale must be a BCP 47 tag like nl-NL' })
  locale?: string;

  @ApiPropertyOptional({ example: 'Europe/Amsterdam', description: 'IANA time zone' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ example: 'EUR', description: 'ISO 4217' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code like EUR' })
  currency?: string;

  @ApiPropertyOptional({ enum: ['active', 'suspended'], default: 'active' })
  @IsOptional()
  @IsIn(['active', 'suspended'])
  status?: 'active' | 'suspended';

  @ApiPropertyOptional({ type: StoreBrandingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => StoreBrandingDto)
  branding?: StoreBrandingDto;

  @ApiPropertyOptional({
    example: 'https://platform.example/hooks/chatwoot',
    nullable: true,
    type: String,
    description: 'Where we POST signed notifications (null clears it)',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsUrl(HTTP_URL)
  @MaxLength(2048)
  notificationUrl?: string | null;

  @ApiPropertyOptional({
    example: 'https://platform.example/chatwoot/order-actions',
    nullable: true,
    type: String,
    description:
      'Where we POST signed order actions agents request from the panel (cancel, refund, resend confirmation); null clears it and turns them off',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsUrl(HTTP_URL)
  @MaxLength(2048)
  actionUrl?: string | null;
}
