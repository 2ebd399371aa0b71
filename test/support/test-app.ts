import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer } from 'node:net';
import { createApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { startFakeChatwoot, type FakeChatwoot } from '../fake-chatwoot';
import { createTestDatabase } from './test-database';

export { PLATFORM_KEY } from './platform-key';
import { PLATFORM_KEY } from './platform-key';

export interface TestResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface RequestOptions {
  body?: unknown;
  /** Raw payload (sent as-is). */
  payload?: string | Buffer;
  headers?: Record<string, string>;
  /** Bearer token; defaults to the platform key. Pass null for none. */
  auth?: string | null;
  query?: Record<string, string>;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  fake: FakeChatwoot;
  databaseUrl: string;
  /** Base URL of the listening app (Chatwoot's webhooks reach it here). */
  url: string;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<TestResponse<T>>;
  get<T extends abstract new (...args: any) => any>(token: T): InstanceType<T>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Reuse a fake (e.g. to restart the app against the same Chatwoot state). */
  fake?: FakeChatwoot;
  /** Reuse a database (restart scenarios). */
  databaseUrl?: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  imports?: Function[];
}

/**
 * The real application on a real PostgreSQL database of its own, talking to a fake Chatwoot
 * over HTTP and listening on a real port.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const fake = options.fake ?? (await startFakeChatwoot());
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    CHATWOOT_URL: fake.url,
    CHATWOOT_PLATFORM_TOKEN: fake.platformToken,
    PLATFORM_API_KEY: PLATFORM_KEY,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'silent',
    JOBS_POLL_SECONDS: '0.5',
    CHATWOOT_RETRY_BASE_MS: '10',
    CHATWOOT_TIMEOUT_MS: '2000',
    CRON_ENABLED: 'false',
    ...options.env,
  });
  const app = await createApp(config, { imports: options.imports });
  await app.listen({ port, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${port}`;

  const request = async <T>(method: string, path: string, opts: RequestOptions = {}): Promise<TestResponse<T>> => {
    const headers: Record<string, string> = { ...opts.headers };
    const auth = opts.auth === undefined ? PLATFORM_KEY : opts.auth;
    if (auth !== null && !headers.authorization) headers.authorization = `Bearer ${auth}`;
    let payload: string | Buffer | undefined = opts.payload;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    if (RAW_ROUTE.test(path)) return overHttp<T>(url, method, path, payload, headers, opts.query);
    const response = await app.inject({ method: method as 'GET', url: path, payload, headers, query: opts.query });
    return { status: response.statusCode, body: parsed<T>(response.body), text: response.body, headers: response.headers };
  };

  return {
    app,
    config,
    fake,
    databaseUrl,
    url,
    request,
    get: (token) => app.get(token),
    close: async () => {
      await app.close();
      if (!options.fake) await fake.close();
    },
  };
}

/**
 * Webhook intake is a raw route, served on the HTTP server ahead of Fastify, so `app.inject`
 * (which calls Fastify's router directly) would not reach it: those requests go over the socket.
 */
const RAW_ROUTE = /^\/v1\/webhooks\/chatwoot(\/|\?|$)/;

async function overHttp<T>(
  base: string,
  method: string,
  path: string,
  payload: string | Buffer | undefined,
  headers: Record<string, string>,
  query: Record<string, string> | undefined,
): Promise<TestResponse<T>> {
  const target = new URL(path, base);
  for (const [key, value] of Object.entries(query ?? {})) target.searchParams.set(key, value);
  const response = await fetch(target, {
    method,
    headers,
    body: typeof payload === 'string' ? payload : payload && new Uint8Array(payload),
  });
  const text = await response.text();
  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, key) => (responseHeaders[key] = value));
  return { status: response.status, body: parsed<T>(text), text, headers: responseHeaders };
}

/** The body parsed when it is JSON, else the text. */
function parsed<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as T;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
