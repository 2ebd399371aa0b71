import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One refused field of a request body. */
export class FieldErrorDto {
  @ApiProperty({ example: 'items.0.category', description: 'Path into the body; array elements by index' })
  field: string;

  @ApiProperty({ example: 'items.0.category is required' })
  message: string;
}

/** The one error shape every endpoint answers with. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable code' })
  code: string;

  @ApiProperty({ example: 'items.0.category is required; email must be an email' })
  message: string;

  @ApiProperty({ example: 'req-4f1c2a' })
  requestId: string;

  @ApiPropertyOptional({
    type: [FieldErrorDto],
    description: 'Only with VALIDATION_FAILED: each refused field and what is wrong with it (at most 50)',
  })
  details?: FieldErrorDto[];
}

/** Every 429 carries `Retry-After`; responses declare it with `headers: RETRY_AFTER`. */
export const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds until the limit allows another request', schema: { type: 'integer' as const } },
};
