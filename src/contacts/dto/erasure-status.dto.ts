import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErasureStatusDto {
  @ApiProperty()
  storeId: string;

  @ApiProperty()
  customerId: string;

  @ApiProperty({ enum: ['pending', 'done', 'failed'] })
  state: 'pending' | 'done' | 'failed';

  @ApiProperty({ type: String, format: 'date-time' })
  requestedAt: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  finishedAt: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Why the Chatwoot side failed' })
  error: string | null;
}
