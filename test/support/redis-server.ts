import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** Debian's Redis (`apt-get install -y redis-server`; `.ci/run` installs it). */
export const REDIS_SERVER = '/usr/bin/redis-server';

/**
 * Whether a suite needing Redis should run: always in CI (where a missing Redis must fail the
 * run), elsewhere only when redis-server is installed, with a note saying why it was skipped.
 */
export function redisTestsEnabled(suite: string): boolean {
  const available = existsSync(REDIS_SERVER);
  if (!available && !process.env.CI) {
    console.warn(
      `[${suite}] skipped: ${REDIS_SERVER} not found (apt-get install -y redis-server). With CI set this test fails instead.`,
    );
  }
  return available || !!process.env.CI;
}

export interface RedisHandle {
  url: string;
  stop(): Promise<void>;
  /** Starts it again on the same port (empty, as after a crash of an in-memory Redis). */
  restart(): Promise<void>;
}

/** A real, throwaway Redis on a free loopback port, in memory only. */
export async function startRedis(): Promise<RedisHandle> {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  let child = await spawnRedis(port);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    restart: async () => {
      await stop();
      child = await spawnRedis(port);
    },
  };
}

async function spawnRedis(port: number): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}
