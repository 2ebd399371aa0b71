/**
 * The HTTP face of the fake: recording, rack-attack-like throttling, fault injection, auth as in
 * PlatformController / EnsureCurrentAccountHelper, routing and Chatwoot's error rendering.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { registerAccountRoutes } from './fake-chatwoot.account.routes';
import { registerContactRoutes } from './fake-chatwoot.contacts.routes';
import { buildControlRoutes } from './fake-chatwoot.control.routes';
import { registerConversationRoutes } from './fake-chatwoot.conversations.routes';
import { HttpError, RecordInvalidError, RecordNotFoundError } from './fake-chatwoot.errors';
import { FakeFaultsController, THROTTLED_BODY, type FakeFaults } from './fake-chatwoot.faults';
import {
  buildContactPayload,
  buildConversationPayload,
  buildInboxPayload,
  buildMessagePayload,
  buildTypingPayload,
  buildWebwidgetTriggeredPayload,
  type WebwidgetEventInfo,
} from './fake-chatwoot.payloads';
import { registerPlatformRoutes } from './fake-chatwoot.platform.routes';
import { RouteTable, type RequestContext, type Route, type RouteResponse } from './fake-chatwoot.router';
import { FakeChatwootState } from './fake-chatwoot.state';
import type { ChangedAttribute, DeliveryRecord, JsonObject, RecordedRequest } from './fake-chatwoot.types';
import { WebhookDispatcher, type DeliveryResult, type SendWebhookOptions } from './fake-chatwoot.webhooks';

export interface FakeChatwootOptions {
  /** 0 (default) picks a random free port. */
  port?: number;
  /** Default 'platform-dev-token'. */
  platformToken?: string;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Webhook delivery timeout; default 5000 ms (Chatwoot's WEBHOOK_TIMEOUT). */
  webhookTimeoutMs?: number;
}

export interface RequestFilter {
  method?: string;
  /** String = exact path (no query); RegExp is tested against the path. */
  path?: string | RegExp;
  accountId?: number;
}

/** What `emit` needs to build a Chatwoot-shaped payload from stored records. */
export interface EmitData {
  displayId?: number;
  messageId?: number;
  contactId?: number;
  inboxId?: number;
  contactInboxId?: number;
  changedAttributes?: ChangedAttribute[] | null;
  eventInfo?: WebwidgetEventInfo;
  /** Typing events: the agent typing; omitted means the contact. */
  userId?: number;
  isPrivate?: boolean;
}

export interface FakeChatwoot {
  url: string;
  platformToken: string;
  state: FakeChatwootState;
  requests: RecordedRequest[];
  resetRequests(): void;
  countRequests(filter?: RequestFilter): number;
  /** Most requests in flight at once since the last reset: for one account, or over every request. */
  inFlightHighWater(accountId?: number): number;
  /** Forgets the high-water marks (requests in flight now still count). */
  resetInFlightHighWater(): void;
  faults: FakeFaults;
  /** Every webhook delivery attempt (automatic and explicit), in completion order. */
  deliveries: DeliveryRecord[];
  /** Automatic events dropped while `webhooksEnabled` was false. */
  suppressedWebhooks: { accountId: number; payload: JsonObject; at: number }[];
  /** When false, state changes fire no webhooks (simulates missed deliveries). Default true. */
  webhooksEnabled: boolean;
  flushWebhooks(): Promise<void>;
  sendWebhook(accountId: number, payload: Record<string, unknown>, opts?: SendWebhookOptions): Promise<DeliveryResult[]>;
  emit(accountId: number, event: string, data: EmitData, opts?: SendWebhookOptions): Promise<DeliveryResult[]>;
  close(): Promise<void>;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const ACCOUNT_IN_PATH = /^\/(?:platform\/)?api\/v1\/accounts\/(\d+)(?:\/|$)/;

function buildRoutes(): RouteTable {
  const routes = new RouteTable();
  registerPlatformRoutes(routes);
  registerAccountRoutes(routes);
  registerContactRoutes(routes);
  registerConversationRoutes(routes);
  return routes;
}

function parseQuery(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [rawKey, value] of search) {
    const isList = rawKey.endsWith('[]');
    const key = isList ? rawKey.slice(0, -2) : rawKey;
    const existing = query[key];
    if (existing === undefined) query[key] = isList ? [value] : value;
    else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** JSON (what every client sends) or form-encoded; undefined for an empty body. */
function parseBody(raw: string, contentType: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (raw.trim() === '') return { ok: true, value: undefined };
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return { ok: true, value: Object.fromEntries(new URLSearchParams(raw)) };
  }
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

/** IPv4 peers on a dual-stack socket show as `::ffff:a.b.c.d`; rack-attack sees `a.b.c.d`. */
function clientIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

class FakeChatwootServer implements FakeChatwoot {
  readonly state = new FakeChatwootState();
  readonly requests: RecordedRequest[] = [];
  readonly faults = new FakeFaultsController();
  url = '';
  private readonly dispatcher: WebhookDispatcher;
  private readonly routes = buildRoutes();
  private readonly controlRoutes = buildControlRoutes(this);
  private readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pendingSleeps = new Set<() => void>();
  private closed = false;
  /** Requests being answered now, and the most at once since the last reset; key 'all' or an account id. */
  private readonly inFlight = new Map<number | 'all', number>();
  private readonly highWater = new Map<number | 'all', number>();

  constructor(
    readonly platformToken: string,
    webhookTimeoutMs: number,
  ) {
    this.dispatcher = new WebhookDispatcher(this.state, webhookTimeoutMs);
    this.state.sink = (accountId, build) => this.dispatcher.dispatchAutomatic(accountId, build);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        // Only reachable if writing the response itself failed (client gone).
        if (!res.headersSent) this.write(res, { status: 500, body: { status: 500, error: 'Internal Server Error' } });
        if (!(error instanceof Error && /socket|aborted|destroyed/i.test(error.message))) console.error('[fake-chatwoot]', error);
      });
    });
  }

  get deliveries(): DeliveryRecord[] {
    return this.dispatcher.deliveries;
  }

  get suppressedWebhooks() {
    return this.dispatcher.suppressed;
  }

  get webhooksEnabled(): boolean {
    return this.dispatcher.enabled;
  }

  set webhooksEnabled(value: boolean) {
    this.dispatcher.enabled = value;
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  resetRequests(): void {
    this.requests.length = 0;
  }

  countRequests(filter: RequestFilter = {}): number {
    return this.requests.filter((request) => {
      if (filter.method && request.method !== filter.method.toUpperCase()) return false;
      if (filter.accountId !== undefined && request.accountId !== filter.accountId) return false;
      if (filter.path !== undefined) {
        if (typeof filter.path === 'string' ? request.path !== filter.path : !filter.path.test(request.path)) return false;
      }
      return true;
    }).length;
  }

  inFlightHighWater(accountId?: number): number {
    return this.highWater.get(accountId ?? 'all') ?? 0;
  }

  resetInFlightHighWater(): void {
    this.highWater.clear();
  }

  private enter(keys: (number | 'all')[]): void {
    for (const key of keys) {
      const now = (this.inFlight.get(key) ?? 0) + 1;
      this.inFlight.set(key, now);
      if (now > (this.highWater.get(key) ?? 0)) this.highWater.set(key, now);
    }
  }

  private leave(keys: (number | 'all')[]): void {
    for (const key of keys) this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
  }

  flushWebhooks(): Promise<void> {
    return this.dispatcher.flush();
  }

  sendWebhook(accountId: number, payload: Record<string, unknown>, opts?: SendWebhookOptions): Promise<DeliveryResult[]> {
    return this.dispatcher.send(accountId, payload, opts);
  }

  emit(accountId: number, event: string, data: EmitData, opts?: SendWebhookOptions): Promise<DeliveryResult[]> {
    return this.sendWebhook(accountId, this.buildPayload(accountId, event, data), opts);
  }

  private buildPayload(accountId: number, event: string, data: EmitData): JsonObject {
    const need = <T>(value: T | undefined, name: string): T => {
      if (value === undefined) throw new Error(`emit(${event}) needs data.${name}`);
      return value;
    };
    switch (event) {
      case 'conversation_created':
        return buildConversationPayload(this.state, accountId, need(data.displayId, 'displayId'), event);
      case 'conversation_status_changed':
        return buildConversationPayload(
          this.state,
          accountId,
          need(data.displayId, 'displayId'),
          event,
          data.changedAttributes ?? null,
        );
      case 'conversation_updated':
        return buildConversationPayload(
          this.state,
          accountId,
          need(data.displayId, 'displayId'),
          event,
          data.changedAttributes ?? [],
        );
      case 'message_created':
      case 'message_updated':
        return buildMessagePayload(this.state, accountId, need(data.messageId, 'messageId'), event);
      case 'contact_created':
        return buildContactPayload(this.state, accountId, need(data.contactId, 'contactId'), event);
      case 'contact_updated':
        return buildContactPayload(this.state, accountId, need(data.contactId, 'contactId'), event, data.changedAttributes ?? []);
      case 'inbox_created':
        return buildInboxPayload(this.state, accountId, need(data.inboxId, 'inboxId'), event);
      case 'inbox_updated':
        return buildInboxPayload(this.state, accountId, need(data.inboxId, 'inboxId'), event, data.changedAttributes ?? []);
      case 'conversation_typing_on':
      case 'conversation_typing_off':
        return buildTypingPayload(
          this.state,
          accountId,
          need(data.displayId, 'displayId'),
          event === 'conversation_typing_on',
          { userId: data.userId },
          data.isPrivate ?? false,
        );
      case 'webwidget_triggered': {
        const contactInboxId =
          data.contactInboxId ??
          this.state.findOrCreateContactInbox(need(data.contactId, 'contactId'), need(data.inboxId, 'inboxId')).id;
        return buildWebwidgetTriggeredPayload(this.state, accountId, contactInboxId, data.eventInfo);
      }
      default:
        throw new Error(`emit: unknown event ${event}`);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const wake of this.pendingSleeps) wake();
    this.pendingSleeps.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---------------------------------------------------------------------------------------------

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.pendingSleeps.delete(wake);
        this.timers.delete(timer);
        resolve();
      };
      const timer = setTimeout(wake, Math.min(ms, MAX_TIMER_MS));
      this.timers.add(timer);
      this.pendingSleeps.add(wake);
    });
  }

  private later(fn: () => void): void {
    setImmediate(() => {
      try {
        fn();
      } catch (error) {
        console.error('[fake-chatwoot] background job failed', error);
      }
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const parsedUrl = new URL(req.url ?? '/', 'http://fake.local');
    const path = parsedUrl.pathname;
    const rawBody = await readBody(req);
    const parsedBody = parseBody(rawBody, headerValue(req, 'content-type'));
    const token = headerValue(req, 'api_access_token') ?? headerValue(req, 'http_api_access_token');
    if (path.startsWith('/__fake/')) {
      this.write(
        res,
        await this.dispatch(this.controlRoutes, method, path, parseQuery(parsedUrl.searchParams), token, parsedBody),
      );
      return;
    }
    const accountMatch = ACCOUNT_IN_PATH.exec(path);
    const record: RecordedRequest = {
      method,
      path,
      query: parseQuery(parsedUrl.searchParams),
      body: parsedBody.ok ? parsedBody.value : rawBody,
      token,
      status: 0,
      at: Date.now(),
      ip: clientIp(req),
      ...(accountMatch ? { accountId: Number(accountMatch[1]) } : {}),
    };
    this.requests.push(record);

    const keys: (number | 'all')[] = record.accountId === undefined ? ['all'] : ['all', record.accountId];
    this.enter(keys);
    let answer: RouteResponse;
    try {
      answer = await this.answer(method, path, record, parsedBody);
    } finally {
      this.leave(keys);
    }
    record.status = answer.status;
    if (this.closed || res.destroyed) return;
    this.write(res, answer);
  }

  private async answer(
    method: string,
    path: string,
    record: RecordedRequest,
    parsedBody: { ok: true; value: unknown } | { ok: false },
  ): Promise<RouteResponse> {
    if (this.faults.throttled(Date.now(), record.ip, path)) return { status: 429, body: THROTTLED_BODY };

    const fault = this.faults.decide(method, path);
    if (fault) {
      if (fault.delayMs > 0) await this.sleep(fault.delayMs);
      // Woken by close(): do not touch the state any more.
      if (this.closed) return { status: 503, body: { status: 503, error: 'Service Unavailable' } };
      if (fault.status !== undefined) return this.faultResponse(fault.status, fault.body);
    }
    return this.dispatch(this.routes, method, path, record.query, record.token, parsedBody);
  }

  private async dispatch(
    routes: RouteTable,
    method: string,
    path: string,
    query: Record<string, string | string[]>,
    token: string | undefined,
    parsedBody: { ok: true; value: unknown } | { ok: false },
  ): Promise<RouteResponse> {
    if (!parsedBody.ok) return { status: 400, body: { status: 400, error: 'Bad Request' } };
    const matched = routes.match(method, path);
    if (!matched || 'methodMismatch' in matched) return { status: 404, body: { status: 404, error: 'Not Found' } };

    const ctx: RequestContext = {
      method,
      path,
      query,
      body: parsedBody.value,
      params: matched.params,
      token,
      state: this.state,
      baseUrl: this.url,
      later: (fn) => this.later(fn),
    };
    try {
      this.authenticate(matched.route, ctx);
      return await matched.route.handler(ctx);
    } catch (error) {
      return this.renderError(error, matched.route);
    }
  }

  private faultResponse(status: number, body: unknown): RouteResponse {
    // rack-attack's throttle answer is fixed; an injected 429 must look identical.
    if (status === 429) return { status, body: THROTTLED_BODY };
    if (body !== undefined) return { status, body };
    if (status >= 500)
      return { status, body: { status, error: status === 503 ? 'Service Unavailable' : 'Internal Server Error' } };
    return { status, body: { error: 'Injected fault' } };
  }

  private authenticate(route: Route, ctx: RequestContext): void {
    if (route.scope === 'control') return;
    if (route.scope === 'platform') {
      if (!ctx.token || ctx.token !== this.platformToken) throw new HttpError(401, { error: 'Invalid access_token' });
      return;
    }
    if (!ctx.token) {
      throw new HttpError(401, { errors: ['You need to sign in or sign up before continuing.'] });
    }
    const user = this.state.findUserByToken(ctx.token);
    if (!user) {
      if (ctx.token === this.platformToken)
        throw new HttpError(401, { error: 'Access to this endpoint is not authorized for bots' });
      throw new HttpError(401, { error: 'Invalid Access Token' });
    }
    ctx.user = user;
    if (route.scope === 'user') return;

    const accountId = Number(ctx.params.account_id);
    const account = this.state.accounts.get(accountId);
    if (!account) throw new RecordNotFoundError(`Account with 'id'=${ctx.params.account_id ?? ''}`);
    if (account.status !== 'active') throw new HttpError(401, { error: 'Account is suspended' });
    const accountUser = this.state.accountUser(account.id, user.id);
    if (!accountUser) throw new HttpError(401, { error: 'You are not authorized to access this account' });
    ctx.account = account;
    ctx.accountUser = accountUser;
  }

  private renderError(error: unknown, route: Route): RouteResponse {
    if (error instanceof HttpError) return { status: error.status, body: error.body };
    if (error instanceof RecordInvalidError)
      return { status: 422, body: { message: error.message, attributes: error.attributes } };
    if (error instanceof RecordNotFoundError) {
      // PlatformController lacks handle_with_exception, so Rails' public exceptions app answers.
      return route.scope === 'platform'
        ? { status: 404, body: { status: 404, error: 'Not Found' } }
        : { status: 404, body: { error: 'Resource could not be found' } };
    }
    console.error('[fake-chatwoot] unhandled error', error);
    return { status: 500, body: { status: 500, error: 'Internal Server Error' } };
  }

  private write(res: ServerResponse, answer: RouteResponse): void {
    if (answer.body === undefined) {
      res.writeHead(answer.status, { 'Content-Length': '0' });
      res.end();
      return;
    }
    if (typeof answer.body === 'string') {
      res.writeHead(answer.status, { 'Content-Type': 'text/plain', 'Content-Length': String(Buffer.byteLength(answer.body)) });
      res.end(answer.body);
      return;
    }
    const json = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(json)),
    });
    res.end(json);
  }
}

export async function startFakeChatwoot(opts: FakeChatwootOptions = {}): Promise<FakeChatwoot> {
  const fake = new FakeChatwootServer(opts.platformToken ?? 'platform-dev-token', opts.webhookTimeoutMs ?? 5000);
  await fake.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  return fake;
}
