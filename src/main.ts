import 'reflect-metadata';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app-config';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './database/embedded-postgres';
import { installProcessGuards } from './observability/process-guards';
import { startupBanner } from './startup-banner';

async function bootstrap(): Promise<void> {
  const started = Date.now();
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }

  let embedded: EmbeddedPostgresHandle | undefined;
  if (config.usesEmbeddedDatabase) {
    embedded = await startEmbeddedPostgres({ dataDir: config.DATA_DIR });
    config.DATABASE_URL = embedded.url;
  }

  const app = await createApp(config);
  installProcessGuards(app);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg: `${signal}: shutting down` })}\n`);
    await app.close().catch(() => undefined);
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.PORT, host: '0.0.0.0' });
  if (config.LOG_LEVEL !== 'silent') {
    process.stdout.write(
      startupBanner({
        config,
        embeddedDataPath: embedded?.dataPath,
        embeddedLinked: embedded?.linked ?? false,
        startedInMs: Date.now() - started,
      }),
    );
  }
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
