import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/errors/error-response.dto';
import { AGENT_SECURITY, CONTEXT_TOKEN_SECURITY } from '../../openapi';
import { AgentAuthGuard } from './agent-auth.guard';

/**
 * Agent audience: the store's context token (`x-context-token`, or `?token=` from the dashboard
 * app URL) or a Chatwoot agent's own `api_access_token`. Guard and Swagger security in one.
 */
export function AgentAuth(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(AgentAuthGuard),
    ApiSecurity(CONTEXT_TOKEN_SECURITY),
    ApiSecurity(AGENT_SECURITY),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing or invalid context token / agent token' }),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: 'The credentials belong to another Chatwoot account' }),
  );
}
