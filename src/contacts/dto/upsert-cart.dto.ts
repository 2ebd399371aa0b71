import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsISO8601, ValidateNested } from 'class-validator';
import { LineItemDto } from './line-item.dto';

export class UpsertCartDto {
  @ApiProperty({ type: [LineItemDto], description: 'The whole cart; an empty list empties it' })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => LineItemDto)
  items: LineItemDto[];

  @ApiProperty({ example: '2024-06-01T12:00:00Z' })
  @IsISO8601({ strict: true })
  updatedAt: string;
}
