import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { GeneratedHome } from './codexHome';
import { fmtMB, median, table } from './measure';
import type { BenchReport } from './types';

/** Goals from the issue, against `ccusage codex session --json --offline` on the same data in the same run. */
export const GOALS = { coldVsCcusage: 1.0, warmVsCcusage: 0.1 };

/** One measured run: wall time and CPU time (the process's own, or the child's), in ms. */
export interface Run {
  ms: number;
  cpuMs: number | null;
}

/** Everything the usage benchmark measured. */
export interface UsageBenchData {
  home: GeneratedHome;
  ccusageVersion: string;
  config: Record<string, number>;
  /** Contender → runs: the three command lines, and in-process variants for the editor. */
  runs: Record<string, Run[]>;
  cacheBytes: number;
  /** Our totals against ccusage's on the same data. */
  totals: { ours: number[]; ccusage: number[]; equal: boolean; oursCost: number; ccusageCost: number };
}

interface Summary {
  medianMs: number;
  medianCpuMs: number | null;
  runsMs: number[];
}

function summary(runs: Run[]): Summary {
  const cpu = runs.map((r) => r.cpuMs).filter((c): c is number => c !== null);
  return { medianMs: Math.round(median(runs.map((r) => r.ms))), medianCpuMs: cpu.length ? Math.round(median(cpu)) : null, runsMs: runs.map((r) => Math.round(r.ms)) };
}

function log(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** What each contender is, for the table. */
const LABELS: Record<string, string> = {
  ccusage: 'ccusage codex session --json --offline',
  cliCold: 'codex-sessions usage --json (no cache yet)',
  cliWarm: 'codex-sessions usage --json (cache)',
  warmFloor: 'floor of a warm run: node, read the cache, stat it all',
  warmFloorReport: 'the same floor, printing the report (3.4 MB of JSON)',
  cold: 'in-process: new index, no cache (sync io, as the CLI)',
  coldAsync: 'in-process: new index, no cache (async io, as the editor)',
  warmLoad: 'in-process: new index loading the cache (editor start)',
  hot: 'in-process: refresh of a loaded index + report (status bar)',
};

/** Prints the table, writes the JSON result and returns the runner's summary. */
export function reportUsageBench(d: UsageBenchData, resultFile: string): BenchReport {
  const s = Object.fromEntries(Object.entries(d.runs).map(([k, v]) => [k, summary(v)]));
  const cc = s.ccusage!;
  const ratio = (k: string): number => Math.round(((s[k]?.medianMs ?? NaN) / cc.medianMs) * 1000) / 1000;
  const cpuRatio = (k: string): number | null => (s[k]?.medianCpuMs != null && cc.medianCpuMs ? Math.round((s[k]!.medianCpuMs! / cc.medianCpuMs) * 1000) / 1000 : null);
  const ratios = Object.fromEntries(Object.keys(s).map((k) => [k, { wall: ratio(k), cpu: cpuRatio(k) }]));
  const met = { cold: ratio('cliCold') <= GOALS.coldVsCcusage, warm: ratio('cliWarm') <= GOALS.warmVsCcusage, tokensEqual: d.totals.equal };
  log();
  log(table(['contender', 'median s', 'cpu s', '× ccusage', 'cpu × ccusage', 'runs s'], Object.entries(s).map(([k, v]) => [
    LABELS[k] ?? k, (v.medianMs / 1000).toFixed(3), v.medianCpuMs === null ? '-' : (v.medianCpuMs / 1000).toFixed(3), ratio(k).toFixed(3),
    cpuRatio(k)?.toFixed(3) ?? '-', v.runsMs.map((ms) => (ms / 1000).toFixed(2)).join(' '),
  ])));
  log();
  log(`cold (CLI, no cache) = ${ratio('cliCold').toFixed(2)}× ccusage (goal ≤ ${GOALS.coldVsCcusage}) ${met.cold ? 'met' : 'MISSED'}; ` +
    `warm (CLI, cache) = ${ratio('cliWarm').toFixed(3)}× (goal ≤ ${GOALS.warmVsCcusage}) ${met.warm ? 'met' : 'MISSED'}`);
  log(`floor of a warm run (start, read the cache, fs.statSync every folder and file; nothing else) = ${ratio('warmFloor').toFixed(3)}×, ` +
    `printing the report too = ${ratio('warmFloorReport').toFixed(3)}×`);
  log(`in-process: cache load ${ratio('warmLoad').toFixed(3)}×, loaded index ${ratio('hot').toFixed(3)}×; cache file ${fmtMB(d.cacheBytes)}`);
  log(`tokens (input, cached, output, reasoning): ours ${d.totals.ours.join(' / ')}, ccusage ${d.totals.ccusage.join(' / ')}: ` +
    `${d.totals.equal ? 'equal' : 'DIFFERENT'}; cost $${d.totals.oursCost.toFixed(4)} vs $${d.totals.ccusageCost.toFixed(4)}`);

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    ccusage: d.ccusageVersion,
    config: d.config,
    home: { ...d.home, home: undefined },
    summaries: s,
    ratios,
    goals: GOALS,
    met,
    cacheBytes: d.cacheBytes,
    totals: d.totals,
  };
  mkdirSync(dirname(resultFile), { recursive: true });
  writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  return {
    name: 'usage',
    ok: met.cold && met.warm && met.tokensEqual,
    summary: [
      `${d.home.sessions} sessions (${fmtMB(d.home.bytes)}): ccusage ${(cc.medianMs / 1000).toFixed(2)} s, ours cold ${(s.cliCold!.medianMs / 1000).toFixed(2)} s ` +
        `(${ratio('cliCold').toFixed(2)}×, goal ≤ ${GOALS.coldVsCcusage}), warm ${(s.cliWarm!.medianMs / 1000).toFixed(3)} s (${ratio('cliWarm').toFixed(3)}×, goal ≤ ${GOALS.warmVsCcusage})`,
      `CPU: ccusage ${((cc.medianCpuMs ?? 0) / 1000).toFixed(2)} s, ours cold ${((s.cliCold!.medianCpuMs ?? 0) / 1000).toFixed(2)} s, warm ${((s.cliWarm!.medianCpuMs ?? 0) / 1000).toFixed(3)} s; ` +
        `in-process cache load ${ratio('warmLoad').toFixed(3)}×, loaded index ${ratio('hot').toFixed(3)}×; floor of a warm run ${ratio('warmFloor').toFixed(3)}× (${ratio('warmFloorReport').toFixed(3)}× with the report)`,
      `tokens ${d.totals.equal ? 'equal to' : 'DIFFERENT from'} ccusage's (${d.totals.ours[0]} input)`,
    ],
    resultFile,
  };
}
