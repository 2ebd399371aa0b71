import { Injectable, OnModuleInit } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import getRawBody from 'raw-body';
import { DomainError, InvalidRequestError } from '../common/errors/domain-error';
import { assertSafeJson } from '../common/http/json-input-policy';
import { RawRoutes, requestIdOf, writeError, writeJson, type RawRoute } from '../common/http/raw-routes';
import { AppConfig } from '../config/app-config';
import { httpDurations } from '../observability/http-metrics';
import { MetricsService } from '../observability/metrics.service';
import { errorCodeOf, RequestLog } from '../observability/request-log';
import { WebhookAckDto } from './dto/webhook.dto';
import { WebhookIntakeService } from './webhook-intake.service';

/** `/v1/webhooks/chatwoot/:storeId` (the URL provisioning registers) and `/v1/webhooks/chatwoot`. */
const PATH = /^\/v1\/webhooks\/chatwoot(?:\/([^/?#]+))?\/?(?:\?.*)?$/;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const ROUTE_WITH_STORE = '/v1/webhooks/chatwoot/:storeId';
const ROUTE_WITHOUT_STORE = '/v1/webhooks/chatwoot';

/**
 * `POST /v1/webhooks/chatwoot[/:storeId]`, served on the bare HTTP server (see RawRoutes):
 * Chatwoot gives up on a delivery after 5 s and never retries, so intake has to keep up with
 * bursts, and Fastify's and Nest's per-request work cost more than the intake itself
 * (`npm run bench -- webhook-intake`). This class only speaks HTTP: read the body within the
 * limit, parse it, hand it to WebhookIntakeService, answer in the app's one JSON shape, and
 * report the request to the log and `/metrics` as the other routes do.
 */
@Injectable()
export class WebhookIntakeEndpoint implements RawRoute, OnModuleInit {
  private readonly duration;

  constructor(
    @InjectPinoLogger('HTTP') private readonly logger: PinoLogger,
    private readonly intake: WebhookIntakeService,
    private readonly routes: RawRoutes,
    private readonly config: AppConfig,
    metrics: MetricsService,
    private readonly requestLog: RequestLog,
  ) {
    this.duration = httpDurations(metrics);
  }

  onModuleInit(): void {
    this.routes.add(this);
  }

  matches(req: IncomingMessage): boolean {
    return req.method === 'POST' && PATH.test(req.url ?? '');
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    // serve() answers every failure itself; this only keeps a bug from becoming an unhandled rejection.
    this.serve(req, res).catch((error: unknown) => {
      this.logger.error({ err: error }, 'webhook intake failed');
      if (!res.headersSent) writeError(res, requestIdOf(req), error);
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    const storeIdFromPath = PATH.exec(req.url ?? '')?.[1] ?? null;
    let status: number;
    try {
      const ack = await this.intake.accept({
        storeIdFromPath: storeIdFromPath === null ? null : decodeStoreId(storeIdFromPath),
        headers: req.headers,
        ...(await this.readJson(req)),
      });
      status = 200;
      writeJson(res, requestId, status, ack);
    } catch (error) {
      status = writeError(res, requestId, error);
      if (status >= 500) this.logger.error({ err: error, requestId }, 'webhook intake failed');
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = storeIdFromPath === null ? ROUTE_WITHOUT_STORE : ROUTE_WITH_STORE;
    this.duration.observe({ method: 'POST', route, status: String(status) }, seconds);
    // The same line as every Fastify route's (RequestLog).
    this.requestLog.write({
      method: 'POST',
      route,
      status,
      ms: seconds * 1000,
      requestId,
      storeId: storeIdFromPath ?? undefined,
      code: status >= 400 ? errorCodeOf(res) : undefined,
    });
  }

  /** The raw bytes (they are what Chatwoot signed) and their parse; 413, 415 and 400 as Fastify would answer. */
  private async readJson(req: IncomingMessage): Promise<{ rawBody: Buffer; body: unknown }> {
    const type = req.headers['content-type'];
    if (!type || !JSON_TYPE.test(type)) {
      req.resume();
      throw new DomainError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type must be application/json, not ${type?.slice(0, 100) ?? 'missing'}`,
      );
    }
    const rawBody = await getRawBody(req, { length: req.headers['content-length'], limit: this.config.WEBHOOK_BODY_LIMIT_BYTES });
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8')) as unknown;
    } catch (error) {
      throw new InvalidRequestError(`Body is not valid JSON: ${(error as Error).message}`, 'MALFORMED_JSON');
    }
    // Depth only: the delivery is stored as the text Chatwoot signed, and refusing its characters would lose it.
    assertSafeJson(body, 'body', { characters: false });
    return { rawBody, body };
  }

  readonly openApiModels = [WebhookAckDto];

  readonly openApiPaths: OpenAPIObject['paths'] = {
    [ROUTE_WITH_STORE.replace(':storeId', '{storeId}')]: {
      post: intakeOperation(
        'receiveChatwootWebhook',
        'Chatwoot account webhook (the URL provisioning registers): verified, stored, acknowledged, processed later',
        true,
      ),
    },
    [ROUTE_WITHOUT_STORE]: {
      post: intakeOperation(
        'receiveChatwootWebhookForAccount',
        "Chatwoot account webhook without a store id: the store is found from the payload's account.id (Chatwoot ≥ 4.14.2)",
        false,
      ),
    },
  };
}

function decodeStoreId(segment: string): string {
  let storeId: string;
  try {
    storeId = decodeURIComponent(segment);
  } catch {
    throw new InvalidRequestError('The store id in the URL is not valid percent-encoding', 'INVALID_STORE_ID');
  }
  assertSafeJson(storeId, 'path.storeId');
  return storeId;
}

const ERROR = { content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } } };

function intakeOperation(operationId: string, summary: string, withStore: boolean) {
  return {
    operationId,
    summary,
    tags: ['webhooks'],
    parameters: [
      ...(withStore
        ? [
            {
              name: 'storeId',
              in: 'path' as const,
              required: true,
              description: 'The platform store id the webhook URL was registered for',
              schema: { type: 'string' },
            },
          ]
        : []),
      {
        name: 'X-Chatwoot-Signature',
        in: 'header' as const,
        required: true,
        description: 'sha256=<hex HMAC-SHA256(webhook secret, "<X-Chatwoot-Timestamp>.<raw body>")>',
        schema: { type: 'string' },
      },
      {
        name: 'X-Chatwoot-Timestamp',
        in: 'header' as const,
        required: true,
        description: 'Unix seconds; refused when too far from now',
        schema: { type: 'string' },
      },
      {
        name: 'X-Chatwoot-Delivery',
        in: 'header' as const,
        required: true,
        description: 'Unique delivery id; a repeat is acknowledged and ignored',
        schema: { type: 'string' },
      },
    ],
    requestBody: {
      required: true,
      description: 'The Chatwoot event payload, exactly as signed',
      content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } },
    },
    responses: {
      '200': {
        description: 'Stored (or a repeat, acknowledged and ignored)',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/WebhookAckDto' } } },
      },
      '400': {
        ...ERROR,
        description: withStore
          ? 'Body is not a JSON object with an event name'
          : 'Body is not a JSON object with an event name and account.id',
      },
      '401': { ...ERROR, description: 'Missing, invalid or stale signature' },
      '404': { ...ERROR, description: 'Unknown store' },
      '413': { ...ERROR, description: 'Body larger than WEBHOOK_BODY_LIMIT_BYTES' },
      '415': { ...ERROR, description: 'Content-Type is not JSON' },
      '503': {
        ...ERROR,
        description:
          'The database is unavailable (DATABASE_UNAVAILABLE) or the store has WEBHOOK_BACKLOG_LIMIT deliveries waiting (WEBHOOK_BACKLOG_FULL); with Retry-After',
      },
    },
  };
}
