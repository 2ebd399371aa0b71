/** What every `bench/*.bench.ts` module returns from its `run()`. */
export interface BenchResult {
  name: string;
  /** Figures; ratios are named `*_ratio` and compare against a baseline measured in the same run. */
  metrics: Record<string, number>;
  notes?: string;
}
