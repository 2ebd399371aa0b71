/**
 * `npm run sync -- --store <id>`: starts a full contact sync of one store and shows its progress
 * until it finishes. Boots the application context like `main.ts` (embedded PostgreSQL when
 * DATABASE_URL is unset) but does not listen; this process's job workers do the work.
 */
import 'reflect-metadata';
import { SingleBar, Presets } from 'cli-progress';
import { parseArgs } from 'node:util';
import { createApp } from '../app.factory';
import { ConfigError, loadConfig } from '../config/app-config';
import { SyncRunService } from '../contacts/sync-run.service';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../database/embedded-postgres';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { store: { type: 'string', short: 's' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help || !values.store) {
    console.error('usage: npm run sync -- --store <storeId>');
    return values.help ? 0 : 64; // EX_USAGE
  }
  let config;
  try {
    // The CLI has no cron of its own; the running service keeps its schedule.
    config = loadConfig({ ...process.env, CRON_ENABLED: 'false', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 78; // EX_CONFIG
    }
    throw error;
  }
  let embedded: EmbeddedPostgresHandle | undefined;
  if (config.usesEmbeddedDatabase) {
    embedded = await startEmbeddedPostgres({ dataDir: config.DATA_DIR });
    config.DATABASE_URL = embedded.url;
  }
  const app = await createApp(config);
  await app.init();
  const bar = new SingleBar(
    {
      format:
        'contacts {bar} {percentage}% | {value}/{total} | created {created} updated {updated} unchanged {unchanged} failed {failed}',
    },
    Presets.shades_classic,
  );
  try {
    const runs = app.get(SyncRunService);
    const started = await runs.startRun(values.store, 'cli');
    bar.start(Math.max(started.total, 1), started.done, counts(started));
    for (;;) {
      const current = await runs.getRun(values.store, started.id);
      bar.setTotal(Math.max(current.total, current.done, 1));
      bar.update(current.done, counts(current));
      if (current.state !== 'running') {
        bar.stop();
        console.log(`run ${current.id} ${current.state}${current.error ? `: ${current.error}` : ''}`);
        return current.state === 'done' && current.failed === 0 ? 0 : 1;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } catch (error) {
    bar.stop();
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    await app.close().catch(() => undefined);
    await embedded?.stop();
  }
}

function counts(run: { created: number; updated: number; unchanged: number; failed: number }) {
  return { created: run.created, updated: run.updated, unchanged: run.unchanged, failed: run.failed };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
