/** What one benchmark module reports to the runner (`bench/run.ts`). */
export interface BenchReport {
  /** Short name shown in the summary. */
  name: string;
  /** Whether the benchmark met its goals (a miss is reported, not thrown). */
  ok: boolean;
  /** A few one-line findings for the final summary. */
  summary: string[];
  /** Where the full machine-readable result was written, if anywhere. */
  resultFile?: string;
}

/** The contract of a `bench/*.bench.ts` module: an exported `run` the runner awaits. */
export interface BenchModule {
  run: () => Promise<BenchReport>;
}
