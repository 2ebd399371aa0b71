import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sampleRss, type BenchResult } from './bench-result';

/**
 * Runs every `bench/*.bench.ts` (or those named on the command line) one after another and
 * prints their figures, each with the peak RSS of the service it measured (`peak_rss_mb`). Targets are checked as ratios against baselines measured in the same run,
 * never as absolute timings in tests.
 */
async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const results: BenchResult[] = [];
  for (const file of files) {
    console.log(`\n== ${file}`);
    const started = Date.now();
    try {
      const mod = (await import(join(__dirname, file))) as { run: () => Promise<BenchResult> };
      const rss = sampleRss();
      const result = await mod.run();
      // A bench whose service runs in child processes reports their peak itself; otherwise the
      // service ran in this process (with the bench's own harness, so this is an upper bound).
      const peak = rss.stop();
      result.metrics.peak_rss_mb ??= peak;
      results.push(result);
      for (const [key, value] of Object.entries(result.metrics)) {
        console.log(`  ${key.padEnd(44)} ${Number.isInteger(value) ? value : value.toFixed(3)}`);
      }
      if (result.notes) console.log(`  ${result.notes}`);
    } catch (error) {
      console.error(`  failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 1;
    }
    console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(
    join(__dirname, 'results', 'latest.json'),
    `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`,
  );
  console.log(`\nwrote bench/results/latest.json`);
  // Benches leave pg-boss timers and sockets behind; the figures are written, so end here.
  process.exit(process.exitCode ?? 0);
}

void main();
