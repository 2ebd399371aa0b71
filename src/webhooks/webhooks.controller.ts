import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { ChatwootWebhook } from './chatwoot-webhook.decorator';
import type { WebhookRequest } from './chatwoot-webhook.guard';
import { WebhookAckDto } from './dto/webhook.dto';
import { WebhookIntakeService } from './webhook-intake.service';

@ApiTags('webhooks')
@Controller('v1/webhooks/chatwoot')
export class WebhooksController {
  constructor(private readonly intake: WebhookIntakeService) {}

  @Post(':storeId')
  @HttpCode(200)
  @ChatwootWebhook()
  @ApiOperation({
    summary: 'Chatwoot account webhook (the URL provisioning registers): verified, stored, acknowledged, processed later',
  })
  @ApiParam({ name: 'storeId', description: 'The platform store id the webhook URL was registered for' })
  @ApiOkResponse({ type: WebhookAckDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Body is not a JSON object with an event name' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  // The store id is read by the guard from the route params; no param pipe on the hot path.
  receive(@Req() request: WebhookRequest): Promise<WebhookAckDto> {
    return this.intake.accept(request);
  }

  @Post()
  @HttpCode(200)
  @ChatwootWebhook()
  @ApiOperation({
    summary: "Chatwoot account webhook without a store id: the store is found from the payload's account.id (Chatwoot ≥ 4.14.2)",
  })
  @ApiOkResponse({ type: WebhookAckDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Body is not a JSON object with an event name and account.id' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  receiveForAccount(@Req() request: WebhookRequest): Promise<WebhookAckDto> {
    return this.intake.accept(request);
  }
}
