import { readFileSync } from 'node:fs';

/** What every `bench/*.bench.ts` module returns from its `run()`. */
export interface BenchResult {
  name: string;
  /** Figures; ratios are named `*_ratio` and compare against a baseline measured in the same run. */
  metrics: Record<string, number>;
  notes?: string;
}

/** Peak resident memory of another process (the service in a child), from Linux's own high-water mark. */
export function peakRssMbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

/** Resident memory of another process now (VmRSS). */
export function rssMbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024);
}

/**
 * Samples this process's resident memory while a bench runs in it (the service in process):
 * `stop()` returns the peak in MB. Samples every 25 ms, so a spike shorter than that can be missed.
 */
export function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 25);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return Math.round(peak / 1024 / 1024);
    },
  };
}
