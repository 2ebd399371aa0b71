/**
 * Load generator for the webhook intake bench, run as its own process so that generating load
 * does not steal the event loop of the servers being measured.
 * Usage: node -r @swc-node/register bench/support/webhook-load.ts <url> <connections> <seconds>
 */
import autocannon from 'autocannon';
import { createHmac, randomUUID } from 'node:crypto';
import { ACCOUNT_ID, SECRET } from './webhook-bench-constants';

export interface LoadResult {
  rps: number;
  p99: number;
  p50: number;
  errors: number;
  non2xx: number;
}

export function messagePayload(displayId: number, messageId: number): string {
  const now = Date.now() / 1000;
  return JSON.stringify({
    event: 'message_created',
    id: messageId,
    account: { id: ACCOUNT_ID, name: 'Bench' },
    inbox: { id: 1, name: 'Web' },
    content: 'Hello, where is my order #1234? It was supposed to arrive yesterday.',
    content_type: 'text',
    content_attributes: {},
    message_type: messageId % 2 ? 'incoming' : 'outgoing',
    private: false,
    source_id: null,
    created_at: new Date().toISOString(),
    additional_attributes: {},
    sender:
      messageId % 2
        ? { id: 7, name: 'Jane', email: 'jane@example.test', identifier: `cust-${displayId}` }
        : { id: 3, name: 'Agent', type: 'user' },
    conversation: {
      id: displayId,
      account: { id: ACCOUNT_ID, name: 'Bench' },
      inbox_id: 1,
      channel: 'Channel::WebWidget',
      status: 'open',
      priority: null,
      labels: [],
      custom_attributes: {},
      additional_attributes: {},
      meta: {
        sender: {
          id: 7,
          name: 'Jane',
          identifier: `cust-${displayId}`,
          custom_attributes: { customer_tier: 'Silver' },
          type: 'contact',
        },
        assignee: null,
        team: null,
      },
      created_at: Math.floor(now) - 60,
      updated_at: now,
      last_activity_at: Math.floor(now),
      timestamp: Math.floor(now),
    },
  });
}

async function load(url: string, CONNECTIONS: number, DURATION_S: number): Promise<LoadResult> {
  let counter = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: [
      {
        method: 'POST',
        setupRequest: (request: any) => {
          counter += 1;
          const body = messagePayload((counter % 500) + 1, counter);
          const ts = Math.floor(Date.now() / 1000);
          const signature = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`;
          return {
            ...request,
            body,
            headers: {
              'content-type': 'application/json',
              'x-chatwoot-delivery': randomUUID(),
              'x-chatwoot-timestamp': String(ts),
              'x-chatwoot-signature': signature,
            },
          };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    p50: result.latency.p50,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

if (require.main === module) {
  const [url, connections, seconds] = process.argv.slice(2);
  void load(url, Number(connections), Number(seconds)).then((result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  });
}
