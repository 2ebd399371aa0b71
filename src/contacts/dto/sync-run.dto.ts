import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class SyncRunDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  storeId: string;

  @ApiProperty({ enum: ['running', 'done', 'failed'] })
  state: 'running' | 'done' | 'failed';

  @ApiProperty({ enum: ['api', 'schedule', 'cli'] })
  trigger: 'api' | 'schedule' | 'cli';

  @ApiProperty({ description: 'Customers in the store when the run started' })
  total: number;

  @ApiProperty()
  done: number;

  @ApiProperty()
  created: number;

  @ApiProperty()
  updated: number;

  @ApiProperty()
  unchanged: number;

  @ApiProperty()
  failed: number;

  @ApiProperty({ type: String, format: 'date-time' })
  startedAt: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  finishedAt: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  error: string | null;
}
