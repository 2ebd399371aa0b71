import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class StoreBrandingDto {
  @ApiPropertyOptional({ example: '#1f93ff', description: 'Widget colour, #rrggbb' })
  @IsOptional()
  @Matches(/^#[0-9a-fA-F]{6}$/, { message: 'color must be a hex colour like #1f93ff' })
  color?: string;

  @ApiPropertyOptional({ example: 'Hi there!', maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  welcomeTitle?: string;

  @ApiPropertyOptional({ example: 'We usually answer within minutes', maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  welcomeTagline?: string;
}
