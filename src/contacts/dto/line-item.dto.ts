import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';
import { ProductLabelDto } from './product-label.dto';

export class LineItemDto extends ProductLabelDto {
  @ApiProperty({ example: 'prod-42' })
  @IsString()
  @Length(1, 200)
  productId: string;

  @ApiProperty({ example: 2, minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  quantity: number;

  @ApiProperty({ example: 2499, description: 'Price of one unit in minor units of the order/store currency' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  unitPrice: number;
}
