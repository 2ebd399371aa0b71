import { Injectable } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';
import type { ServerResponse } from 'node:http';

/** One request line, the same for Fastify's routes and the raw routes served ahead of Fastify. */
export interface RequestLine {
  method: string;
  /** The route pattern (`/v1/stores/:storeId`), not the URL: bounded and free of ids and tokens. */
  route: string;
  status: number;
  ms: number;
  requestId: string;
  storeId?: string;
  accountId?: string;
  /** The error body's `code` on 4xx/5xx answers. */
  code?: string;
}

/** Routes that probes and scrapers call every few seconds: their lines are debug, not info. */
const PROBE_ROUTES = new Set(['/health', '/metrics']);

export type RequestLogLevel = 'debug' | 'info' | 'error';

/** 5xx → error, probes → debug, everything else (4xx included, with its code) → info. */
export function requestLogLevel(line: Pick<RequestLine, 'route' | 'status'>): RequestLogLevel {
  if (line.status >= 500) return 'error';
  if (PROBE_ROUTES.has(line.route)) return 'debug';
  return 'info';
}

const ERROR_CODE = Symbol('errorCode');

/** Remembers the error code an answer carries, for the request line. */
export function setErrorCode(res: ServerResponse, code: string | undefined): void {
  (res as ServerResponse & { [ERROR_CODE]?: string })[ERROR_CODE] = code;
}

export function errorCodeOf(res: ServerResponse): string | undefined {
  return (res as ServerResponse & { [ERROR_CODE]?: string })[ERROR_CODE];
}

const CODE_IN_BODY = /"code"\s*:\s*"([A-Za-z0-9_.-]{1,64})"/;

@Injectable()
export class RequestLog {
  private root?: Pino;

  /**
   * The root logger, not the request-scoped one: that one carries pino-http's `req` bindings,
   * which the raw routes do not have, and the line would take two shapes again.
   */
  private get logger(): Pino {
    this.root ??= PinoLogger.root.child({ context: 'HTTP' });
    return this.root;
  }

  write(line: RequestLine): void {
    const level = requestLogLevel(line);
    // Built only when it will be written: the webhook intake calls this thousands of times a second.
    if (!this.logger.isLevelEnabled(level)) return;
    const entry: Record<string, unknown> = {
      requestId: line.requestId,
      method: line.method,
      route: line.route,
      status: line.status,
      ms: Math.round(line.ms * 10) / 10,
    };
    if (line.storeId !== undefined) entry.storeId = line.storeId;
    if (line.accountId !== undefined) entry.accountId = line.accountId;
    if (line.code !== undefined) entry.code = line.code;
    this.logger[level](entry, 'request completed');
  }

  /** Fastify's routes: the line is written when the answer has been sent. */
  register(fastify: FastifyInstance): void {
    fastify.addHook('onSend', (request, reply, payload, done) => {
      // The error filter writes `{statusCode, code, ...}`; keep the code for the line.
      if (reply.statusCode >= 400 && typeof payload === 'string') setErrorCode(reply.raw, CODE_IN_BODY.exec(payload)?.[1]);
      done(null, payload);
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      const params = (request.params ?? {}) as Record<string, unknown>;
      this.write({
        method: request.method,
        route: request.routeOptions?.url ?? 'unmatched',
        status: reply.statusCode,
        ms: reply.elapsedTime,
        requestId: String(request.id),
        storeId: typeof params.storeId === 'string' ? params.storeId : undefined,
        accountId: typeof params.accountId === 'string' ? params.accountId : undefined,
        code: reply.statusCode >= 400 ? errorCodeOf(reply.raw) : undefined,
      });
      done();
    });
  }
}
