import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { PlatformAuth } from '../common/auth/platform-auth.decorator';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { AttributionService } from './attribution.service';
import { AttributionDto, CreateAttributionDto } from './dto/attribution.dto';

@ApiTags('tracking')
@PlatformAuth()
@Controller('v1/stores/:storeId/attributions')
export class AttributionsController {
  constructor(private readonly attributions: AttributionService) {}

  @Post()
  @ApiOperation({
    summary: 'Credit an order to a conversation explicitly',
    description:
      'The order must already be known (PUT /v1/stores/:storeId/orders/:orderId, delivered as order.changed) and so must the ' +
      'conversation; otherwise 404 ORDER_NOT_FOUND / CONVERSATION_NOT_FOUND (nothing is stored, retry later). Cancelled or ' +
      'refunded orders: 422 ORDER_NOT_ATTRIBUTABLE. A manual attribution replaces an automatic one and is never replaced by one; ' +
      'a later cancel or refund removes it.',
  })
  @ApiCreatedResponse({ type: AttributionDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'STORE_NOT_FOUND, ORDER_NOT_FOUND or CONVERSATION_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'ORDER_NOT_ATTRIBUTABLE' })
  create(@Param('storeId') storeId: string, @Body() body: CreateAttributionDto): Promise<AttributionDto> {
    return this.attributions.attribute(storeId, body);
  }

  @Get(':orderId')
  @ApiOperation({ summary: "An order's chat attribution (automatic or manual)" })
  @ApiOkResponse({ type: AttributionDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'ATTRIBUTION_NOT_FOUND' })
  get(@Param('storeId') storeId: string, @Param('orderId') orderId: string): Promise<AttributionDto> {
    return this.attributions.get(storeId, orderId);
  }
}
