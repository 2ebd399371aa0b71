import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, InvalidRequestError } from '../errors/domain-error';

/**
 * How deep a request body may nest. Our own bodies go four levels deep (order → items → item →
 * field) and Chatwoot's webhook payloads about eight; the recursive walks in the validation
 * stack (class-transformer, Nest's ValidationPipe) overflow the call stack at a few thousand.
 */
export const MAX_JSON_DEPTH = 32;

/** `application/json` and `application/<anything>+json`, with or without parameters. */
export const JSON_CONTENT_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * NUL (PostgreSQL text and jsonb cannot hold it) and UTF-16 surrogates that are not part of a
 * pair (they have no UTF-8 encoding; validators such as `isEmail` throw on them).
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTER = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function describeCharacter(text: string): string {
  const match = FORBIDDEN_CHARACTER.exec(text);
  if (!match) return '';
  return match[0] === '\u0000'
    ? 'a NUL character (\\u0000)'
    : `an unpaired UTF-16 surrogate (\\u${match[0].charCodeAt(0).toString(16)})`;
}

/**
 * Refuses what must never reach validation or the database: nesting deeper than
 * {@link MAX_JSON_DEPTH} and strings or keys with a NUL or a lone surrogate. Walks with its own
 * stack, so the value being checked cannot overflow this check either. `where` names the part
 * of the request in the error (`body`, `path`, `query`). `characters: false` checks the depth
 * only, for bodies that are stored as received text (signed webhook deliveries).
 */
export function assertSafeJson(value: unknown, where = 'body', options: { characters?: boolean } = {}): void {
  const characters = options.characters ?? true;
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: where, depth: 0 }];
  while (pending.length > 0) {
    const { value: current, path, depth } = pending.pop()!;
    if (typeof current === 'string') {
      if (characters && FORBIDDEN_CHARACTER.test(current)) {
        throw new InvalidRequestError(
          `${path} contains ${describeCharacter(current)}, which is not allowed`,
          'INVALID_CHARACTER',
        );
      }
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) {
      throw new InvalidRequestError(
        `${where} nests deeper than the limit of ${MAX_JSON_DEPTH} levels (at ${path.slice(0, 200)})`,
        'JSON_TOO_DEEP',
      );
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push({ value: current[i], path: `${path}.${i}`, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      if (characters && FORBIDDEN_CHARACTER.test(key)) {
        throw new InvalidRequestError(
          `A key in ${path} contains ${describeCharacter(key)}, which is not allowed`,
          'INVALID_CHARACTER',
        );
      }
      pending.push({ value: (current as Record<string, unknown>)[key], path: `${path}.${key}`, depth: depth + 1 });
    }
  }
}

/** Route option (`@RouteConfig({acceptsTextPlain: true})`): the route also takes a text/plain body holding JSON. */
export interface JsonInputRouteConfig {
  acceptsTextPlain?: boolean;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return request.headers['transfer-encoding'] !== undefined;
}

/**
 * The edge of the Fastify routes, before guards, pipes and services: a body must be JSON (415
 * otherwise, instead of a text body reaching validation as a string), and body, path values
 * and query must pass {@link assertSafeJson}. Raw routes and pipes that parse text themselves
 * call {@link assertSafeJson} on what they parsed.
 */
export function enforceJsonInput(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
    try {
      if (hasBody(request)) {
        const type = request.headers['content-type'];
        const config = request.routeOptions.config as JsonInputRouteConfig | undefined;
        const textAllowed = config?.acceptsTextPlain === true && /^text\/plain\s*(?:;|$)/i.test(type ?? '');
        if (!textAllowed && !(type && JSON_CONTENT_TYPE.test(type))) {
          throw new DomainError(
            415,
            'UNSUPPORTED_MEDIA_TYPE',
            `Send the body as JSON with Content-Type: application/json (got ${type ? type.slice(0, 100) : 'no Content-Type'})`,
          );
        }
        assertSafeJson(request.body, 'body');
      }
      assertSafeJson(request.params, 'path');
      assertSafeJson(request.query, 'query');
      done();
    } catch (error) {
      done(error as Error);
    }
  });
}
