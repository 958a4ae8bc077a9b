import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BigRollout } from './bigRollout';
import type { GeneratedHome } from './codexHome';
import { fmtMB, median, table } from './measure';
import type { BenchReport } from './types';

/** Goals from the issue: skeleton ≤ 2× a bare walk, titles cold ≤ 2 s and warm ≤ 200 ms, replay ≤ 1.5× JSON.parse, first items ≤ 300 ms. */
export const GOALS = {
  skeletonVsWalk: 2,
  titlesColdMs: 2000,
  titlesWarmMs: 200,
  replayVsParse: 1.5,
  firstItemMs: 300,
  /** "Stays responsive": the longest the event loop may be blocked during a replay or a refresh (ms). */
  maxBlockMs: 100,
};

/** One measured run. */
export interface Run {
  ms: number;
  cpuMs: number;
  /** Longest event-loop delay seen during the run (ms). */
  maxBlockMs: number;
  heapGrowth: number;
  rssGrowth: number;
  /** Heap still held by the run's result after a full GC. */
  retainedHeap: number;
  /** Replays: time to the first item (ours) or first parsed line (baseline). */
  firstMs?: number;
  /** Refreshes: time to the first session reported. */
  firstSessionMs?: number;
  saveMs?: number;
  /** Lines parsed or items reduced. */
  count?: number;
}

/** The replay of one big rollout: ours, streaming JSON.parse, readFile + JSON.parse. */
export interface ReplayData {
  version: string;
  big: BigRollout;
  runs: Record<string, Run[]>;
}

/** Everything the history benchmark measured. */
export interface HistoryBenchData {
  home: GeneratedHome;
  skeleton: Record<string, Run[]>;
  titles: { cold: Run[]; warm: Run[]; cacheBytes: number };
  replays: ReplayData[];
  config: Record<string, number>;
}

/** Medians of every figure of some runs, plus the worst event-loop block and memory peak. */
export interface Summary {
  runsMs: number[];
  medianMs: number;
  medianCpuMs: number;
  medianFirstMs: number | null;
  maxBlockMs: number;
  peakHeapGrowth: number;
  peakRssGrowth: number;
  retainedHeap: number;
}

function summarize(runs: readonly Run[] = []): Summary {
  const r0 = (x: number): number => Math.round(x);
  const firsts = runs.map((r) => r.firstMs ?? r.firstSessionMs).filter((x): x is number => x !== undefined);
  return {
    runsMs: runs.map((r) => r0(r.ms)),
    medianMs: r0(median(runs.map((r) => r.ms))),
    medianCpuMs: r0(median(runs.map((r) => r.cpuMs))),
    medianFirstMs: firsts.length ? Math.round(median(firsts) * 10) / 10 : null,
    maxBlockMs: r0(Math.max(...runs.map((r) => r.maxBlockMs))),
    peakHeapGrowth: Math.max(...runs.map((r) => r.heapGrowth)),
    peakRssGrowth: Math.max(...runs.map((r) => r.rssGrowth)),
    retainedHeap: Math.max(...runs.map((r) => r.retainedHeap)),
  };
}

function log(text = ''): void {
  process.stdout.write(`${text}\n`);
}

const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
const mark = (ok: boolean): string => (ok ? 'met' : 'MISSED');

/** Prints the tables, writes the JSON result to `resultFile` and returns the runner's summary. */
export function reportHistoryBench(d: HistoryBenchData, resultFile: string): BenchReport {
  const s = {
    scan: summarize(d.skeleton.scan),
    walk: summarize(d.skeleton.walk),
    cold: summarize(d.titles.cold),
    warm: summarize(d.titles.warm),
  };
  const replays = d.replays.map((r) => {
    const x = { ours: summarize(r.runs.ours), parse: summarize(r.runs.parse), readFile: summarize(r.runs.readFile) };
    return {
      version: r.version,
      big: r.big,
      ...x,
      vsParse: ratio(x.ours.medianMs, x.parse.medianMs),
      /** Fastest run against fastest run: the least disturbed by other load on the machine. */
      bestVsParse: ratio(Math.min(...x.ours.runsMs), Math.min(...x.parse.runsMs)),
      vsReadFile: ratio(x.ours.medianMs, x.readFile.medianMs),
      cpuVsParse: ratio(x.ours.medianCpuMs, x.parse.medianCpuMs),
      items: r.runs.ours?.[0]?.count ?? null,
    };
  });
  const saveMs = Math.round(median(d.titles.cold.map((r) => r.saveMs ?? 0)));
  const scanVsWalk = ratio(s.scan.medianMs, s.walk.medianMs);
  const worst = (f: (r: (typeof replays)[number]) => number): number => Math.max(...replays.map(f));
  const met = {
    skeleton: scanVsWalk <= GOALS.skeletonVsWalk,
    titlesCold: s.cold.medianMs <= GOALS.titlesColdMs,
    titlesWarm: s.warm.medianMs <= GOALS.titlesWarmMs,
    replay: worst((r) => r.vsParse) <= GOALS.replayVsParse,
    firstItem: worst((r) => r.ours.medianFirstMs ?? Infinity) <= GOALS.firstItemMs,
    responsive: worst((r) => r.ours.maxBlockMs) <= GOALS.maxBlockMs && s.cold.maxBlockMs <= GOALS.maxBlockMs,
  };

  const row = (name: string, x: Summary): string[] => [
    name, String(x.medianMs), x.medianFirstMs === null ? '' : String(x.medianFirstMs), String(x.medianCpuMs), x.runsMs.join(' '),
    String(x.maxBlockMs), fmtMB(x.peakHeapGrowth), fmtMB(x.retainedHeap), fmtMB(x.peakRssGrowth),
  ];
  log();
  log(table(['contender', 'median ms', 'first ms', 'cpu ms', 'runs ms', 'max block ms', 'peak heap Δ', 'retained', 'peak RSS Δ'], [
    row(`skeleton: SessionIndex.scan() (${d.home.sessions} files)`, s.scan),
    row('skeleton baseline: readdir + stat walk', s.walk),
    row('titles cold: refresh(), new cache', s.cold),
    row('titles warm: refresh(), cache loaded', s.warm),
    ...replays.flatMap((r) => [
      row(`replay ${r.version}: replayRollout → ThreadReducer (${fmtMB(r.big.bytes)})`, r.ours),
      row(`replay ${r.version} baseline: stream + JSON.parse per line`, r.parse),
      row(`replay ${r.version} ref: readFile + split + JSON.parse`, r.readFile),
    ]),
  ]));
  log();
  log(`skeleton: scan/walk = ${scanVsWalk}× (goal ≤ ${GOALS.skeletonVsWalk}×) ${mark(met.skeleton)}`);
  log(`titles: cold ${s.cold.medianMs} ms (goal ≤ ${GOALS.titlesColdMs}) ${mark(met.titlesCold)}, warm ${s.warm.medianMs} ms ` +
    `(goal ≤ ${GOALS.titlesWarmMs}) ${mark(met.titlesWarm)}; save ${saveMs} ms, cache file ${fmtMB(d.titles.cacheBytes)}`);
  for (const r of replays) {
    log(`replay ${r.version}: ours/parse = ${r.vsParse}× (goal ≤ ${GOALS.replayVsParse}×) ${mark(r.vsParse <= GOALS.replayVsParse)}; ` +
      `fastest runs ${r.bestVsParse}×, by CPU ${r.cpuVsParse}×; ours/readFile = ${r.vsReadFile}×; first item after ${r.ours.medianFirstMs} ms (goal ≤ ${GOALS.firstItemMs}); ` +
      `${r.items} items`);
  }
  log(`responsiveness: longest event-loop block ${worst((r) => r.ours.maxBlockMs)} ms in a replay, ${s.cold.maxBlockMs} ms in a cold ` +
    `refresh (goal ≤ ${GOALS.maxBlockMs}) ${mark(met.responsive)}`);

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    config: d.config,
    home: { ...d.home, home: undefined },
    skeleton: { scan: s.scan, readdirStatWalk: s.walk, scanVsWalk },
    titles: { cold: s.cold, warm: s.warm, saveMs, cacheBytes: d.titles.cacheBytes },
    replays: replays.map((r) => ({
      version: r.version, bigRollout: { ...r.big, path: undefined }, ours: r.ours, streamJsonParse: r.parse, readFileJsonParse: r.readFile,
      vsParse: r.vsParse, bestVsParse: r.bestVsParse, vsReadFile: r.vsReadFile, cpuVsParse: r.cpuVsParse, items: r.items,
    })),
    goals: GOALS,
    met,
  };
  mkdirSync(dirname(resultFile), { recursive: true });
  writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  return {
    name: 'history',
    ok: Object.values(met).every(Boolean),
    summary: [
      `skeleton ${s.scan.medianMs} ms vs readdir+stat walk ${s.walk.medianMs} ms = ${scanVsWalk}× (goal ≤ ${GOALS.skeletonVsWalk}×)`,
      `titles cold ${s.cold.medianMs} ms (goal ≤ ${GOALS.titlesColdMs}), warm ${s.warm.medianMs} ms (goal ≤ ${GOALS.titlesWarmMs})`,
      ...replays.map((r) => `replay ${r.version} ${fmtMB(r.big.bytes)}: first item ${r.ours.medianFirstMs} ms (goal ≤ ${GOALS.firstItemMs}), ` +
        `complete ${r.ours.medianMs} ms vs JSON.parse ${r.parse.medianMs} ms = ${r.vsParse}× (goal ≤ ${GOALS.replayVsParse}×; ` +
        `fastest runs ${r.bestVsParse}×, CPU ${r.cpuVsParse}×); ` +
        `longest block ${r.ours.maxBlockMs} ms`),
    ],
    resultFile,
  };
}
