/**
 * Standalone fake Chatwoot: `node -r @swc-node/register test/fake-chatwoot/main.ts`.
 * PORT (default 3001), FAKE_CHATWOOT_PLATFORM_TOKEN (default "platform-dev-token"),
 * FAKE_CHATWOOT_HOST (default 127.0.0.1; use 0.0.0.0 inside a container).
 */
import { startFakeChatwoot } from './fake-chatwoot.server';

async function main(): Promise<void> {
  const port = Number.parseInt(process.env.PORT ?? '3001', 10);
  const platformToken = process.env.FAKE_CHATWOOT_PLATFORM_TOKEN ?? 'platform-dev-token';
  const host = process.env.FAKE_CHATWOOT_HOST ?? '127.0.0.1';
  const fake = await startFakeChatwoot({ port, platformToken, host });
  console.log(`fake Chatwoot listening on ${fake.url}`);
  console.log(`platform token (api_access_token header): ${fake.platformToken}`);

  const shutdown = (): void => {
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
