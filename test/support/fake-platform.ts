import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What the fake platform does with the next request: answer, say no, never answer, or fail. */
export type PlatformBehaviour =
  | { kind: 'succeed'; message?: string }
  | { kind: 'reject'; message: string }
  | { kind: 'hang' }
  | { kind: 'error'; status: number };

export interface PlatformRequest {
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
  /** The signature verified against the store's secret over `<timestamp>.<raw body>`. */
  signatureValid: boolean;
  idempotencyKey: string | undefined;
  /** How the platform handled it. */
  outcome: PlatformBehaviour['kind'] | 'replayed' | 'bad-signature';
}

export interface FakePlatform {
  url: string;
  received: PlatformRequest[];
  /** Keys whose action the platform carried out, with how often (a real platform keeps this at 1). */
  applied: Map<string, number>;
  /** The store's notification secret, which signs what the service sends. */
  trust(storeId: string, secret: string): void;
  /** Behaviours for the next requests, in order; after them it succeeds. */
  script(...behaviours: PlatformBehaviour[]): void;
  close(): Promise<void>;
}

/**
 * A small store platform for tests and the demo: checks the bridge's signature
 * (`x-bridge-signature: sha256=HMAC(secret, "<x-bridge-timestamp>.<body>")`, the notifications'
 * scheme), applies each Idempotency-Key once (a resend gets the first answer back) and otherwise
 * behaves as scripted.
 */
export async function startFakePlatform(options: { port?: number; host?: string } = {}): Promise<FakePlatform> {
  const secrets = new Map<string, string>();
  const queue: PlatformBehaviour[] = [];
  const received: PlatformRequest[] = [];
  const applied = new Map<string, number>();
  const answers = new Map<string, { status: 'succeeded' | 'rejected'; message?: string }>();
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      let body: any = null;
      try {
        body = JSON.parse(raw);
      } catch {
        body = null;
      }
      const key = single(req.headers['idempotency-key']);
      const signatureValid = verify(secrets.get(String(body?.storeId)), req.headers, raw);
      const record: PlatformRequest = {
        headers: req.headers,
        raw,
        body,
        signatureValid,
        idempotencyKey: key,
        outcome: 'succeed',
      };
      received.push(record);
      if (!signatureValid) {
        record.outcome = 'bad-signature';
        return json(res, 401, { error: 'bad signature' });
      }
      const earlier = key ? answers.get(key) : undefined;
      if (earlier) {
        record.outcome = 'replayed';
        return json(res, 200, earlier);
      }
      const behaviour = queue.shift() ?? { kind: 'succeed' };
      record.outcome = behaviour.kind;
      switch (behaviour.kind) {
        case 'hang':
          // The platform applies nothing and never answers (until the test ends).
          hanging.add(res);
          return;
        case 'error':
          return json(res, behaviour.status, { error: 'platform trouble' });
        case 'reject':
          return answer(res, key, { status: 'rejected', message: behaviour.message });
        default:
          if (key) applied.set(key, (applied.get(key) ?? 0) + 1);
          return answer(res, key, { status: 'succeeded', ...(behaviour.message ? { message: behaviour.message } : {}) });
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function answer(res: ServerResponse, key: string | undefined, body: { status: 'succeeded' | 'rejected'; message?: string }) {
    if (key) answers.set(key, body);
    json(res, 200, body);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/chatwoot/order-actions`,
    received,
    applied,
    trust: (storeId, secret) => void secrets.set(storeId, secret),
    script: (...behaviours) => void queue.push(...behaviours),
    close: async () => {
      for (const res of hanging) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function verify(secret: string | undefined, headers: IncomingHttpHeaders, raw: string): boolean {
  const timestamp = single(headers['x-bridge-timestamp']);
  const signature = single(headers['x-bridge-signature']);
  if (!secret || !timestamp || !signature) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
