import { ApiProperty } from '@nestjs/swagger';

/** The one error shape every endpoint answers with. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable code' })
  code: string;

  @ApiProperty({ example: 'name must be a string' })
  message: string;

  @ApiProperty({ example: 'req-4f1c2a' })
  requestId: string;
}

/** Every 429 carries `Retry-After`; responses declare it with `headers: RETRY_AFTER`. */
export const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds until the limit allows another request', schema: { type: 'integer' as const } },
};
