import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export class MergeContactsDto {
  @ApiProperty({ example: 101, description: 'Chatwoot contact that survives' })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  primaryContactId: number;

  @ApiProperty({ example: 102, description: 'Chatwoot contact merged into the primary and deleted' })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  duplicateContactId: number;
}

export class MergeResultDto {
  @ApiProperty({ description: 'Id of the audit record' })
  mergeId: string;

  @ApiProperty()
  primaryContactId: number;

  @ApiProperty()
  duplicateContactId: number;

  @ApiProperty({ type: [String], description: 'Customers whose link moved to the primary contact' })
  movedCustomerIds: string[];

  @ApiProperty({ type: String, format: 'date-time' })
  mergedAt: string;
}
