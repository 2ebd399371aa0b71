import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // pg-boss 10 completes and fails jobs without awaiting (`manager.js` onFetch: `this.complete(...)`),
    // so a pool that times out under load surfaces as an unhandled rejection although nothing is lost
    // (the job expires and is retried). Only that one library path is ignored; every other
    // unhandled error still fails the run.
    onUnhandledError(error: Error) {
      const stack = String((error as { stack?: string }).stack ?? '');
      const fromPgBossSettle = /pg-boss[\\/]src[\\/]manager\.js/.test(stack) && /Manager\.(complete|fail)/.test(stack);
      if (fromPgBossSettle && /timeout exceeded when trying to connect/.test(String(error.message))) return false;
    },
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
  },
  // SWC keeps decorator metadata, which NestJS dependency injection needs.
  plugins: [swc.vite({ module: { type: 'es6' }, jsc: { target: 'es2022' } })],
});
