import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { GeneratedStream } from './execStream';
import { MB, fmtMB, median, table, type Measured } from './measure';
import type { BenchReport } from './types';

/** Throughput goals from the issue: ours / (a) readline + JSON.parse, and ours / (b) bare JSON.parse. */
export const GOALS = { vsReadline: 1.0, vsParse: 0.6 };
/** Transient heap of a full-size run may exceed the half-size one by this factor (+ slack) and still count as flat. */
const FLAT_FACTOR = 1.5;
const FLAT_SLACK = 16 * MB;

/** Median time and throughput of a contender's measured runs, with the highest memory peaks seen. */
export interface Figures {
  runsMs: number[];
  medianMs: number;
  /** Throughput of the median run: what the goals are judged on. */
  mbPerSec: number;
  /** Throughput of the fastest run: less sensitive to other load on the machine. */
  bestMbPerSec: number;
  /** Median CPU time (ms) of the runs: the steadiest figure when other processes compete for the cores. */
  medianCpuMs: number;
  peakHeapGrowth: number;
  peakRssGrowth: number;
}

/** Sums up measured runs over a stream of `bytes`. */
export function figures(runs: Measured<unknown>[], bytes: number): Figures {
  const medianMs = median(runs.map((r) => r.ms));
  const mbps = (ms: number): number => Math.round((bytes / MB / (ms / 1000)) * 10) / 10;
  return {
    runsMs: runs.map((r) => Math.round(r.ms)),
    medianMs: Math.round(medianMs),
    mbPerSec: mbps(medianMs),
    bestMbPerSec: mbps(Math.min(...runs.map((r) => r.ms))),
    medianCpuMs: Math.round(median(runs.map((r) => r.cpuMs))),
    peakHeapGrowth: Math.max(...runs.map((r) => r.memory.heapGrowth)),
    peakRssGrowth: Math.max(...runs.map((r) => r.memory.rssGrowth)),
  };
}

/** Memory of one run: peak heap growth, heap still held by its result after GC, and the difference (transient). */
export interface MemoryRow {
  label: string;
  fileBytes: number;
  ms: number;
  peakHeapGrowth: number;
  retainedHeap: number;
  transientHeap: number;
  peakRssGrowth: number;
}

/** A {@link MemoryRow} from one measured run. */
export function memoryRow(label: string, fileBytes: number, r: Measured<unknown>): MemoryRow {
  return {
    label,
    fileBytes,
    ms: Math.round(r.ms),
    peakHeapGrowth: r.memory.heapGrowth,
    retainedHeap: r.retainedHeap,
    transientHeap: Math.max(0, r.memory.heapGrowth - r.retainedHeap),
    peakRssGrowth: r.memory.rssGrowth,
  };
}

/** Everything the exec pipeline benchmark measured. */
export interface ExecBenchData {
  full: GeneratedStream;
  halfBytes: number;
  config: Record<string, number>;
  ours: Figures;
  readline: Figures;
  bareParse: Figures;
  splitParse: Figures;
  /** Ours half/full, and the stream path alone (reducer discarding events) half/full, in that order. */
  memory: [MemoryRow, MemoryRow, MemoryRow, MemoryRow];
  state: { items: number; turns: number; errors: number } | null;
}

function log(text = ''): void {
  process.stdout.write(`${text}\n`);
}

const isFlat = (half: MemoryRow, full: MemoryRow): boolean => full.transientHeap <= half.transientHeap * FLAT_FACTOR + FLAT_SLACK;

/** Prints the tables, writes the JSON result to `resultFile` and returns the runner's summary. */
export function reportExecBench(d: ExecBenchData, resultFile: string): BenchReport {
  const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
  const ratios = {
    oursVsReadline: ratio(d.ours.mbPerSec, d.readline.mbPerSec),
    oursVsBareParse: ratio(d.ours.mbPerSec, d.bareParse.mbPerSec),
    splitParseVsBareParse: ratio(d.splitParse.mbPerSec, d.bareParse.mbPerSec),
    bestRuns: {
      oursVsReadline: ratio(d.ours.bestMbPerSec, d.readline.bestMbPerSec),
      oursVsBareParse: ratio(d.ours.bestMbPerSec, d.bareParse.bestMbPerSec),
    },
    cpuTime: {
      oursVsReadline: ratio(d.readline.medianCpuMs, d.ours.medianCpuMs),
      oursVsBareParse: ratio(d.bareParse.medianCpuMs, d.ours.medianCpuMs),
    },
  };
  const [oursHalf, oursFull, pathHalf, pathFull] = d.memory;
  const flat = isFlat(oursHalf, oursFull) && isFlat(pathHalf, pathFull);
  const met = { vsReadline: ratios.oursVsReadline >= GOALS.vsReadline, vsParse: ratios.oursVsBareParse >= GOALS.vsParse, flatMemory: flat };

  const row = (name: string, f: Figures): string[] => [
    name, (f.medianMs / 1000).toFixed(2), f.mbPerSec.toFixed(1), f.bestMbPerSec.toFixed(1), (f.medianCpuMs / 1000).toFixed(2),
    f.runsMs.map((ms) => (ms / 1000).toFixed(2)).join(' '),
    fmtMB(f.peakHeapGrowth), fmtMB(f.peakRssGrowth),
  ];
  log();
  log(table(['contender', 'median s', 'MB/s', 'best MB/s', 'cpu s', 'runs s', 'peak heap Δ', 'peak RSS Δ'], [
    row('ours: ExecPipeline (split, parse, validate, normalize, reduce)', d.ours),
    row('(a) readline + JSON.parse per line (codex-sdk)', d.readline),
    row('(b) JSON.parse of pre-split lines (parse loop only)', d.bareParse),
    row('ref: our LineSplitter + JSON.parse only', d.splitParse),
  ]));
  log();
  log(`ours/(a) = ${ratios.oursVsReadline.toFixed(2)}× (goal ≥ ${GOALS.vsReadline}) ${met.vsReadline ? 'met' : 'MISSED'}`);
  log(`ours/(b) = ${ratios.oursVsBareParse.toFixed(2)}× (goal ≥ ${GOALS.vsParse}) ${met.vsParse ? 'met' : 'MISSED'}; ` +
    `split + JSON.parse alone reaches ${ratios.splitParseVsBareParse.toFixed(2)}× of (b)`);
  log(`fastest runs: ours/(a) = ${ratios.bestRuns.oursVsReadline.toFixed(2)}×, ours/(b) = ${ratios.bestRuns.oursVsBareParse.toFixed(2)}×; ` +
    `by CPU time: ours/(a) = ${ratios.cpuTime.oursVsReadline.toFixed(2)}×, ours/(b) = ${ratios.cpuTime.oursVsBareParse.toFixed(2)}×`);
  log();
  log(table(['memory (ours)', 'stream', 'time s', 'peak heap Δ', 'retained', 'transient', 'peak RSS Δ'], d.memory.map((m) => [
    m.label, fmtMB(m.fileBytes), (m.ms / 1000).toFixed(2), fmtMB(m.peakHeapGrowth), fmtMB(m.retainedHeap), fmtMB(m.transientHeap),
    fmtMB(m.peakRssGrowth),
  ])));
  log('retained = heap the thread state still holds after GC (it keeps every item by design); transient = peak − retained.');
  log(`memory flat (transient at full ≤ ${FLAT_FACTOR}× half + ${fmtMB(FLAT_SLACK)}): ${flat ? 'yes' : 'NO'}; ` +
    `state: ${d.state?.items ?? 0} items, ${d.state?.turns ?? 0} turns`);

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    config: d.config,
    stream: { ...d.full, path: undefined, halfBytes: d.halfBytes }, // the temp file is gone by then
    throughput: { ours: d.ours, readlineJsonParse: d.readline, bareJsonParse: d.bareParse, splitterJsonParse: d.splitParse },
    ratios,
    goals: GOALS,
    met,
    memory: d.memory,
    state: d.state,
  };
  mkdirSync(dirname(resultFile), { recursive: true });
  writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  return {
    name: 'execPipeline',
    ok: met.vsReadline && met.vsParse && met.flatMemory,
    summary: [
      `ours ${d.ours.mbPerSec} MB/s, (a) readline+JSON.parse ${d.readline.mbPerSec} MB/s, (b) bare JSON.parse ${d.bareParse.mbPerSec} MB/s`,
      `ours/(a) ${ratios.oursVsReadline}× (goal ${GOALS.vsReadline}), ours/(b) ${ratios.oursVsBareParse}× (goal ${GOALS.vsParse}; ` +
        `split+JSON.parse alone: ${ratios.splitParseVsBareParse}×)`,
      `transient heap ${fmtMB(oursHalf.transientHeap)} (half) → ${fmtMB(oursFull.transientHeap)} (full), stream path alone ` +
        `${fmtMB(pathHalf.transientHeap)} → ${fmtMB(pathFull.transientHeap)}; retained state ${fmtMB(oursFull.retainedHeap)}; ` +
        `flat: ${flat ? 'yes' : 'no'}`,
    ],
    resultFile,
  };
}
