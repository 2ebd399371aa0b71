import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { PlatformAuth } from '../common/auth/platform-auth.decorator';
import { ErrorResponseDto, RETRY_AFTER } from '../common/errors/error-response.dto';
import { CustomerImportService } from './customer-import.service';
import { IMPORT_MAX_ITEMS, ImportRequestDto, ImportResultDto } from './dto/import.dto';
import { StoreParams } from './dto/params.dto';
import { PlatformIngestRateGuard } from './platform-ingest-rate.guard';

@ApiTags('customers')
@PlatformAuth()
@Controller('v1/stores/:storeId/import')
export class ImportController {
  constructor(private readonly imports: CustomerImportService) {}

  @Post()
  @HttpCode(200)
  @UseGuards(PlatformIngestRateGuard)
  @ApiOperation({
    summary: 'Import many customers and orders in one request',
    description:
      `At most ${IMPORT_MAX_ITEMS} records in all. Each is validated like its single PUT and applied with the same ` +
      'newest-wins rule; the answer lists a result per record (applied, stale or invalid with field errors). ' +
      'Every record counts towards PLATFORM_INGEST_RATE_PER_MINUTE.',
  })
  @ApiOkResponse({ type: ImportResultDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Not an import, or more than the maximum records (IMPORT_TOO_LARGE)',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown store (STORE_NOT_FOUND)' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, headers: RETRY_AFTER })
  import(@Param() p: StoreParams, @Body() body: ImportRequestDto): Promise<ImportResultDto> {
    return this.imports.import(p.storeId, body);
  }
}
