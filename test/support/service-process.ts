import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { FakeChatwoot } from '../fake-chatwoot';
import { eventually } from './eventually';
import { PLATFORM_KEY } from './platform-key';

/**
 * The service as operators run it: `node -r @swc-node/register src/main.ts` in a child process,
 * so crashes, exit codes and process-level handlers are the real ones. Always `stop()` it.
 */
export interface ServiceProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Last 20 kB of its stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** SIGKILL: no shutdown hooks, as in a crash. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 15 s. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  databaseUrl: string;
  fake: FakeChatwoot;
  env?: Record<string, string>;
  port?: number;
  /** How long it may take to answer /health (default 90 s; benches on a busy machine need more). */
  startTimeoutMs?: number;
  /**
   * `built`: dist/main.js with the node flags of `npm start` (read from package.json; dist must be
   * built); `built-bare`: dist/main.js with none; default: the sources through swc.
   */
  entry?: 'source' | 'built' | 'built-bare';
}

export async function startServiceProcess(options: ServiceOptions): Promise<ServiceProcess> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const args =
    options.entry === 'built'
      ? npmStartArgs()
      : options.entry === 'built-bare'
        ? ['dist/main.js']
        : ['-r', '@swc-node/register', 'src/main.ts'];
  const child = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      PORT: String(port),
      DATABASE_URL: options.databaseUrl,
      CHATWOOT_URL: options.fake.url,
      CHATWOOT_PLATFORM_TOKEN: options.fake.platformToken,
      PLATFORM_API_KEY: PLATFORM_KEY,
      PUBLIC_URL: url,
      LOG_LEVEL: 'warn',
      JOBS_POLL_SECONDS: '0.5',
      CHATWOOT_RETRY_BASE_MS: '10',
      CHATWOOT_TIMEOUT_MS: '2000',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  const end = async (signal: NodeJS.Signals) => {
    if (!alive()) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const service: ServiceProcess = {
    url,
    port,
    child,
    output: () => output,
    exited,
    alive,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
  try {
    await eventually(
      async () => {
        if (!alive()) throw new Error(`service exited during start-up:\n${output}`);
        const response = await fetch(`${url}/health`);
        if (response.status !== 200) throw new Error(`health ${response.status}`);
      },
      options.startTimeoutMs ?? 90_000,
      250,
    );
  } catch (error) {
    await service.kill();
    throw new Error(`service did not become healthy: ${(error as Error).message}\n${output}`);
  }
  return service;
}

/** `npm start`'s command line without its leading `node`. */
function npmStartArgs(): string[] {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = pkg.scripts.start.split(/\s+/);
  if (command !== 'node') throw new Error(`npm start runs ${command}, not node`);
  return args;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
