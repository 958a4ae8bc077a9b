import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ExecPipeline } from '../src/core/execPipeline';
import { ThreadReducer } from '../src/core/threadReducer';
import type { ThreadState } from '../src/shared/threadModel';
import { generateExecStream, loadTemplates, type GeneratedStream } from './lib/execStream';
import { MB, fmtMB, fullGc, measure, median, table, withoutValue, type Measured } from './lib/measure';
import type { BenchReport } from './lib/types';

/*
 * `codex exec --json` data path: our full pipeline (split, parse, validate, normalize, reduce) against
 * (a) readline + JSON.parse per line, the way @openai/codex-sdk reads, and (b) bare JSON.parse of pre-split lines.
 * Knobs: BENCH_EXEC_MB (stream size, default 100), BENCH_RUNS (measured runs after one warm-up, default 3).
 */

const TARGET_MB = Number(process.env.BENCH_EXEC_MB ?? 100);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const HIGH_WATER_MARK = 64 * 1024;
/** Throughput goals from the issue: ours / (a) and ours / (b). */
const GOALS = { vsReadline: 1.0, vsParse: 0.6 };
/** Transient heap of a full-size run may exceed the half-size one by this factor (+ slack) and still count as flat. */
const FLAT_FACTOR = 1.5;
const FLAT_SLACK = 16 * MB;
const RESULT_FILE = fileURLToPath(new URL('./results/execPipeline.json', import.meta.url));

/** A reducer that drops every event: isolates what the stream path itself holds in memory. */
class DiscardingReducer extends ThreadReducer {
  override apply(): void {}
}

/** Ours: the bytes of `path` through {@link ExecPipeline}, chunk by chunk, as the runner feeds child stdout. */
async function runOurs(path: string, discard = false): Promise<ThreadState> {
  const pipeline = new ExecPipeline({}, discard ? new DiscardingReducer() : undefined);
  for await (const chunk of createReadStream(path, { highWaterMark: HIGH_WATER_MARK })) pipeline.write(chunk as Buffer);
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

/** (b) The floor: JSON.parse over lines already split and in memory. */
function runBareParse(lines: readonly string[]): number {
  let n = 0;
  for (const line of lines) {
    const e = JSON.parse(line) as unknown;
    if (typeof e === 'object' && e !== null) n++;
  }
  return n;
}

/** Median time and throughput of a contender's measured runs, with the highest memory peaks seen. */
interface Figures {
  runsMs: number[];
  medianMs: number;
  mbPerSec: number;
  peakHeapGrowth: number;
  peakRssGrowth: number;
  peakExternalGrowth: number;
}

function figures(runs: Measured<unknown>[], bytes: number): Figures {
  const medianMs = median(runs.map((r) => r.ms));
  return {
    runsMs: runs.map((r) => Math.round(r.ms)),
    medianMs: Math.round(medianMs),
    mbPerSec: Math.round((bytes / MB / (medianMs / 1000)) * 10) / 10,
    peakHeapGrowth: Math.max(...runs.map((r) => r.memory.heapGrowth)),
    peakRssGrowth: Math.max(...runs.map((r) => r.memory.rssGrowth)),
    peakExternalGrowth: Math.max(...runs.map((r) => r.memory.externalGrowth)),
  };
}

/** Memory of one run: peak heap growth, heap still held by the result after GC, and the difference (transient). */
interface MemoryRow {
  label: string;
  fileBytes: number;
  peakHeapGrowth: number;
  retainedHeap: number;
  transientHeap: number;
  peakRssGrowth: number;
}

function memoryRow(label: string, fileBytes: number, r: Measured<unknown>): MemoryRow {
  return {
    label,
    fileBytes,
    peakHeapGrowth: r.memory.heapGrowth,
    retainedHeap: r.retainedHeap,
    transientHeap: Math.max(0, r.memory.heapGrowth - r.retainedHeap),
    peakRssGrowth: r.memory.rssGrowth,
  };
}

/** The counts of a reduced state that every run must reproduce. */
interface StateSummary {
  items: number;
  turns: number;
  errors: number;
}

/** Checks that a run reduced the stream fully (nothing skipped) and like the previous runs. */
function checkState(s: ThreadState, reference: StateSummary | null): StateSummary {
  if (s.items.length === 0 || s.skipped_lines + s.unknown_events !== 0) {
    throw new Error(`pipeline result looks wrong: ${s.items.length} items, ${s.skipped_lines} skipped, ${s.unknown_events} unknown`);
  }
  const summary = { items: s.items.length, turns: s.turns.length, errors: s.errors.length };
  if (reference && JSON.stringify(reference) !== JSON.stringify(summary)) throw new Error('pipeline result differs between runs');
  return summary;
}

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Ours and (a) from disk, interleaved so drift (page cache, heat) hits both alike; round 0 is the warm-up. */
async function benchStreaming(full: GeneratedStream): Promise<{ ours: Measured<null>[]; sdk: Measured<null>[]; state: StateSummary | null }> {
  const ours: Measured<null>[] = [];
  const sdk: Measured<null>[] = [];
  let state: StateSummary | null = null;
  for (let round = 0; round <= RUNS; round++) {
    const o = await measure(() => runOurs(full.path));
    state = checkState(o.value, state);
    const a = await measure(() => runReadline(full.path));
    if (a.value !== full.lines) throw new Error(`readline contender saw ${a.value} of ${full.lines} events`);
    if (round > 0) ours.push(withoutValue(o)), sdk.push(withoutValue(a));
    log(`  round ${round}${round ? '' : ' (warm-up)'}: ours ${o.ms.toFixed(0)} ms, readline+JSON.parse ${a.ms.toFixed(0)} ms`);
  }
  return { ours, sdk, state };
}

/** (b) with the lines read and split beforehand; only the parse loop is timed. Its own function so the lines die with it. */
async function benchBareParse(full: GeneratedStream): Promise<Measured<null>[]> {
  const lines = readFileSync(full.path, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const runs: Measured<null>[] = [];
  for (let round = 0; round <= RUNS; round++) {
    const b = await measure(() => runBareParse(lines));
    if (b.value !== full.lines) throw new Error(`bare parse saw ${b.value} of ${full.lines} events`);
    if (round > 0) runs.push(withoutValue(b));
  }
  log(`  bare JSON.parse: ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms`);
  return runs;
}

/** Builds the streams, runs every contender (1 warm-up + BENCH_RUNS measured, interleaved) and reports. */
export async function run(): Promise<BenchReport> {
  if (!fullGc()) log('warning: run node with --expose-gc for comparable memory figures');
  const dir = mkdtempSync(join(tmpdir(), 'codex-bench-'));
  try {
    const templates = loadTemplates();
    const full = generateExecStream(join(dir, 'full.jsonl'), TARGET_MB * MB, 1, templates);
    const half = generateExecStream(join(dir, 'half.jsonl'), (TARGET_MB * MB) / 2, 1, templates);
    log(`stream: ${fmtMB(full.bytes)}, ${full.lines} lines, ${full.sessions} sessions ` +
      `(thread ${full.sessionsByFamily.thread}, experimental ${full.sessionsByFamily.experimental}, legacy ${full.sessionsByFamily.legacy}), ` +
      `${full.inflatedOutputs} large outputs (${fmtMB(full.inflatedChars)}); half: ${fmtMB(half.bytes)}`);

    const { ours, sdk, state } = await benchStreaming(full);
    const parse = await benchBareParse(full);

    // Memory: the same pipeline on half the bytes, and with a reducer that keeps nothing (the stream path alone).
    const memory: MemoryRow[] = [
      memoryRow('ours, half stream', half.bytes, await measure(() => runOurs(half.path))),
      memoryRow('ours, full stream', full.bytes, ours.reduce((x, y) => (y.memory.heapGrowth > x.memory.heapGrowth ? y : x))),
      memoryRow('stream path only, half', half.bytes, await measure(() => runOurs(half.path, true))),
      memoryRow('stream path only, full', full.bytes, await measure(() => runOurs(full.path, true))),
    ];
    return report(full, half, figures(ours, full.bytes), figures(sdk, full.bytes), figures(parse, full.bytes), memory, state);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(
  full: GeneratedStream,
  half: GeneratedStream,
  ours: Figures,
  sdk: Figures,
  parse: Figures,
  memory: MemoryRow[],
  state: StateSummary | null,
): BenchReport {
  const vsReadline = ours.mbPerSec / sdk.mbPerSec;
  const vsParse = ours.mbPerSec / parse.mbPerSec;
  const transient = (label: string): number => memory.find((m) => m.label === label)?.transientHeap ?? 0;
  const flatFor = (prefix: string): boolean => transient(`${prefix}, full`) <= transient(`${prefix}, half`) * FLAT_FACTOR + FLAT_SLACK;
  const flat = flatFor('stream path only') && transient('ours, full stream') <= transient('ours, half stream') * FLAT_FACTOR + FLAT_SLACK;
  const met = { vsReadline: vsReadline >= GOALS.vsReadline, vsParse: vsParse >= GOALS.vsParse, flatMemory: flat };

  const row = (name: string, f: Figures): string[] => [
    name, (f.medianMs / 1000).toFixed(2), f.mbPerSec.toFixed(1), f.runsMs.map((ms) => (ms / 1000).toFixed(2)).join(' '),
    fmtMB(f.peakHeapGrowth), fmtMB(f.peakRssGrowth),
  ];
  log('');
  log(table(['contender', 'median s', 'MB/s', 'runs s', 'peak heap Δ', 'peak RSS Δ'], [
    row('ours: ExecPipeline (split+parse+validate+normalize+reduce)', ours),
    row('(a) readline + JSON.parse (codex-sdk)', sdk),
    row('(b) JSON.parse, pre-split lines', parse),
  ]));
  log('');
  log(`ours/(a) = ${vsReadline.toFixed(2)}× (goal ≥ ${GOALS.vsReadline}) ${met.vsReadline ? 'met' : 'MISSED'}`);
  log(`ours/(b) = ${vsParse.toFixed(2)}× (goal ≥ ${GOALS.vsParse}) ${met.vsParse ? 'met' : 'MISSED'}`);
  log('');
  log(table(['memory (ours)', 'stream', 'peak heap Δ', 'retained', 'transient', 'peak RSS Δ'], memory.map((m) => [
    m.label, fmtMB(m.fileBytes), fmtMB(m.peakHeapGrowth), fmtMB(m.retainedHeap), fmtMB(m.transientHeap), fmtMB(m.peakRssGrowth),
  ])));
  log(`retained = heap still held by the thread state after GC (all items are kept by design); transient = peak − retained.`);
  log(`memory flat (transient at full ≤ ${FLAT_FACTOR}× half + ${fmtMB(FLAT_SLACK)}): ${flat ? 'yes' : 'NO'}; ` +
    `state: ${state?.items ?? 0} items, ${state?.turns ?? 0} turns`);

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    config: { targetMB: TARGET_MB, measuredRuns: RUNS, warmupRuns: 1, highWaterMark: HIGH_WATER_MARK, mb: MB },
    stream: { ...full, path: undefined, halfBytes: half.bytes },
    throughput: { ours, readlineJsonParse: sdk, bareJsonParse: parse },
    ratios: { oursVsReadline: round2(vsReadline), oursVsBareParse: round2(vsParse) },
    goals: GOALS,
    met,
    memory,
    state,
  };
  mkdirSync(join(RESULT_FILE, '..'), { recursive: true });
  writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  return {
    name: 'execPipeline',
    ok: met.vsReadline && met.vsParse && met.flatMemory,
    summary: [
      `ours ${ours.mbPerSec} MB/s, (a) readline+JSON.parse ${sdk.mbPerSec} MB/s, (b) bare JSON.parse ${parse.mbPerSec} MB/s`,
      `ours/(a) ${vsReadline.toFixed(2)}× (goal ${GOALS.vsReadline}), ours/(b) ${vsParse.toFixed(2)}× (goal ${GOALS.vsParse})`,
      `transient heap ${fmtMB(transient('ours, half stream'))} (half) → ${fmtMB(transient('ours, full stream'))} (full), ` +
        `stream path only ${fmtMB(transient('stream path only, half'))} → ${fmtMB(transient('stream path only, full'))}; flat: ${flat ? 'yes' : 'no'}`,
    ],
    resultFile: RESULT_FILE,
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
