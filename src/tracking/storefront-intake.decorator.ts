import { applyDecorators, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiPayloadTooLargeResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { StorefrontRateGuard } from './storefront-rate.guard';

/**
 * Storefront audience: anonymous browsers identified by the store's public website token (in
 * the body) from the store's own origin. The token and origin are checked once the body is
 * parsed; this decorator applies the per-IP cap, the route's own body limit and the docs.
 */
export function StorefrontIntake(bodyLimit: number): MethodDecorator {
  return applyDecorators(
    UseGuards(StorefrontRateGuard),
    // tracker.js sends JSON as text/plain (sendBeacon without a preflight).
    RouteConfig({ bodyLimit, acceptsTextPlain: true }),
    ApiBadRequestResponse({
      type: ErrorResponseDto,
      description: 'Malformed JSON or an invalid event (the message names the field)',
    }),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'UNKNOWN_WEBSITE_TOKEN' }),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: 'ORIGIN_REQUIRED / ORIGIN_NOT_ALLOWED' }),
    ApiPayloadTooLargeResponse({ type: ErrorResponseDto, description: `Body larger than ${bodyLimit} bytes` }),
    ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'Per-IP or per-store batch rate exceeded' }),
  );
}
