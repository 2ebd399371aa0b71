import { Body, Controller, Delete, Get, HttpCode, Param, Put, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { PlatformAuth } from '../common/auth/platform-auth.decorator';
import { ErrorResponseDto, RETRY_AFTER } from '../common/errors/error-response.dto';
import { PlatformIngestRateGuard } from './platform-ingest-rate.guard';
import { CustomerErasureService } from './customer-erasure.service';
import { CustomerIngestionService } from './customer-ingestion.service';
import { ErasureStatusDto } from './dto/erasure-status.dto';
import { IngestResultDto } from './dto/ingest-result.dto';
import { CustomerParams } from './dto/params.dto';
import { UpsertCartDto } from './dto/upsert-cart.dto';
import { UpsertCustomerDto } from './dto/upsert-customer.dto';
import { WidgetIdentityDto } from './dto/widget-identity.dto';
import { WidgetIdentityService } from './widget-identity.service';

@ApiTags('customers')
@PlatformAuth()
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown store (STORE_NOT_FOUND)' })
@ApiBadRequestResponse({ type: ErrorResponseDto })
@Controller('v1/stores/:storeId/customers/:customerId')
export class CustomersController {
  constructor(
    private readonly ingestion: CustomerIngestionService,
    private readonly erasure: CustomerErasureService,
    private readonly widgetIdentity: WidgetIdentityService,
  ) {}

  @Put()
  @HttpCode(200)
  @UseGuards(PlatformIngestRateGuard)
  @ApiOperation({ summary: 'Create or update a customer (ignored when older than the stored version)' })
  @ApiOkResponse({ type: IngestResultDto })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, headers: RETRY_AFTER })
  upsert(@Param() p: CustomerParams, @Body() body: UpsertCustomerDto): Promise<IngestResultDto> {
    return this.ingestion.upsertCustomer(p.storeId, p.customerId, body);
  }

  @Put('cart')
  @HttpCode(200)
  @UseGuards(PlatformIngestRateGuard)
  @ApiOperation({ summary: "Replace the customer's cart (ignored when older than the stored version)" })
  @ApiOkResponse({ type: IngestResultDto })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, headers: RETRY_AFTER })
  upsertCart(@Param() p: CustomerParams, @Body() body: UpsertCartDto): Promise<IngestResultDto> {
    return this.ingestion.upsertCart(p.storeId, p.customerId, body);
  }

  @Delete()
  @HttpCode(202)
  @UseGuards(PlatformIngestRateGuard)
  @ApiOperation({
    summary: 'Erase a customer (GDPR)',
    description:
      'Removes the customer, cart and contact link at once, keeps their orders as anonymous totals, and deletes the ' +
      'Chatwoot contact in the background. Poll the erasure status until it is done.',
  })
  @ApiAcceptedResponse({ type: ErasureStatusDto })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, headers: RETRY_AFTER })
  erase(@Param() p: CustomerParams): Promise<ErasureStatusDto> {
    return this.erasure.requestErasure(p.storeId, p.customerId);
  }

  @Get('widget-identity')
  @ApiOperation({
    summary: "What the storefront's server renders for a signed-in customer so the widget can identify them",
    description:
      "Returns the customer's Chatwoot identifier, identifierHash = hex HMAC-SHA256(inbox hmac_token, identifier) and the " +
      "store's websiteToken (plus name and email: the SDK's setUser needs one). Render them into the tracker.js tag " +
      '(data-customer-id, data-identifier-hash, data-customer-name, data-customer-email); tracker.js then calls ' +
      'window.$chatwoot.setUser(identifier, {identifier_hash, ...}). Compute it per page render on the server; the ' +
      'hmac_token itself is never returned. Unknown customer: 404 CUSTOMER_NOT_FOUND (send it first with PUT).',
  })
  @ApiOkResponse({ type: WidgetIdentityDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The store has no active widget inbox yet (STORE_NOT_READY)' })
  identity(@Param() p: CustomerParams): Promise<WidgetIdentityDto> {
    return this.widgetIdentity.forCustomer(p.storeId, p.customerId);
  }

  @Get('erasure')
  @ApiOperation({ summary: 'Progress of an erasure request' })
  @ApiOkResponse({ type: ErasureStatusDto })
  erasureStatus(@Param() p: CustomerParams): Promise<ErasureStatusDto> {
    return this.erasure.status(p.storeId, p.customerId);
  }
}
