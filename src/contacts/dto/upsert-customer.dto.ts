import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsISO8601, IsOptional, IsString, Length, MaxLength } from 'class-validator';

export class UpsertCustomerDto {
  @ApiProperty({ example: 'ann@example.com' })
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({ example: 'Ann Example' })
  @IsString()
  @Length(1, 300)
  name: string;

  @ApiPropertyOptional({ example: '+31612345678', description: 'Sent to Chatwoot only when in E.164 format' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional({ example: 'nl', description: 'BCP 47 tag; the store locale when absent' })
  @IsOptional()
  @IsString()
  @MaxLength(35)
  language?: string;

  @ApiProperty()
  @IsBoolean()
  marketingConsent: boolean;

  @ApiProperty({ example: '2024-01-15T10:00:00Z' })
  @IsISO8601({ strict: true })
  registeredAt: string;

  @ApiProperty({ example: '2024-06-01T12:00:00Z', description: 'Version of this record; an older one never overwrites a newer' })
  @IsISO8601({ strict: true })
  updatedAt: string;
}
