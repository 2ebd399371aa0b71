import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { PLATFORM_SECURITY } from './common/auth/platform-auth.decorator';
import { ERROR_CATALOGUE, catalogueCodesIn } from './common/errors/error-catalogue';
import { ErrorResponseDto } from './common/errors/error-response.dto';
import { RawRoutes } from './common/http/raw-routes';
import { REQUEST_EXAMPLES, WEBHOOK_EXAMPLE } from './openapi-examples';
import { SERVICE_VERSION } from './version';

export const AGENT_SECURITY = 'agent';
export const CONTEXT_TOKEN_SECURITY = 'contextToken';

/** The document's introduction: what a platform engineer needs before the first call. */
const INTRODUCTION = `Connects a multi-store e-commerce platform to Chatwoot: one Chatwoot account per store, rich contacts,
signed webhooks, storefront tracking and an agent context panel.

## Three credentials, three audiences

| who calls | credential | where it comes from |
| --- | --- | --- |
| your platform (stores, customers, orders, admin) | \`Authorization: Bearer <PLATFORM_API_KEY>\` | you set \`PLATFORM_API_KEY\`; in development the default is \`dev-platform-api-key\` (the start-up banner prints it while it is in use; production refuses it) |
| Chatwoot (webhooks) | \`X-Chatwoot-Signature\` = HMAC-SHA256 over \`"<X-Chatwoot-Timestamp>.<raw body>"\` | provisioning registers the account webhook in Chatwoot and keeps its secret encrypted; Chatwoot signs every delivery with it, nothing to configure |
| agents (context API, dashboard app) | \`x-context-token\` (the store's context token) or a Chatwoot agent's own \`api_access_token\` | provisioning registers the dashboard app at \`<PUBLIC_URL>/dashboard-app?token=<context token>\` in the store's Chatwoot account (Settings → Integrations → Dashboard apps shows the URL); an agent's token is on their Chatwoot profile page |
| storefront (tracking) | \`websiteToken\` in the body, \`Origin\` = the store website | the web widget inbox's \`website_token\`, the same one the Chatwoot widget snippet carries |

## Getting started

1. \`PUT /v1/stores/{storeId}\` with the platform key: answers 202 and provisions the Chatwoot account; keep the
   \`notificationSecret\` it returns once. \`GET /v1/stores/{storeId}\` shows the provisioning steps until \`chatwoot.state\` is \`active\`.
2. \`PUT\` customers, orders, carts and products: each customer becomes a Chatwoot contact with its attributes.
3. Agents open a conversation in Chatwoot and see the dashboard app.

## Errors

Every error has the shape \`{statusCode, code, message, requestId}\`; validation errors (400 \`VALIDATION_FAILED\`) also
carry \`details: [{field, message}]\`. \`code\` is stable, \`message\` is for people. Each operation lists the errors it
answers with an example taken from the service's error catalogue. \`requestId\` is also the \`x-request-id\` response
header and the \`requestId\` of the service's log line (send your own \`x-request-id\` to correlate).`;

/** Tags in the order a platform engineer works through them; tags not listed here follow, before operations. */
const TAG_ORDER: Array<{ name: string; description: string }> = [
  { name: 'stores', description: 'Create a store: its Chatwoot account is provisioned step by step' },
  { name: 'customers', description: 'Customers and carts: each customer becomes one Chatwoot contact' },
  { name: 'orders and products', description: 'Orders and the catalogue, behind the contact attributes and recommendations' },
  { name: 'contacts', description: 'Bulk contact syncs and merges' },
  { name: 'webhooks', description: 'Signed Chatwoot webhooks in; failed deliveries out for replay' },
  { name: 'conversations', description: 'Support figures built from the webhooks' },
  { name: 'notifications', description: 'Signed notifications we POST to the store' },
  { name: 'tracking', description: 'Storefront tracking and conversion attribution' },
  { name: 'context', description: "The agent's panel: the customer behind a Chatwoot contact" },
  { name: 'discount-codes', description: 'Checkout checks codes that agents gave' },
  { name: 'dashboard-app', description: 'The page Chatwoot frames in the conversation view' },
];
const LAST_TAG = { name: 'operations', description: 'Health and Prometheus metrics' };

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Chatwoot store bridge')
    .setDescription(INTRODUCTION)
    .setVersion(SERVICE_VERSION)
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: 'The platform API key (PLATFORM_API_KEY; development default `dev-platform-api-key`)',
      },
      PLATFORM_SECURITY,
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'api_access_token',
        description: "A Chatwoot agent's own access token (their Chatwoot profile page)",
      },
      AGENT_SECURITY,
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'x-context-token',
        description:
          "The store's context token: the `token` query parameter of the dashboard app URL provisioning registers in Chatwoot",
      },
      CONTEXT_TOKEN_SECURITY,
    )
    .build();
  const rawRoutes = app.get(RawRoutes);
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorResponseDto, ...rawRoutes.openApiModels()] });
  // Raw routes (served ahead of Fastify) are invisible to the scanner; they describe themselves.
  document.paths = { ...document.paths, ...rawRoutes.openApiPaths() };
  documentErrorsAndExamples(document);
  document.tags = orderedTags(document);
  return sortKeys(document) as OpenAPIObject;
}

type Audience = 'platform' | 'agent' | 'webhook' | 'storefront' | 'public';

interface Operation {
  security?: Array<Record<string, string[]>>;
  tags?: string[];
  requestBody?: { content?: Record<string, { schema?: { $ref?: string }; example?: unknown }> };
  responses: Record<string, { description?: string; content?: Record<string, unknown> }>;
}

function audienceOf(path: string, operation: Operation): Audience {
  const schemes = (operation.security ?? []).flatMap((entry) => Object.keys(entry));
  if (schemes.includes(PLATFORM_SECURITY)) return 'platform';
  if (schemes.includes(CONTEXT_TOKEN_SECURITY) || schemes.includes(AGENT_SECURITY)) return 'agent';
  if (path.startsWith('/v1/webhooks/chatwoot')) return 'webhook';
  if (path === '/v1/tracking/events') return 'storefront';
  return 'public';
}

/** The code an error status stands for on this route when its description names none. */
function defaultCode(status: number, audience: Audience, path: string): string | undefined {
  switch (status) {
    case 400:
      return audience === 'webhook' ? 'MALFORMED_WEBHOOK' : 'VALIDATION_FAILED';
    case 401:
      return {
        platform: 'UNAUTHORIZED',
        agent: 'MISSING_CREDENTIALS',
        webhook: 'SIGNATURE_MISSING',
        storefront: 'UNKNOWN_WEBSITE_TOKEN',
        public: 'UNAUTHORIZED',
      }[audience];
    case 403:
      return audience === 'storefront' ? 'ORIGIN_REQUIRED' : 'ACCOUNT_MISMATCH';
    case 404:
      if (path.includes('{storeId}')) return 'STORE_NOT_FOUND';
      if (path.includes('{conversationId}')) return 'CONVERSATION_NOT_FOUND';
      if (path.includes('{contactId}')) return 'CONTACT_NOT_FOUND';
      if (path.includes('webhook-deliveries')) return 'DELIVERY_NOT_FOUND';
      if (audience === 'webhook') return 'STORE_NOT_FOUND';
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 422:
      return 'UNPROCESSABLE';
    case 429:
      return 'RATE_LIMITED';
    case 502:
      return 'CHATWOOT_ERROR';
    case 503:
      return 'DATABASE_UNAVAILABLE';
    default:
      return undefined;
  }
}

/**
 * Where a route answers a status with another code than its audience and path suggest (checked by
 * test/e2e/docs/error-examples.e2e-spec.ts); `null`: the route never answers that status.
 */
const ERROR_OVERRIDES: Record<string, Record<number, string | null>> = {
  StoresController_get: { 400: 'INVALID_STORE_ID' },
  StoresController_remove: { 400: 'INVALID_STORE_ID' },
  StoresController_getSettings: { 400: 'INVALID_STORE_ID' },
  CustomersController_erasureStatus: { 404: 'ERASURE_NOT_FOUND' },
  ContactSyncController_getRun: { 404: 'SYNC_RUN_NOT_FOUND' },
  ConversationsController_get: { 404: 'CONVERSATION_NOT_FOUND' },
  NotificationsController_list: { 404: null },
  ContextController_cart: { 404: 'CUSTOMER_NOT_LINKED' },
  ContextController_insights: { 404: 'CUSTOMER_NOT_LINKED' },
  ContextController_orders: { 404: 'CUSTOMER_NOT_LINKED' },
  ContextController_recommendations: { 404: 'CUSTOMER_NOT_LINKED' },
};

const GENERIC_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: the fields and what is wrong with each',
  413: 'Body larger than BODY_LIMIT_BYTES',
  415: 'Content-Type is not application/json',
};

/**
 * One place for what every operation answers on errors: statuses that follow from the operation's
 * shape are added (a JSON body means 400, 413 and 415), and every error response gets the one error
 * schema with an example from the catalogue (the first catalogue code its description names, or the
 * code that status stands for on that route). Request bodies get their example from REQUEST_EXAMPLES.
 */
function documentErrorsAndExamples(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item as Record<string, Operation & { operationId?: string }>)) {
      if (!operation || typeof operation !== 'object' || !operation.responses) continue;
      // Class-level decorators share one response object between operations: give each its own.
      operation.responses = structuredClone(operation.responses);
      const overrides = ERROR_OVERRIDES[operation.operationId ?? ''] ?? {};
      const audience = audienceOf(path, operation);
      const json = operation.requestBody?.content?.['application/json'];
      if (json) {
        const schemaName = json.schema?.$ref?.split('/').pop();
        if (schemaName && REQUEST_EXAMPLES[schemaName] !== undefined) json.example = REQUEST_EXAMPLES[schemaName];
        else if (audience === 'webhook') json.example = WEBHOOK_EXAMPLE;
        for (const status of [400, 413, 415]) {
          operation.responses[String(status)] ??= { description: GENERIC_DESCRIPTIONS[status] };
        }
      }
      delete operation.responses['4XX'];
      for (const [status, response] of Object.entries(operation.responses)) {
        const statusCode = Number(status);
        if (!(statusCode >= 400 && statusCode < 600)) continue;
        // Only the one error shape gets catalogue examples (the health check answers terminus's own body).
        if (response.content && !JSON.stringify(response.content).includes('ErrorResponseDto')) continue;
        // A class-wide description may name codes of routes that do not apply here (contacts vs conversations).
        const named = catalogueCodesIn(response.description, statusCode).filter(
          (candidate) => !/^(CONTACT_NOT_FOUND|CUSTOMER_NOT_LINKED)$/.test(candidate) || path.includes('{contactId}'),
        );
        if (overrides[statusCode] === null) {
          delete operation.responses[status];
          continue;
        }
        const code = overrides[statusCode] ?? named[0] ?? defaultCode(statusCode, audience, path);
        const example = code === undefined ? undefined : ERROR_CATALOGUE.get(code);
        if (!example) continue;
        if (!response.description || response.description === 'Bad Request') {
          response.description = GENERIC_DESCRIPTIONS[statusCode] ?? response.description;
        }
        response.content = {
          'application/json': {
            schema: { $ref: '#/components/schemas/ErrorResponseDto' },
            example: { ...example, requestId: '6f1c2a3e-8b1d-4c55-9a7e-2f0d4b9e1a77' },
          },
        };
      }
    }
  }
}

function orderedTags(document: OpenAPIObject): Array<{ name: string; description?: string }> {
  const used = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, Operation>))
      for (const tag of operation?.tags ?? []) used.add(tag);
  }
  const known = new Set([...TAG_ORDER.map((tag) => tag.name), LAST_TAG.name]);
  const others = [...used]
    .filter((name) => !known.has(name))
    .sort()
    .map((name) => ({ name }));
  return [...TAG_ORDER.filter((tag) => used.has(tag.name)), ...others, ...(used.has(LAST_TAG.name) ? [LAST_TAG] : [])];
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
