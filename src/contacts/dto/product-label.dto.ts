import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

/** How a product is named and filed: the same rules for the catalogue and for an order's lines. */
export class ProductLabelDto {
  @ApiProperty({ example: 'Ceramic teapot' })
  @IsString()
  @Length(1, 300)
  name: string;

  @ApiProperty({ example: 'kitchen' })
  @IsString()
  @Length(0, 200)
  category: string;
}
