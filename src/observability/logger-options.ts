import type { LoggerService } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import type { AppConfig } from '../config/app-config';

/** Header and field names whose values must never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.api_access_token',
  'req.headers["api-access-token"]',
  'req.headers["x-chatwoot-signature"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.adminToken',
  '*.apiToken',
  '*.secret',
  '*.password',
  '*.hmacToken',
  '*.hmac_token',
  '*.contextToken',
  'err.config.headers',
];

export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.LOG_LEVEL,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Fastify already made the request id (and echoes it as x-request-id); reuse it.
      genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? 'unknown',
      customProps: (req: IncomingMessage) => ({ requestId: (req as IncomingMessage & { id?: string }).id }),
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          // Query strings can carry tokens (the dashboard app URL does): log the path only.
          url: req.url?.split('?')[0],
        }),
        // Never the response headers: 13 security headers per line said nothing an operator needs.
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      // pino-http only carries the request-scoped logger (with requestId) into handlers; the one
      // request line per request is RequestLog's, shared with the raw routes (see request-log.ts).
      autoLogging: false,
    },
  };
}

/** Nest's own start-up chatter: one line per module and per route, useful only when debugging. */
const STARTUP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/**
 * Puts Nest's module and route registration lines at debug, so `npm start` at info shows what an
 * operator needs (the start-up banner, warnings, requests) instead of ~90 registration lines.
 */
export class QuietStartupLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...optional: unknown[]): void {
    const context = optional[optional.length - 1];
    if (typeof context === 'string' && STARTUP_CONTEXTS.has(context)) this.inner.debug?.(message, ...optional);
    else this.inner.log(message, ...optional);
  }

  error(message: unknown, ...optional: unknown[]): void {
    this.inner.error(message, ...optional);
  }

  warn(message: unknown, ...optional: unknown[]): void {
    this.inner.warn(message, ...optional);
  }

  debug(message: unknown, ...optional: unknown[]): void {
    this.inner.debug?.(message, ...optional);
  }

  verbose(message: unknown, ...optional: unknown[]): void {
    this.inner.verbose?.(message, ...optional);
  }

  fatal(message: unknown, ...optional: unknown[]): void {
    this.inner.fatal?.(message, ...optional);
  }
}
