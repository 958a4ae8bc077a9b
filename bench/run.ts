import { readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchReport } from './lib/types';

/*
 * Benchmark runner (`npm run bench`, i.e. `node --import tsx --expose-gc bench/run.ts [name…]`).
 * Imports every `bench/*.bench.ts` in name order and awaits its exported `run()`, one after the other so they never
 * compete for the CPU, then prints a summary. Arguments filter by name (`npm run bench -- execPipeline`).
 * Exits 1 when a benchmark throws; a missed goal is reported but keeps exit 0 (a benchmark is not a test).
 */

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const SUFFIX = '.bench.ts';

interface Outcome {
  file: string;
  seconds: number;
  report?: BenchReport;
  error?: string;
}

function isBenchModule(m: unknown): m is BenchModule {
  return typeof m === 'object' && m !== null && typeof (m as { run?: unknown }).run === 'function';
}

/** The benchmark files to run: all of them, or those whose name contains one of `filters`. */
function benchFiles(filters: readonly string[]): string[] {
  return readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith(SUFFIX))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
}

async function runOne(file: string): Promise<Outcome> {
  const t0 = performance.now();
  const seconds = (): number => Math.round((performance.now() - t0) / 100) / 10;
  try {
    const mod: unknown = await import(pathToFileURL(`${BENCH_DIR}${file}`).href);
    if (!isBenchModule(mod)) throw new Error(`${file} does not export run()`);
    const report = await mod.run();
    return { file, seconds: seconds(), report };
  } catch (e) {
    return { file, seconds: seconds(), error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}

async function main(): Promise<void> {
  const files = benchFiles(process.argv.slice(2));
  if (files.length === 0) throw new Error(`no *${SUFFIX} file matches ${process.argv.slice(2).join(' ') || 'anything'}`);
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
    process.stdout.write('note: started without --expose-gc; memory figures will be noisier\n');
  }
  const t0 = performance.now();
  const outcomes: Outcome[] = [];
  for (const file of files) {
    process.stdout.write(`\n=== ${file} ===\n`);
    const outcome = await runOne(file);
    if (outcome.error) process.stdout.write(`FAILED: ${outcome.error}\n`);
    outcomes.push(outcome);
  }

  process.stdout.write(`\n=== summary (${((performance.now() - t0) / 1000).toFixed(1)} s) ===\n`);
  for (const o of outcomes) {
    const status = o.error ? 'ERROR' : o.report?.ok ? 'goals met' : 'goals MISSED';
    process.stdout.write(`${o.report?.name ?? o.file}: ${status} (${o.seconds} s)\n`);
    for (const line of o.report?.summary ?? []) process.stdout.write(`  ${line}\n`);
    if (o.report?.resultFile) process.stdout.write(`  result: ${o.report.resultFile}\n`);
  }
  if (outcomes.some((o) => o.error)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
