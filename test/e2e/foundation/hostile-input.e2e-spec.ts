import fc from 'fast-check';
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import openapi from '../../../openapi.json';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp, type TestResponse } from '../../support/test-app';

/**
 * Property: no input makes the service answer 5xx, and it is healthy afterwards. Every
 * POST/PUT/PATCH/DELETE in the committed `openapi.json` (so a new endpoint is fuzzed without
 * anyone remembering to add it) gets requests that are valid except for a few hostile parts:
 * values (deep nesting, NUL, lone surrogates, huge numbers, wrong types, prototype keys, odd
 * dates), keys, path values, content types and credentials. Credentials are valid by default,
 * so most requests get past the guards and reach validation and the database.
 * Seeded and bounded: the same requests every run.
 */
const SEED = 20261201;
/** Operations with a body get more runs: most of the hostile parts live there. HOSTILE_RUNS=n digs deeper locally. */
const RUNS_WITH_BODY = Number(process.env.HOSTILE_RUNS ?? 40);
const RUNS_WITHOUT_BODY = Math.ceil(RUNS_WITH_BODY / 3);
const MUTATING = new Set(['post', 'put', 'patch', 'delete']);
const WEBSITE = 'https://shop.example.test';

type Schema = {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  example?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  minimum?: number;
};
type Operation = {
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: Record<string, string[]>[];
};

const schemas = (openapi as unknown as { components: { schemas: Record<string, Schema> } }).components.schemas;
const operations = Object.entries((openapi as unknown as { paths: Record<string, Record<string, Operation>> }).paths).flatMap(
  ([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => MUTATING.has(method))
      .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
);

// ---------- hostile parts ----------

/**
 * Raw JSON text spliced into the body where a placeholder string stands: things
 * `JSON.stringify` cannot make (nesting deep enough to overflow a recursive walk, numbers
 * beyond double range, literal `__proto__` keys, escapes of lone surrogates and NUL).
 */
const RAW_VALUES = [
  '['.repeat(20_000) + ']'.repeat(20_000),
  '{"a":'.repeat(12_000) + '1' + '}'.repeat(12_000),
  '[{"a":[{"b":'.repeat(3_000) + 'null' + '}]}]'.repeat(3_000),
  '1e999',
  '-1e999',
  '123456789012345678901234567890',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '"\\u0000"',
  '"a\\u0000b"',
  '"\\ud800"',
  '"x\\udfffy"',
  '"\\ud83d@example.com"',
  '{"k\\u0000":"v"}',
  '[{"productId":"p\\u0000","name":"\\u0000","category":"\\ud800","quantity":1,"unitPrice":1}]',
];

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...RAW_VALUES.map((raw) => ({ raw }))),
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    -0.5,
    1.5,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 53 + 2,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    '',
    ' ',
    '\u0000',
    'ok\u0000',
    '\ud800',
    '\udc00tail',
    'a@b',
    'ann\ud800@example.com',
    '\u202e\u0000',
    '0000-01-01T00:00:00Z',
    '+275760-09-13T00:00:00.000Z',
    '-271821-04-20T00:00:00Z',
    '2024-02-30T25:61:61Z',
    '9999-12-31T23:59:59.999Z',
    'NaN',
    'Infinity',
    '-1',
    '99999999999999999999',
    "'; drop table stores; --",
    'x'.repeat(70_000),
    [],
    [null],
    [[[]]],
    {},
    { a: 1 },
    ['\u0000'],
  ),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 12 }),
  fc.double(),
  fc.integer(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => ({ raw: n.toString() })),
);

const hostileKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  '\u0000',
  '\ud800',
  '',
  'a.b',
  'toString',
  'x'.repeat(300),
);

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/vnd.api+json',
  'APPLICATION/JSON',
  'application/json, text/plain',
  'application/xml',
  '',
  'application/octet-stream',
];
/** undefined = the valid JSON content type; null = no content type at all. */
const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  fc.constant(null),
  fc.constantFrom(...CONTENT_TYPES),
);

/** undefined = the valid credential. */
const credential = fc.oneof(
  { weight: 8, arbitrary: fc.constant(undefined) },
  fc.constantFrom(null, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer \u00e9\u00ff', 'Bearer x'.repeat(2000)),
  fc.string({ maxLength: 40 }).map((s) => `Bearer ${s.replace(/[^\x20-\x7e]/g, '')}`),
);

const PATH_VALUES = [
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%F0%9F%98%80',
  '%C0%AF',
  '%25',
  '%',
  '%zz',
  '..',
  '%2e%2e',
  '%20',
  '-1',
  '0',
  '1.5',
  '1e5',
  '2147483648',
  '99999999999999999999',
  'null',
  '%27%3B%20drop%20table%20stores%3B--',
  'x'.repeat(3000),
];
/** undefined = the valid value for that parameter. */
const pathValue = fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, fc.constantFrom(...PATH_VALUES));

type Mutation =
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'add'; at: number; key: string; value: unknown }
  /** Inserts a poison character into an otherwise valid string, so validation lets it through. */
  | { kind: 'poison'; at: number; char: string; position: number };

interface HostileRequest {
  mutations: Mutation[];
  /** Replaces the whole body. */
  wholeBody?: { value: unknown } | { text: string };
  contentType: string | null | undefined;
  credential: string | null | undefined;
  paths: (string | undefined)[];
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: hostileValue }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('poison' as const),
      at: fc.nat(),
      char: fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d', '\u0000\u0000'),
      position: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: hostileKey, value: hostileValue }) },
);

const hostileRequest: fc.Arbitrary<HostileRequest> = fc.record(
  {
    mutations: fc.oneof({ weight: 3, arbitrary: fc.tuple(mutation) }, fc.array(mutation, { minLength: 2, maxLength: 3 })),
    wholeBody: fc.oneof(
      { weight: 8, arbitrary: fc.constant(undefined) },
      hostileValue.map((value) => ({ value })),
      fc
        .constantFrom('', '{', '{"a":1}{', 'null', '[]', '"str"', '\u0000', '{"a":"\\ud800"}', '\ufeff{}')
        .map((text) => ({ text })),
    ),
    contentType,
    credential,
    paths: fc.array(pathValue, { minLength: 4, maxLength: 4 }),
  },
  { requiredKeys: ['mutations', 'contentType', 'credential', 'paths'] },
);

// ---------- valid bases ----------

function resolve(schema: Schema): Schema {
  return schema.$ref ? resolve(schemas[schema.$ref.split('/').pop()!]) : schema;
}

/** A plausible value for a schema: its example, else something of its type. */
function sample(schema: Schema, name: string, depth = 0): unknown {
  const s = resolve(schema);
  if (s.example !== undefined) return s.example;
  if (s.enum) return s.enum[0];
  switch (s.type) {
    case 'string':
      if (/At$/.test(name)) return new Date().toISOString();
      if (/email/i.test(name)) return 'ann@example.com';
      if (/url$/i.test(name)) return `${WEBSITE}/x`;
      return 'text';
    case 'number':
    case 'integer':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return depth > 4 || !s.items ? [] : [sample(s.items, name, depth + 1)];
    default:
      if (!s.properties || depth > 4) return {};
      return Object.fromEntries(Object.entries(s.properties).map(([key, prop]) => [key, sample(prop, key, depth + 1)]));
  }
}

function baseBody(path: string, op: Operation, store: SeededStore): unknown {
  if (path === '/v1/tracking/events') {
    return {
      websiteToken: store.websiteToken,
      sessionId: 'k3J9x0aQ2mZ7pW1v',
      events: [{ type: 'page_view', at: new Date().toISOString(), url: `${WEBSITE}/p/1` }],
    };
  }
  if (path.startsWith('/v1/webhooks/chatwoot')) {
    return { event: 'contact_updated', id: 1, name: 'Ann', account: { id: store.accountId } };
  }
  const schema = op.requestBody?.content?.['application/json']?.schema;
  return schema ? sample(schema, '') : undefined;
}

/** Every container and leaf of a JSON value with a setter: the places a mutation can hit. */
function places(root: { body: unknown }): { get: () => unknown; set: (v: unknown) => void }[] {
  const out: { get: () => unknown; set: (v: unknown) => void }[] = [];
  const visit = (holder: Record<string, unknown> | unknown[], key: string | number) => {
    out.push({ get: () => (holder as Record<string, unknown>)[key], set: (v) => ((holder as Record<string, unknown>)[key] = v) });
    const value = (holder as Record<string, unknown>)[key];
    if (isRaw(value)) return;
    if (Array.isArray(value)) value.forEach((_, i) => visit(value, i));
    else if (value && typeof value === 'object') for (const k of Object.keys(value)) visit(value as Record<string, unknown>, k);
  };
  visit(root as unknown as Record<string, unknown>, 'body');
  return out;
}

function isRaw(v: unknown): v is { raw: string } {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && 'raw' in v;
}

/** The JSON text of `value`, with `{raw}` placeholders spliced in as raw JSON. */
function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (isRaw(v)) {
      raws.push(v.raw);
      return `@@RAW${raws.length - 1}@@`;
    }
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
  return (text ?? 'null').replace(/"@@RAW(\d+)@@"/g, (_m, i: string) => raws[Number(i)]);
}

function bodyText(base: unknown, req: HostileRequest): string {
  if (req.wholeBody) return 'text' in req.wholeBody ? req.wholeBody.text : toJsonText(req.wholeBody.value);
  const root = { body: structuredClone(base ?? {}) };
  for (const m of req.mutations) {
    const all = places(root);
    const place = all[m.at % all.length];
    if (m.kind === 'poison') {
      const strings = all.filter((p) => typeof p.get() === 'string');
      if (strings.length === 0) continue;
      const target = strings[m.at % strings.length];
      const text = target.get() as string;
      const at = m.position % (text.length + 1);
      target.set(text.slice(0, at) + m.char + text.slice(at));
    } else if (m.kind === 'set') {
      // A copy: the arbitraries share their constant objects between runs.
      const value = structuredClone(m.value);
      if (place.get() === root.body && all.length > 1) all[1 + (m.at % (all.length - 1))].set(value);
      else place.set(value);
    } else {
      const target = place.get();
      const container =
        target && typeof target === 'object' && !Array.isArray(target)
          ? (target as Record<string, unknown>)
          : (root.body as Record<string, unknown>);
      if (container && typeof container === 'object')
        Object.defineProperty(container, m.key, {
          value: structuredClone(m.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
  }
  return toJsonText(root.body);
}

// ---------- the suite ----------

describe('hostile input (property-based): no 5xx from any mutating endpoint', () => {
  let t: TestApp;
  const stores = new Map<string, SeededStore>();

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        WEBHOOK_RATE_PER_MINUTE: '1000000',
        CONTACT_SYNC_RATE_PER_MINUTE: '1000000',
        TRACKING_RATE_PER_IP_PER_MINUTE: '1000000',
        TRACKING_RATE_PER_STORE_PER_MINUTE: '1000000',
        ACCOUNT_CREATION_PER_HOUR: '1000000',
        ...(process.env.HOSTILE_LOG ? { LOG_LEVEL: process.env.HOSTILE_LOG } : {}),
      },
    });
    // One store per operation: deleting or suspending one store leaves the others' runs intact.
    for (const { method, path } of operations) stores.set(`${method} ${path}`, await seedStore(t));
  }, 120_000);

  afterAll(() => t?.close());

  it('covers every mutating operation of openapi.json, the raw webhook intake included', () => {
    const names = operations.map((o) => `${o.method} ${o.path}`);
    expect(names).toContain('POST /v1/webhooks/chatwoot/{storeId}');
    expect(names).toContain('POST /v1/webhooks/chatwoot');
    expect(names).toContain('PUT /v1/stores/{storeId}/orders/{orderId}');
    expect(names.length).toBeGreaterThan(20);
  });

  it.each(operations.map((o, index) => [`${o.method} ${o.path}`, { ...o, index }] as const))(
    '%s',
    async (name, { method, path, operation, index }) => {
      const store = stores.get(name)!;
      const valid: Record<string, string> = {
        storeId: store.storeId,
        accountId: String(store.accountId),
        contactId: '1',
        conversationId: '1',
        displayId: '1',
        customerId: 'cust-1',
        orderId: 'order-1',
        productId: 'prod-1',
      };
      const base = baseBody(path, operation, store);
      const security = (operation.security ?? []).flatMap((s) => Object.keys(s));
      const isWebhook = path.startsWith('/v1/webhooks/chatwoot');

      const send = async (req: HostileRequest): Promise<TestResponse> => {
        let i = 0;
        const url = path.replace(
          /\{(\w+)\}/g,
          (_m, param: string) => req.paths[i++ % req.paths.length] ?? encodeURIComponent(valid[param] ?? 'x1'),
        );
        const payload = bodyText(base, req);
        const headers: Record<string, string> = {};
        if (req.contentType === undefined) headers['content-type'] = 'application/json';
        else if (req.contentType !== null) headers['content-type'] = req.contentType;
        let auth: string | null = null;
        if (security.includes('platform')) {
          if (req.credential === undefined) auth = t.config.PLATFORM_API_KEY;
          else if (req.credential !== null) headers.authorization = req.credential;
        } else if (security.includes('contextToken')) {
          if (req.credential === undefined) headers['x-context-token'] = store.contextToken;
          else if (req.credential !== null) headers['x-context-token'] = req.credential;
        } else if (path === '/v1/tracking/events') {
          headers.origin = req.credential === undefined ? WEBSITE : 'https://evil.example';
        } else if (isWebhook && req.credential === undefined) {
          const timestamp = String(Math.floor(Date.now() / 1000));
          headers['x-chatwoot-timestamp'] = timestamp;
          headers['x-chatwoot-delivery'] = randomUUID();
          headers['x-chatwoot-signature'] =
            `sha256=${createHmac('sha256', store.webhookSecret).update(`${timestamp}.${payload}`).digest('hex')}`;
        }
        return t.request(method, url, { payload, headers, auth });
      };

      await fc.assert(
        fc.asyncProperty(hostileRequest, async (req) => {
          const res = await send(req);
          if (res.status >= 500) throw new Error(`${res.status} ${res.text.slice(0, 300)}`);
          // Whatever the answer, it is the one JSON error shape (or a success).
          if (res.status >= 400) expect(res.body).toMatchObject({ statusCode: res.status, code: expect.any(String) });
        }),
        { seed: SEED + index, numRuns: base === undefined ? RUNS_WITHOUT_BODY : RUNS_WITH_BODY, endOnFailure: true },
      );
      const health = await t.request('GET', '/health');
      expect(health.status, health.text).toBe(200);
    },
  );
});
