import { ApiProperty } from '@nestjs/swagger';

export class IngestResultDto {
  @ApiProperty({ description: 'false when the stored record is as new or newer (the update was ignored)' })
  applied: boolean;
}
