import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { PlatformAuth } from '../common/auth/platform-auth.decorator';
import { ErrorResponseDto, RETRY_AFTER } from '../common/errors/error-response.dto';
import { ContactMergeService } from './contact-merge.service';
import { PlatformIngestRateGuard } from './platform-ingest-rate.guard';
import { MergeContactsDto, MergeResultDto } from './dto/merge-contacts.dto';
import { StoreParams, SyncRunParams } from './dto/params.dto';
import { SyncRunDto } from './dto/sync-run.dto';
import { SyncRunService } from './sync-run.service';

@ApiTags('contacts')
@PlatformAuth()
@ApiNotFoundResponse({ type: ErrorResponseDto })
@ApiBadRequestResponse({ type: ErrorResponseDto })
@Controller('v1/stores/:storeId')
export class ContactSyncController {
  constructor(
    private readonly runs: SyncRunService,
    private readonly merges: ContactMergeService,
  ) {}

  @Post('contacts/sync')
  @HttpCode(202)
  @UseGuards(PlatformIngestRateGuard)
  @ApiOperation({
    summary: 'Start a full contact sync of the store',
    description: 'Returns the run (the one already running, if any); follow it at /sync-runs/{runId}.',
  })
  @ApiAcceptedResponse({ type: SyncRunDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The store has no active Chatwoot account (STORE_NOT_READY)' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, headers: RETRY_AFTER })
  startSync(@Param() p: StoreParams): Promise<SyncRunDto> {
    return this.runs.startRun(p.storeId, 'api');
  }

  @Get('sync-runs/:runId')
  @ApiOperation({ summary: 'Progress of a contact sync run' })
  @ApiOkResponse({ type: SyncRunDto })
  getRun(@Param() p: SyncRunParams): Promise<SyncRunDto> {
    return this.runs.getRun(p.storeId, p.runId);
  }

  @Post('contacts/merge')
  @HttpCode(200)
  @UseGuards(PlatformIngestRateGuard)
  @ApiOperation({ summary: 'Merge a duplicate Chatwoot contact into the primary one' })
  @ApiOkResponse({ type: MergeResultDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The store has no active Chatwoot account (STORE_NOT_READY)' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Chatwoot refused the merge (MERGE_REJECTED)' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, headers: RETRY_AFTER })
  merge(@Param() p: StoreParams, @Body() body: MergeContactsDto): Promise<MergeResultDto> {
    return this.merges.merge(p.storeId, body);
  }
}
