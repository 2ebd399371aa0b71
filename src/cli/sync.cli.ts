/**
 * `npm run sync -- --store <id> [--url <service>]`: starts a full contact sync of one store and
 * shows its progress until it finishes.
 *
 * It asks the running service to do it (POST /v1/stores/:id/contacts/sync with the platform key,
 * then GET /v1/stores/:id/sync-runs/:runId), at `--url` or http://127.0.0.1:$PORT. It never
 * touches a database a running service owns: when no service answers but one still owns the
 * embedded database in DATA_DIR, it refuses. Only with no service at all does it run the sync
 * itself, booting the application context (without HTTP or cron) like `main.ts`.
 */
import 'reflect-metadata';
import { SingleBar, Presets } from 'cli-progress';
import { parseArgs } from 'node:util';
import { createApp } from '../app.factory';
import { ConfigError, loadConfig, type AppConfig } from '../config/app-config';
import type { SyncRunDto } from '../contacts/dto/sync-run.dto';
import { SyncRunService } from '../contacts/sync-run.service';
import {
  databaseOwner,
  DataDirInUseError,
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from '../database/embedded-postgres';

const EX_USAGE = 64;
const EX_TEMPFAIL = 75;
const EX_CONFIG = 78;
const POLL_MS = 500;
/** How long the service may be unreachable while we follow a run (e.g. a restart) before giving up. */
const UNREACHABLE_GRACE_MS = 60_000;

type RunCounts = Pick<SyncRunDto, 'created' | 'updated' | 'unchanged' | 'failed'>;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      store: { type: 'string', short: 's' },
      url: { type: 'string', short: 'u' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.store) {
    console.error('usage: npm run sync -- --store <storeId> [--url <service base URL>]');
    return values.help ? 0 : EX_USAGE;
  }
  let config: AppConfig;
  try {
    // The CLI has no cron of its own; the running service keeps its schedule.
    config = loadConfig({ ...process.env, CRON_ENABLED: 'false', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return EX_CONFIG;
    }
    throw error;
  }
  const base = (values.url ?? `http://127.0.0.1:${config.PORT}`).replace(/\/+$/, '');

  if (await answers(base)) {
    console.error(`asking the service at ${base} to sync store ${values.store}`);
    return viaService(base, config.PLATFORM_API_KEY, values.store);
  }
  if (config.usesEmbeddedDatabase) {
    const owner = databaseOwner(config.DATA_DIR);
    if (owner) {
      console.error(
        `refusing: process ${owner.ownerPid} owns the embedded database in ${config.DATA_DIR} but no service answers at ` +
          `${base}. Pass --url <service base URL> (or PORT) to sync through it; this CLI never touches a live service's database.`,
      );
      return EX_TEMPFAIL;
    }
  }
  console.error(`no service answers at ${base}; running the sync in this process`);
  return inProcess(config, values.store);
}

/** Whether anything HTTP answers at `base` (any status: an answer means a service is there). */
async function answers(base: string): Promise<boolean> {
  try {
    await fetch(`${base}/health`, { signal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  }
}

async function viaService(base: string, key: string, storeId: string): Promise<number> {
  const headers = { authorization: `Bearer ${key}`, accept: 'application/json' };
  const store = `${base}/v1/stores/${encodeURIComponent(storeId)}`;
  let started: SyncRunDto | undefined;
  for (let attempt = 0; !started; attempt++) {
    const response = await fetch(`${store}/contacts/sync`, { method: 'POST', headers });
    const body = (await response.json().catch(() => ({}))) as SyncRunDto & { message?: string };
    if (response.status === 429 && attempt < 3) {
      const seconds = Number(response.headers.get('retry-after')) || 5;
      console.error(`the service is busy; retrying in ${seconds} s`);
      await sleep(seconds * 1000);
      continue;
    }
    if (response.status !== 202 && response.status !== 200) {
      console.error(`the service refused the sync (${response.status}): ${body.message ?? response.statusText}`);
      return 1;
    }
    started = body;
  }
  return follow(started, async () => {
    const response = await fetch(`${store}/sync-runs/${started.id}`, { headers });
    if (!response.ok) throw new Error(`sync run: HTTP ${response.status}`);
    return (await response.json()) as SyncRunDto;
  });
}

async function inProcess(config: AppConfig, storeId: string): Promise<number> {
  let embedded: EmbeddedPostgresHandle | undefined;
  if (config.usesEmbeddedDatabase) {
    try {
      embedded = await startEmbeddedPostgres({ dataDir: config.DATA_DIR });
    } catch (error) {
      // A service took the data folder between our check and now.
      if (error instanceof DataDirInUseError) {
        console.error(`refusing: ${error.message}`);
        return EX_TEMPFAIL;
      }
      throw error;
    }
    config.DATABASE_URL = embedded.url;
  }
  const app = await createApp(config);
  try {
    await app.init();
    const runs = app.get(SyncRunService);
    const started = await runs.startRun(storeId, 'cli');
    return await follow(started, () => runs.getRun(storeId, started.id));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    await app.close().catch(() => undefined);
    await embedded?.stop();
  }
}

/** Shows the run's progress until it ends; 0 when it finished without failures. */
async function follow(started: SyncRunDto, read: () => Promise<SyncRunDto>): Promise<number> {
  const bar = new SingleBar(
    {
      format:
        'contacts {bar} {percentage}% | {value}/{total} | created {created} updated {updated} unchanged {unchanged} failed {failed}',
    },
    Presets.shades_classic,
  );
  bar.start(Math.max(started.total, 1), started.done, counts(started));
  let unreachableSince: number | undefined;
  try {
    for (;;) {
      let current: SyncRunDto;
      try {
        current = await read();
        unreachableSince = undefined;
      } catch (error) {
        unreachableSince ??= Date.now();
        if (Date.now() - unreachableSince > UNREACHABLE_GRACE_MS) throw error;
        await sleep(POLL_MS);
        continue;
      }
      bar.setTotal(Math.max(current.total, current.done, 1));
      bar.update(current.done, counts(current));
      if (current.state !== 'running') {
        bar.stop();
        console.log(`run ${current.id} ${current.state}${current.error ? `: ${current.error}` : ''}`);
        return current.state === 'done' && current.failed === 0 ? 0 : 1;
      }
      await sleep(POLL_MS);
    }
  } catch (error) {
    bar.stop();
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

function counts(run: RunCounts): RunCounts {
  return { created: run.created, updated: run.updated, unchanged: run.unchanged, failed: run.failed };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
