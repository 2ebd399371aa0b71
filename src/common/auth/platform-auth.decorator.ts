import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { PlatformAuthGuard } from './platform-auth.guard';

export const PLATFORM_SECURITY = 'platform';

/** Platform audience: guard and Swagger security scheme in one decorator. */
export function PlatformAuth(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(PlatformAuthGuard),
    ApiBearerAuth(PLATFORM_SECURITY),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing or wrong platform API key' }),
  );
}
