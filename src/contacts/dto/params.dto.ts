import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, Length, Matches } from 'class-validator';

const ID = /^[A-Za-z0-9._:@-]+$/;
const ID_MESSAGE = 'ids may contain letters, digits and . _ : @ -';

export class StoreParams {
  @ApiProperty({ example: 'store-1' })
  @IsString()
  @Length(1, 200)
  @Matches(ID, { message: ID_MESSAGE })
  storeId: string;
}

export class CustomerParams extends StoreParams {
  @ApiProperty({ example: 'cust-1001' })
  @IsString()
  @Length(1, 200)
  @Matches(ID, { message: ID_MESSAGE })
  customerId: string;
}

export class OrderParams extends StoreParams {
  @ApiProperty({ example: 'order-5001' })
  @IsString()
  @Length(1, 200)
  @Matches(ID, { message: ID_MESSAGE })
  orderId: string;
}

export class ProductParams extends StoreParams {
  @ApiProperty({ example: 'prod-42' })
  @IsString()
  @Length(1, 200)
  @Matches(ID, { message: ID_MESSAGE })
  productId: string;
}

export class SyncRunParams extends StoreParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  runId: string;
}
