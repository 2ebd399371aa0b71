import { Body, Controller, HttpCode, Param, Put, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { PlatformAuth } from '../common/auth/platform-auth.decorator';
import { ErrorResponseDto, RETRY_AFTER } from '../common/errors/error-response.dto';
import { PlatformIngestRateGuard } from './platform-ingest-rate.guard';
import { CustomerIngestionService } from './customer-ingestion.service';
import { IngestResultDto } from './dto/ingest-result.dto';
import { OrderParams, ProductParams } from './dto/params.dto';
import { UpsertOrderDto } from './dto/upsert-order.dto';
import { UpsertProductDto } from './dto/upsert-product.dto';

@ApiTags('orders and products')
@PlatformAuth()
@UseGuards(PlatformIngestRateGuard)
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown store (STORE_NOT_FOUND)' })
@ApiBadRequestResponse({ type: ErrorResponseDto })
@ApiTooManyRequestsResponse({ type: ErrorResponseDto, headers: RETRY_AFTER })
@Controller('v1/stores/:storeId')
export class CatalogController {
  constructor(private readonly ingestion: CustomerIngestionService) {}

  @Put('orders/:orderId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or update an order (amounts in minor units; ignored when older than the stored version)' })
  @ApiOkResponse({ type: IngestResultDto })
  @ApiUnprocessableEntityResponse({
    type: ErrorResponseDto,
    description: "CURRENCY_MISMATCH: the order's currency is not the store's (totals count the store currency only)",
  })
  upsertOrder(@Param() p: OrderParams, @Body() body: UpsertOrderDto): Promise<IngestResultDto> {
    return this.ingestion.upsertOrder(p.storeId, p.orderId, body);
  }

  @Put('products/:productId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or update a catalogue product (used for recommendations)' })
  @ApiOkResponse({ type: IngestResultDto })
  upsertProduct(@Param() p: ProductParams, @Body() body: UpsertProductDto): Promise<IngestResultDto> {
    return this.ingestion.upsertProduct(p.storeId, p.productId, body);
  }
}
