import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import { UpsertCustomerDto } from './upsert-customer.dto';
import { UpsertOrderDto } from './upsert-order.dto';

/** Records in one import request, customers and orders together. */
export const IMPORT_MAX_ITEMS = 1000;

const ID = /^[A-Za-z0-9._:@-]+$/;
const ID_MESSAGE = 'ids may contain letters, digits and . _ : @ -';

/** A customer as PUT /customers/{customerId} takes it, with its id. */
export class ImportCustomerDto extends UpsertCustomerDto {
  @ApiProperty({ example: 'cust-1001' })
  @IsString()
  @Length(1, 200)
  @Matches(ID, { message: ID_MESSAGE })
  customerId: string;
}

/** An order as PUT /orders/{orderId} takes it, with its id. */
export class ImportOrderDto extends UpsertOrderDto {
  @ApiProperty({ example: 'order-5001' })
  @IsString()
  @Length(1, 200)
  @Matches(ID, { message: ID_MESSAGE })
  orderId: string;
}

/**
 * The items are validated one by one (with the same rules as the single PUTs), so one bad record
 * is reported in its result instead of refusing the whole import.
 */
export class ImportRequestDto {
  @ApiPropertyOptional({ type: [ImportCustomerDto], maxItems: IMPORT_MAX_ITEMS, description: 'Applied before the orders' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(IMPORT_MAX_ITEMS)
  @IsObject({ each: true })
  customers?: Record<string, unknown>[];

  @ApiPropertyOptional({ type: [ImportOrderDto], maxItems: IMPORT_MAX_ITEMS })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(IMPORT_MAX_ITEMS)
  @IsObject({ each: true })
  orders?: Record<string, unknown>[];
}

export class ImportFieldErrorDto {
  @ApiProperty({ example: 'email' })
  field: string;

  @ApiProperty({ example: 'email must be an email' })
  message: string;
}

export type ImportItemResult = 'applied' | 'stale' | 'invalid';

export class ImportItemResultDto {
  @ApiProperty({ description: 'Position of the record in its list' })
  index: number;

  @ApiPropertyOptional({ description: 'customerId or orderId, when the record has a usable one' })
  id?: string;

  @ApiProperty({
    enum: ['applied', 'stale', 'invalid'],
    description: 'applied: stored; stale: the stored version is as new or newer (ignored); invalid: see errors',
  })
  result: ImportItemResult;

  @ApiPropertyOptional({ type: [ImportFieldErrorDto] })
  errors?: ImportFieldErrorDto[];
}

export class ImportResultDto {
  @ApiProperty({ type: [ImportItemResultDto] })
  customers: ImportItemResultDto[];

  @ApiProperty({ type: [ImportItemResultDto] })
  orders: ImportItemResultDto[];

  @ApiProperty()
  applied: number;

  @ApiProperty()
  stale: number;

  @ApiProperty()
  invalid: number;
}
