import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PlatformAuth } from '../common/auth/platform-auth.decorator';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { DeliveryIdParamDto, ListDeliveriesQueryDto, WebhookDeliveryDto, WebhookDeliveryPageDto } from './dto/webhook.dto';
import { WebhookDeliveriesService } from './webhook-deliveries.service';

@ApiTags('webhooks')
@PlatformAuth()
@Controller('v1/admin/webhook-deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly deliveries: WebhookDeliveriesService) {}

  @Get()
  @ApiOperation({ summary: 'Stored Chatwoot deliveries, newest first (e.g. state=failed)' })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  async list(@Query() query: ListDeliveriesQueryDto): Promise<WebhookDeliveryPageDto> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const { items, total } = await this.deliveries.list({ ...query, page, pageSize });
    return { items: items.map((row) => WebhookDeliveryDto.from(row)), total, page, pageSize };
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Process a stored delivery again (effects are idempotent)' })
  @ApiOkResponse({ type: WebhookDeliveryDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The delivery is still being processed' })
  async replay(@Param() params: DeliveryIdParamDto): Promise<WebhookDeliveryDto> {
    return WebhookDeliveryDto.from(await this.deliveries.replay(params.id));
  }
}
