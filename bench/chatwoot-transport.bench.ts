import { HttpService } from '@nestjs/axios';
import axios from 'axios';
import { ChatwootTransport } from '../src/chatwoot/chatwoot-transport';
import { loadConfig } from '../src/config/app-config';
import { MetricsService } from '../src/observability/metrics.service';
import { startFakeChatwoot } from '../test/fake-chatwoot';
import type { BenchResult } from './bench-result';

const CALLS = 3000;
const CONCURRENCY = 20;
/** CHATWOOT_BUDGET_PER_WINDOW default (2400) over its 60 s window. */
const DEFAULT_BUDGET_PER_SECOND = 2400 / 60;

async function timed(label: string, call: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < CALLS) await call();
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  void label;
  return CALLS / seconds;
}

/**
 * What the one door to Chatwoot costs: calls per second through the transport (budget, retry,
 * breaker, timeout, metrics) against bare axios, both hitting the same fake Chatwoot.
 */
export async function run(): Promise<BenchResult> {
  const fake = await startFakeChatwoot();
  try {
    const config = loadConfig({
      CHATWOOT_URL: fake.url,
      CHATWOOT_PLATFORM_TOKEN: fake.platformToken,
      CHATWOOT_BUDGET_PER_WINDOW: '1000000',
    });
    const transport = new ChatwootTransport(new HttpService(axios.create()), config, new MetricsService());
    const bare = axios.create({ baseURL: fake.url, headers: { api_access_token: fake.platformToken } });
    const path = '/platform/api/v1/accounts';
    // Warm both paths up.
    await timed('warm', () => bare.get(path));
    const bareRate = await timed('bare', () => bare.get(path));
    const transportRate = await timed('transport', () =>
      transport.request({ method: 'GET', path, token: fake.platformToken, operation: 'bench.list', context: {} }),
    );
    await transport.onModuleDestroy();
    return {
      name: 'chatwoot-transport',
      metrics: {
        bare_axios_calls_per_second: bareRate,
        transport_calls_per_second: transportRate,
        transport_vs_bare_ratio: transportRate / bareRate,
        transport_vs_default_budget_ratio: transportRate / DEFAULT_BUDGET_PER_SECOND,
      },
      notes:
        `${CALLS} GETs at concurrency ${CONCURRENCY} against the fake Chatwoot. The transport is paced by design ` +
        `(Chatwoot allows 50 calls/s per IP; the default budget is 40/s): the target is a ceiling of at least 5x the ` +
        `default budget, i.e. transport_vs_default_budget_ratio >= 5.`,
    };
  } finally {
    await fake.close();
  }
}
