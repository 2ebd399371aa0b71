import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';

export class LineItemDto {
  @ApiProperty({ example: 'prod-42' })
  @IsString()
  @Length(1, 200)
  productId: string;

  @ApiProperty({ example: 'Ceramic teapot' })
  @IsString()
  @Length(1, 300)
  name: string;

  @ApiProperty({ example: 'kitchen' })
  @IsString()
  @Length(0, 200)
  category: string;

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
