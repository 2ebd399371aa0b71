import { Body, Controller, Delete, Get, HttpCode, Param, Put, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PlatformAuth } from '../common/auth/platform-auth.decorator';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { CreatedStoreResponseDto, StoreResponseDto } from './dto/store-response.dto';
import { StoreSettingsDto } from './dto/store-settings.dto';
import { UpsertStoreDto } from './dto/upsert-store.dto';
import type { ResolvedStoreSettings } from './store-settings';
import { StoresService } from './stores.service';

@ApiTags('stores')
@PlatformAuth()
@ApiParam({ name: 'storeId', description: "The platform's store id (letters, digits, . _ -; at most 64)" })
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid store id or body' })
@Controller('v1/stores/:storeId')
export class StoresController {
  constructor(private readonly stores: StoresService) {}

  @Put()
  @ApiOperation({
    summary: 'Create or update a store',
    description:
      'First call: creates the store, answers 202 and provisions its Chatwoot account in the background; the response carries ' +
      '`notificationSecret` (the key our signed notifications use) once and never again. Later calls answer 200 and propagate ' +
      'what changed to Chatwoot; an identical repeat changes nothing. A store whose provisioning failed is retried. ' +
      'Creations are limited to ACCOUNT_CREATION_PER_HOUR (429 above).',
  })
  @ApiAcceptedResponse({ type: CreatedStoreResponseDto, description: 'Created; provisioning enqueued' })
  @ApiOkResponse({ type: StoreResponseDto, description: 'Updated (or unchanged)' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The store was deleted (STORE_DELETED)' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'Too many store creations this hour' })
  async upsert(
    @Param('storeId') storeId: string,
    @Body() body: UpsertStoreDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StoreResponseDto | CreatedStoreResponseDto> {
    const result = await this.stores.upsert(storeId, body);
    void reply.status(result.created ? 202 : 200);
    return result.body;
  }

  @Get()
  @ApiOperation({ summary: 'A store and the state of its Chatwoot account, step by step (never a secret)' })
  @ApiOkResponse({ type: StoreResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param('storeId') storeId: string): Promise<StoreResponseDto> {
    return this.stores.get(storeId);
  }

  @Delete()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Delete a store',
    description:
      'Marks the store `deleting`, announces `store.deleted` (every module purges its rows), deletes the Chatwoot account and ' +
      'ends in state `deleted` (kept readable, secrets wiped). A deleted store answers PUT with 409.',
  })
  @ApiAcceptedResponse({ type: StoreResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  remove(@Param('storeId') storeId: string): Promise<StoreResponseDto> {
    return this.stores.remove(storeId);
  }

  @Get('settings')
  @ApiOperation({ summary: 'The per-store settings, every field resolved with its default' })
  @ApiOkResponse({ type: StoreSettingsDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getSettings(@Param('storeId') storeId: string): Promise<ResolvedStoreSettings> {
    return this.stores.getSettings(storeId);
  }

  @Put('settings')
  @ApiOperation({
    summary: 'Update per-store settings',
    description: 'Partial: given fields are merged into the stored settings (one level per section; autoAssignment is replaced).',
  })
  @ApiOkResponse({ type: StoreSettingsDto, description: 'The resolved settings after the update' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  updateSettings(@Param('storeId') storeId: string, @Body() body: StoreSettingsDto): Promise<ResolvedStoreSettings> {
    return this.stores.updateSettings(storeId, body);
  }
}
