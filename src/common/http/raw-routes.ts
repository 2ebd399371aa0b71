import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setErrorCode } from '../../observability/request-log';
import { toErrorBody } from '../errors/all-exceptions.filter';
import { retryAfterOf } from '../errors/service-unavailable';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The caller's `x-request-id` when it is sane, otherwise a new one. Fastify and raw routes share it. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * A route served straight on the `node:http` server, ahead of Fastify and Nest. Only for a hot
 * path whose own work is smaller than the framework's per-request work (hooks, middleware,
 * request and reply objects): the webhook intake. Such a route answers with the app's one error
 * shape, echoes `x-request-id`, and reports to `/metrics` and the log like every other route.
 */
export interface RawRoute {
  /** Whether this route answers the request; decided from the method and URL alone. */
  matches(req: IncomingMessage): boolean;
  /** Answers the request; must never throw (errors become responses). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** The route's OpenAPI paths (raw routes are invisible to Nest's Swagger scanner). */
  readonly openApiPaths?: OpenAPIObject['paths'];
  /** DTO classes those paths refer to as `#/components/schemas/<Name>`. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly openApiModels?: Function[];
}

/** The raw routes of the application; modules add theirs when they start. */
@Injectable()
export class RawRoutes {
  private readonly routes: RawRoute[] = [];

  add(route: RawRoute): void {
    this.routes.push(route);
  }

  /** Answers the request when a raw route matches it; false leaves it to the framework. */
  dispatch(req: IncomingMessage, res: ServerResponse): boolean {
    const route = this.routes.find((candidate) => candidate.matches(req));
    route?.handle(req, res);
    return route !== undefined;
  }

  openApiPaths(): OpenAPIObject['paths'] {
    return Object.assign({}, ...this.routes.map((route) => route.openApiPaths ?? {})) as OpenAPIObject['paths'];
  }

  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  openApiModels(): Function[] {
    return this.routes.flatMap((route) => route.openApiModels ?? []);
  }
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/** Writes a JSON answer; an error becomes `{statusCode, code, message, requestId}`. */
export function writeJson(
  res: ServerResponse,
  requestId: string,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...JSON_HEADERS, ...headers, 'x-request-id': requestId, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The app's error shape for anything thrown in a raw route; returns the status written. */
export function writeError(res: ServerResponse, requestId: string, error: unknown): number {
  const body = toErrorBody(error);
  // The request was not (fully) read: do not keep a connection whose stream state is unknown.
  if (body.statusCode === 413) res.shouldKeepAlive = false;
  setErrorCode(res, body.code);
  const retryAfter = retryAfterOf(error);
  writeJson(
    res,
    requestId,
    body.statusCode,
    { ...body, requestId },
    retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {},
  );
  return body.statusCode;
}
