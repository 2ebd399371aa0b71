import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class IngestResultDto {
  @ApiProperty({ description: 'false when the stored record is as new or newer (the update was ignored)' })
  applied: boolean;

  @ApiPropertyOptional({
    description: 'Only when applied is false: why the update was ignored',
    example:
      "Ignored as stale: the stored version has updatedAt 2024-06-01T12:00:00.000Z, and this update's 2024-05-31T09:00:00.000Z is not newer",
  })
  reason?: string;
}
