import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { PlatformAuth } from '../common/auth/platform-auth.decorator';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { StoreBrandingDto } from './dto/store-branding.dto';
import {
  DefaultsResultDto,
  RepairResultDto,
  StoreResponseDto,
  TokenRotationDto,
  TokenValidationDto,
} from './dto/store-response.dto';
import { StoreChatwootService } from './store-chatwoot.service';

@ApiTags('stores')
@PlatformAuth()
@ApiParam({ name: 'storeId', description: "The platform's store id" })
@ApiNotFoundResponse({ type: ErrorResponseDto })
@ApiConflictResponse({
  type: ErrorResponseDto,
  description: 'The store has no usable Chatwoot account (STORE_NOT_READY, STORE_DELETED)',
})
@ApiBadGatewayResponse({ type: ErrorResponseDto, description: 'Chatwoot refused or failed (CHATWOOT_ERROR)' })
@Controller('v1/stores/:storeId/chatwoot')
export class StoreChatwootController {
  constructor(private readonly service: StoreChatwootService) {}

  @Post('suspend')
  @HttpCode(200)
  @ApiOperation({ summary: "Suspend the store's Chatwoot account (agents and the widget are locked out)" })
  @ApiOkResponse({ type: StoreResponseDto })
  suspend(@Param('storeId') storeId: string): Promise<StoreResponseDto> {
    return this.service.suspend(storeId);
  }

  @Post('reactivate')
  @HttpCode(200)
  @ApiOperation({ summary: "Reactivate the store's Chatwoot account" })
  @ApiOkResponse({ type: StoreResponseDto })
  reactivate(@Param('storeId') storeId: string): Promise<StoreResponseDto> {
    return this.service.reactivate(storeId);
  }

  @Post('tokens/rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the administrator API token and the dashboard context token',
    description:
      "Resets the service administrator's Chatwoot API token (as that user; the old one stops working at once), stores the " +
      'new one, issues a new per-store context token and re-registers the dashboard app URL that embeds it. ' +
      "A web widget's website_token and hmac_token cannot be rotated: Chatwoot has no endpoint to regenerate them " +
      '(replacing them means a new inbox and a new storefront snippet).',
  })
  @ApiOkResponse({ type: TokenRotationDto })
  rotate(@Param('storeId') storeId: string): Promise<TokenRotationDto> {
    return this.service.rotateTokens(storeId);
  }

  @Get('tokens/validate')
  @ApiOperation({
    summary: 'Check the stored credentials against Chatwoot',
    description:
      'Administrator token (profile), account access (an account-scoped call), inbox, webhook and dashboard app; one ' +
      '{name, valid, detail} per check. Nothing secret is returned.',
  })
  @ApiOkResponse({ type: TokenValidationDto })
  validate(@Param('storeId') storeId: string): Promise<TokenValidationDto> {
    return this.service.validateTokens(storeId);
  }

  @Put('branding')
  @ApiOperation({ summary: "Update the widget's branding (store and Chatwoot inbox)" })
  @ApiOkResponse({ type: StoreResponseDto })
  branding(@Param('storeId') storeId: string, @Body() body: StoreBrandingDto): Promise<StoreResponseDto> {
    return this.service.branding(storeId, body);
  }

  @Post('inboxes/defaults')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Re-create missing default objects',
    description:
      'Idempotent: checks the web widget inbox, contact attribute definitions, teams, labels, webhook and dashboard app, and ' +
      're-creates only what is missing.',
  })
  @ApiOkResponse({ type: DefaultsResultDto })
  defaults(@Param('storeId') storeId: string): Promise<DefaultsResultDto> {
    return this.service.ensureDefaults(storeId);
  }

  @Post('repair')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run drift repair now',
    description:
      'Compares the Chatwoot account with the store (exists, status, administrator token, inbox, webhook URL and ' +
      'subscriptions, dashboard app) and puts back what drifted. The same runs every 15 minutes for every store.',
  })
  @ApiOkResponse({ type: RepairResultDto })
  repair(@Param('storeId') storeId: string): Promise<RepairResultDto> {
    return this.service.repair(storeId);
  }
}
