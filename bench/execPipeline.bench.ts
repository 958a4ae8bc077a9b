import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ExecPipeline } from '../src/core/execPipeline';
import { LineSplitter, type SplitLine } from '../src/core/lineSplitter';
import { ThreadReducer } from '../src/core/threadReducer';
import type { ThreadState } from '../src/shared/threadModel';
import { figures, memoryRow, reportExecBench, type MemoryRow } from './lib/execReport';
import { generateExecStream, loadTemplates, type GeneratedStream } from './lib/execStream';
import { MB, fmtMB, fullGc, measure, withoutValue, type Measured } from './lib/measure';
import type { BenchReport } from './lib/types';

/*
 * The `codex exec --json` data path: our full pipeline (split, parse, validate, normalize, reduce) against
 * (a) readline + JSON.parse per line, the way @openai/codex-sdk reads, and (b) bare JSON.parse of pre-split lines.
 * Knobs: BENCH_EXEC_MB (stream size, default 100), BENCH_RUNS (measured runs after one warm-up, default 5).
 */

const TARGET_MB = Number(process.env.BENCH_EXEC_MB ?? 100);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const HIGH_WATER_MARK = 64 * 1024;
const RESULT_FILE = fileURLToPath(new URL('./results/execPipeline.json', import.meta.url));

/** A reducer that drops every event: isolates what the stream path itself holds in memory. */
class DiscardingReducer extends ThreadReducer {
  override apply(): void {}
}

function chunks(path: string): AsyncIterable<Buffer> {
  return createReadStream(path, { highWaterMark: HIGH_WATER_MARK });
}

/** Ours: the bytes of `path` through {@link ExecPipeline}, chunk by chunk, as the runner feeds child stdout. */
async function runOurs(path: string, discard = false): Promise<ThreadState> {
  const pipeline = new ExecPipeline({}, discard ? new DiscardingReducer() : undefined);
  for await (const chunk of chunks(path)) pipeline.write(chunk);
  return pipeline.end();
}

/** (a) @openai/codex-sdk: `exec.ts` yields readline lines, `thread.ts` JSON.parses each and yields the event. */
async function runReadline(path: string): Promise<number> {
  async function* lines(): AsyncGenerator<string> {
    const rl = createInterface({ input: createReadStream(path, { highWaterMark: HIGH_WATER_MARK }), crlfDelay: Infinity });
    try {
      for await (const line of rl) yield line;
    } finally {
      rl.close();
    }
  }
  async function* events(): AsyncGenerator<unknown> {
    for await (const line of lines()) yield JSON.parse(line) as unknown;
  }
  let n = 0;
  for await (const e of events()) if (typeof e === 'object' && e !== null) n++;
  return n;
}

/** Reference: our reading and splitting plus JSON.parse, nothing else: what any design that parses every line gets. */
async function runSplitParse(path: string): Promise<number> {
  const splitter = new LineSplitter();
  let n = 0;
  const take = (lines: SplitLine[]): void => {
    for (const l of lines) if (typeof JSON.parse(l.text) === 'object') n++;
  };
  for await (const chunk of chunks(path)) take(splitter.push(chunk));
  take(splitter.end());
  return n;
}

/** (b) JSON.parse over lines already split and in memory. */
function runBareParse(lines: readonly string[]): number {
  let n = 0;
  for (const line of lines) if (typeof JSON.parse(line) === 'object') n++;
  return n;
}

/** The counts of a reduced state that every run must reproduce. */
interface StateSummary {
  items: number;
  turns: number;
  errors: number;
}

/** Checks that a run reduced the whole stream (nothing skipped) to the same state as the runs before. */
function checkState(s: ThreadState, reference: StateSummary | null): StateSummary {
  if (s.items.length === 0 || s.skipped_lines + s.unknown_events !== 0) {
    throw new Error(`pipeline result looks wrong: ${s.items.length} items, ${s.skipped_lines} skipped, ${s.unknown_events} unknown`);
  }
  const summary = { items: s.items.length, turns: s.turns.length, errors: s.errors.length };
  if (reference && JSON.stringify(reference) !== JSON.stringify(summary)) throw new Error('pipeline result differs between runs');
  return summary;
}

function expectCount(m: Measured<number>, lines: number): Measured<null> {
  if (m.value !== lines) throw new Error(`a contender saw ${m.value} of ${lines} events`);
  return withoutValue(m);
}

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

type ContenderName = 'ours' | 'readline' | 'bareParse' | 'splitParse';

/** Measured runs of every contender, and the state ours reduced. */
interface ThroughputRuns {
  runs: Record<ContenderName, Measured<null>[]>;
  state: StateSummary | null;
}

/**
 * All contenders, interleaved in rotating order so that load from elsewhere on the machine hits all alike; round 0
 * warms up. The pre-split lines of (b) are in memory the whole time (a handicap for the others, if anything) and die
 * with this function.
 */
async function benchThroughput(full: GeneratedStream): Promise<ThroughputRuns> {
  const lines = readFileSync(full.path, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const out: ThroughputRuns = { runs: { ours: [], readline: [], bareParse: [], splitParse: [] }, state: null };
  const contenders: [ContenderName, () => Promise<Measured<null>>][] = [
    ['ours', async () => {
      const m = await measure(() => runOurs(full.path));
      out.state = checkState(m.value, out.state);
      return withoutValue(m);
    }],
    ['readline', async () => expectCount(await measure(() => runReadline(full.path)), full.lines)],
    ['bareParse', async () => expectCount(await measure(() => runBareParse(lines)), full.lines)],
    ['splitParse', async () => expectCount(await measure(() => runSplitParse(full.path)), full.lines)],
  ];
  for (let round = 0; round <= RUNS; round++) {
    const times: string[] = [];
    for (let i = 0; i < contenders.length; i++) {
      const [name, fn] = contenders[(round + i) % contenders.length] as (typeof contenders)[number];
      const m = await fn();
      if (round > 0) out.runs[name].push(m);
      times.push(`${name} ${(m.ms / 1000).toFixed(2)} s`);
    }
    log(`  round ${round}${round ? '' : ' (warm-up)'}: ${times.join(', ')}`);
  }
  return out;
}

/** One memory run of ours. Its own function, so the state it reduced is garbage before the next run starts. */
async function memoryRun(label: string, stream: GeneratedStream, discard: boolean): Promise<MemoryRow> {
  return memoryRow(label, stream.bytes, await measure(() => runOurs(stream.path, discard)));
}

/** Builds the streams in a temp dir, runs every contender (1 warm-up + BENCH_RUNS measured), then memory runs; reports. */
export async function run(): Promise<BenchReport> {
  if (!fullGc()) log('warning: run node with --expose-gc for comparable memory figures');
  const dir = mkdtempSync(join(tmpdir(), 'codex-bench-'));
  try {
    const templates = loadTemplates();
    const full = generateExecStream(join(dir, 'full.jsonl'), TARGET_MB * MB, 1, templates);
    const half = generateExecStream(join(dir, 'half.jsonl'), (TARGET_MB * MB) / 2, 1, templates);
    const fam = full.sessionsByFamily;
    log(`stream: ${fmtMB(full.bytes)}, ${full.lines} lines, ${full.sessions} sessions (thread ${fam.thread}, ` +
      `experimental ${fam.experimental}, legacy ${fam.legacy}), ${full.inflatedOutputs} large command outputs ` +
      `(${(full.inflatedChars / 1e6).toFixed(1)} M chars); half stream: ${fmtMB(half.bytes)}`);

    const { runs, state } = await benchThroughput(full);
    // Memory, with nothing else in the heap: ours on the full and half stream, and with a reducer that keeps nothing
    // (what the stream path itself holds).
    const oursHalf = await memoryRun('ours, half stream', half, false);
    const oursFull = await memoryRun('ours, full stream', full, false);
    const pathHalf = await memoryRun('stream path alone, half', half, true);
    const pathFull = await memoryRun('stream path alone, full', full, true);

    return reportExecBench({
      full,
      halfBytes: half.bytes,
      config: { targetMB: TARGET_MB, measuredRuns: RUNS, warmupRuns: 1, highWaterMark: HIGH_WATER_MARK, bytesPerMB: MB },
      ours: figures(runs.ours, full.bytes),
      readline: figures(runs.readline, full.bytes),
      bareParse: figures(runs.bareParse, full.bytes),
      splitParse: figures(runs.splitParse, full.bytes),
      memory: [oursHalf, oursFull, pathHalf, pathFull],
      state,
    }, RESULT_FILE);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
