/**
 * Minimal routing and the per-request context shared by the route modules.
 */
import { HttpError, RecordNotFoundError } from './fake-chatwoot.errors';
import type { FakeChatwootState } from './fake-chatwoot.state';
import type { AccountRecord, AccountUserRecord, JsonObject, UserRecord } from './fake-chatwoot.types';
import { asObject, isPlainObject } from './fake-chatwoot.util';

/**
 * platform: PlatformApp token. user: any user token (profile). account: user token + membership
 * of `:account_id` (EnsureCurrentAccountHelper). control: the fake's own unauthenticated `/__fake` API.
 */
export type RouteScope = 'platform' | 'user' | 'account' | 'control';

export interface RouteResponse {
  status: number;
  /** Serialised as JSON unless it is a string (sent as text/plain) or undefined (empty body). */
  body?: unknown;
}

export interface RequestContext {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  params: Record<string, string>;
  token: string | undefined;
  state: FakeChatwootState;
  baseUrl: string;
  /** Set for `user` and `account` scopes. */
  user?: UserRecord;
  /** Set for the `account` scope. */
  account?: AccountRecord;
  accountUser?: AccountUserRecord;
  /** Lets routes mimic async jobs (DeleteObjectJob) without blocking the answer. */
  later(fn: () => void): void;
}

export type RouteHandler = (ctx: RequestContext) => RouteResponse | Promise<RouteResponse>;

export interface Route {
  method: string;
  scope: RouteScope;
  pattern: RegExp;
  keys: string[];
  handler: RouteHandler;
}

export class RouteTable {
  readonly routes: Route[] = [];

  add(method: string, scope: RouteScope, path: string, handler: RouteHandler): this {
    const keys: string[] = [];
    const source = path
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        keys.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ method, scope, pattern: new RegExp(`^${source}/?$`), keys, handler });
    return this;
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | { methodMismatch: true } | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, index) => {
        params[key] = decodeURIComponent(found[index + 1] ?? '');
      });
      return { route, params };
    }
    return pathMatched ? { methodMismatch: true } : undefined;
  }
}

export function ok(body?: unknown): RouteResponse {
  return { status: 200, body };
}

/** Integer path/body id; anything else cannot match a row, which Rails reports as not found. */
export function idParam(ctx: RequestContext, key: string): number {
  const raw = ctx.params[key] ?? '';
  if (!/^\d+$/.test(raw)) throw new RecordNotFoundError(`${key}=${raw}`);
  return Number(raw);
}

export function bodyObject(ctx: RequestContext): JsonObject {
  return asObject(ctx.body);
}

/**
 * Rails wrap_parameters: a JSON body may be flat or nested under the resource key; nested wins.
 */
export function wrapped(ctx: RequestContext, key: string): JsonObject {
  const body = bodyObject(ctx);
  const nested = body[key];
  return isPlainObject(nested) ? { ...body, ...nested } : body;
}

export function queryString(ctx: RequestContext, key: string): string | undefined {
  const value = ctx.query[key];
  return Array.isArray(value) ? value[0] : value;
}

export function requireAdministrator(ctx: RequestContext): void {
  if (ctx.accountUser?.role !== 'administrator') throw new HttpError(401, { error: 'You are not authorized to do this action' });
}

export function accountId(ctx: RequestContext): number {
  if (!ctx.account) throw new Error('account scope expected');
  return ctx.account.id;
}

export function currentUser(ctx: RequestContext): UserRecord {
  if (!ctx.user) throw new Error('user scope expected');
  return ctx.user;
}

export function page(ctx: RequestContext): number {
  const raw = Number.parseInt(queryString(ctx, 'page') ?? '1', 10);
  return Number.isFinite(raw) && raw > 0 ? raw : 1;
}

export function paginate<T>(items: T[], pageNumber: number, perPage: number): T[] {
  return items.slice((pageNumber - 1) * perPage, pageNumber * perPage);
}
