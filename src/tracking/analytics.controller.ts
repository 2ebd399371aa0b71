import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PlatformAuth } from '../common/auth/platform-auth.decorator';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { conversionReportCsv, wantsCsv } from './conversion-report.csv';
import { ConversionReportService } from './conversion-report.service';
import { ConversionQueryDto, ConversionReportDto } from './dto/conversion-report.dto';

@ApiTags('tracking')
@PlatformAuth()
@Controller('v1/stores/:storeId/analytics')
export class AnalyticsController {
  constructor(private readonly reports: ConversionReportService) {}

  @Get('conversion')
  @ApiOperation({
    summary: 'Widget funnel and chat-to-sale conversion',
    description:
      'Whole days in the store timezone, both ends inclusive (default: the last 30 days). `Accept: text/csv` returns the per-day rows as CSV.',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiExtraModels(ConversionReportDto)
  @ApiOkResponse({
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ConversionReportDto) } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'STORE_NOT_FOUND' })
  async conversion(
    @Param('storeId') storeId: string,
    @Query() query: ConversionQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConversionReportDto | string> {
    const report = await this.reports.report(storeId, query);
    if (!wantsCsv(accept)) return report;
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="conversion-${report.from}-${report.to}.csv"`);
    return conversionReportCsv(report);
  }
}
