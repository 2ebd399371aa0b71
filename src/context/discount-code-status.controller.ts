import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PlatformAuth } from '../common/auth/platform-auth.decorator';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { DiscountCodeStatusDto } from './dto/create-discount-code.dto';
import { DiscountCodeService } from './discount-code.service';

@ApiTags('discount-codes')
@PlatformAuth()
@Controller('v1/stores/:storeId/discount-codes')
export class DiscountCodeStatusController {
  constructor(private readonly discounts: DiscountCodeService) {}

  @Get(':code')
  @ApiOperation({
    summary: 'Checkout: can this discount code be honoured?',
    description: 'status is valid, expired, redeemed or unknown (an unknown code is 200, not 404). Codes are case-insensitive.',
  })
  @ApiOkResponse({ type: DiscountCodeStatusDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown store (STORE_NOT_FOUND)' })
  status(@Param('storeId') storeId: string, @Param('code') code: string) {
    return this.discounts.status(storeId, code);
  }
}
