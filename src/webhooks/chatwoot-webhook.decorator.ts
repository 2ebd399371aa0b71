import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiNotFoundResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { ChatwootWebhookGuard } from './chatwoot-webhook.guard';

/** Chatwoot audience: signature guard and its Swagger description in one decorator. */
export function ChatwootWebhook(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(ChatwootWebhookGuard),
    ApiHeader({
      name: 'X-Chatwoot-Signature',
      required: true,
      description: 'sha256=<hex HMAC-SHA256(webhook secret, "<X-Chatwoot-Timestamp>.<raw body>")>',
    }),
    ApiHeader({ name: 'X-Chatwoot-Timestamp', required: true, description: 'Unix seconds; refused when too far from now' }),
    ApiHeader({
      name: 'X-Chatwoot-Delivery',
      required: true,
      description: 'Unique delivery id; a repeat is acknowledged and ignored',
    }),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing, invalid or stale signature' }),
    ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown store' }),
  );
}
