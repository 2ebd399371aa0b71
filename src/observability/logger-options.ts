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
      },
      autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/metrics' },
    },
  };
}
