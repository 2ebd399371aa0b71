import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { PLATFORM_SECURITY } from './common/auth/platform-auth.decorator';
import { ErrorResponseDto } from './common/errors/error-response.dto';
import { RawRoutes } from './common/http/raw-routes';

export const AGENT_SECURITY = 'agent';
export const CONTEXT_TOKEN_SECURITY = 'contextToken';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Chatwoot store bridge')
    .setDescription(
      'Connects a multi-store e-commerce platform to Chatwoot: one Chatwoot account per store, ' +
        'rich contacts, signed webhooks, storefront tracking and an agent context panel. ' +
        'Errors always have the shape {statusCode, code, message, requestId}; validation errors add ' +
        'details: [{field, message}], one entry per refused field.',
    )
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The platform API key (PLATFORM_API_KEY)' }, PLATFORM_SECURITY)
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'api_access_token', description: "A Chatwoot agent's own access token" },
      AGENT_SECURITY,
    )
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'x-context-token', description: 'The per-store context token of the dashboard app' },
      CONTEXT_TOKEN_SECURITY,
    )
    .addGlobalResponse({
      status: '4XX',
      description: 'Bad input or not allowed: {statusCode, code, message, requestId}',
      schema: { $ref: '#/components/schemas/ErrorResponseDto' },
    })
    .build();
  const rawRoutes = app.get(RawRoutes);
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorResponseDto, ...rawRoutes.openApiModels()] });
  // Raw routes (served ahead of Fastify) are invisible to the scanner; they describe themselves.
  document.paths = { ...document.paths, ...rawRoutes.openApiPaths() };
  return sortKeys(document) as OpenAPIObject;
}

/** Stable key order so the committed document diffs cleanly. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
