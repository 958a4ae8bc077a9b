import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SessionIndex } from '../src/node/sessionIndex';
import { usageReport, type UsageReport } from '../src/node/usageReport';
import { CCUSAGE_VERSION, setupCcusage } from '../scripts/setupCcusage.mjs';
import { generateCodexHome, settle } from './lib/codexHome';
import { fullGc } from './lib/measure';
import { loadRolloutTemplates } from './lib/rolloutTemplates';
import type { BenchReport } from './lib/types';
import { reportUsageBench, type Run } from './lib/usageBenchReport';

/*
 * Token usage of a generated CODEX_HOME of BENCH_USAGE_SESSIONS (10,000) corpus-made sessions (the history
 * benchmark's generator), against `ccusage codex session --json --offline` (installed by scripts/setupCcusage.mjs) on
 * the same files in the same run, in rotating order (round 0 warms up):
 *  - the command lines: ccusage; `codex-sessions usage --json --by session` with an empty cache folder (cold) and with
 *    the cache an earlier run wrote (warm). Both sides pay their process start. And the floor of a warm run: a Node
 *    process that only lists and stats the files and parses the cache, and one that also prints the report
 *    (lib/usageFloor.mjs).
 *  - in process (the editor): a new index without cache, sync and async io; a new index loading the cache; a
 *    refresh of an index already loaded (what a status bar update costs).
 * The files are in the page cache (just written): "cold" means no cache of ours, not a cold disk.
 * Knobs: BENCH_USAGE_SESSIONS, BENCH_RUNS (rounds after the warm-up, default 5).
 */

const SESSIONS = Number(process.env.BENCH_USAGE_SESSIONS ?? 10_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const RESULT_FILE = fileURLToPath(new URL('./results/usage.json', import.meta.url));
/** The least a warm run must do (start, list, stat, parse the cache; and print the report): how close the warm goal can come. */
const FLOOR = fileURLToPath(new URL('./lib/usageFloor.mjs', import.meta.url));

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** CPU time (ms) of this process's children that have been waited for (Linux); null elsewhere. */
function childrenCpuMs(): number | null {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // cutime + cstime, in ticks of 1/100 s
  } catch {
    return null;
  }
}

/** Runs a command to its end; its stdout, wall time and CPU time. */
function runChild(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run & { stdout: string }> {
  return new Promise((resolve, reject) => {
    const cpu0 = childrenCpuMs();
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      const cpu1 = childrenCpuMs();
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`));
      resolve({ ms, cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0, stdout: Buffer.concat(out).toString() });
    });
  });
}

/** Times an in-process run (wall and this process's CPU). */
async function inProcess<T>(fn: () => Promise<T>): Promise<Run & { value: T }> {
  fullGc();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, value };
}

const tokensOf = (t: UsageReport['totals']): number[] => [t.input_tokens, t.cached_input_tokens, t.output_tokens, t.reasoning_output_tokens];

/** Builds the home, runs every contender in rotating rounds, checks the totals agree, reports. */
export async function run(): Promise<BenchReport> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm run build first (npm run bench does)`);
  const ccusage = setupCcusage();
  const dir = mkdtempSync(join(tmpdir(), 'codex-usage-bench-'));
  try {
    const home = generateCodexHome(join(dir, 'home'), loadRolloutTemplates(), SESSIONS);
    log(`home: ${home.sessions} sessions, ${(home.bytes / 1e6).toFixed(0)} MB, ${home.days} days (generated in ${(home.ms / 1000).toFixed(1)} s)`);
    await settle();
    const base = { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', ...(process.env.TZ ? { TZ: process.env.TZ } : {}) };
    const ccEnv = { ...base, CODEX_HOME: home.home };
    const ourArgs = [CLI, 'usage', '--codex-home', home.home, '--json', '--by', 'session'];
    const warmCache = join(dir, 'xdg-warm');
    let coldRun = 0;
    let ccTotals: number[] = [];
    let ccCost = 0;
    // The warm contenders need a cache: one cold run writes it (and gives our totals).
    let ours = JSON.parse((await runChild(process.execPath, ourArgs, { ...base, XDG_CACHE_HOME: warmCache })).stdout) as UsageReport;
    const cacheFile = join(warmCache, 'codex-sessions', readdirSync(join(warmCache, 'codex-sessions'))[0]!);
    const loaded = new SessionIndex({ codexHome: home.home, cacheFile, io: 'sync' });
    await loaded.refresh({ usage: true });

    const contenders: Record<string, () => Promise<Run>> = {
      ccusage: async () => {
        const r = await runChild(ccusage, ['codex', 'session', '--json', '--offline'], ccEnv);
        const o = JSON.parse(r.stdout) as { totals: { inputTokens: number; cacheReadTokens: number; outputTokens: number; reasoningOutputTokens: number; costUSD: number } };
        ccTotals = [o.totals.inputTokens + o.totals.cacheReadTokens, o.totals.cacheReadTokens, o.totals.outputTokens, o.totals.reasoningOutputTokens];
        ccCost = o.totals.costUSD;
        return { ms: r.ms, cpuMs: r.cpuMs };
      },
      cliCold: async () => {
        const r = await runChild(process.execPath, ourArgs, { ...base, XDG_CACHE_HOME: join(dir, `xdg-cold-${coldRun++}`) });
        ours = JSON.parse(r.stdout) as UsageReport;
        return { ms: r.ms, cpuMs: r.cpuMs };
      },
      cliWarm: async () => {
        const r = await runChild(process.execPath, ourArgs, { ...base, XDG_CACHE_HOME: warmCache });
        return { ms: r.ms, cpuMs: r.cpuMs };
      },
      warmFloor: async () => {
        const r = await runChild(process.execPath, [FLOOR, home.home, cacheFile], base);
        return { ms: r.ms, cpuMs: r.cpuMs };
      },
      warmFloorReport: async () => {
        const r = await runChild(process.execPath, [FLOOR, home.home, cacheFile, '--report'], base);
        return { ms: r.ms, cpuMs: r.cpuMs };
      },
      cold: async () => inProcess(async () => {
        const index = new SessionIndex({ codexHome: home.home, cacheFile: null, io: 'sync' });
        await index.refresh({ usage: true });
        return usageReport(index.sessions(), { by: 'session' });
      }),
      coldAsync: async () => inProcess(async () => {
        const index = new SessionIndex({ codexHome: home.home, cacheFile: null });
        await index.refresh({ usage: true });
        return usageReport(index.sessions(), { by: 'session' });
      }),
      warmLoad: async () => inProcess(async () => {
        const index = new SessionIndex({ codexHome: home.home, cacheFile, io: 'sync' });
        await index.refresh({ usage: true });
        return usageReport(index.sessions(), { by: 'session' });
      }),
      hot: async () => inProcess(async () => {
        await loaded.refresh({ usage: true });
        return usageReport(loaded.sessions(), { by: 'session' });
      }),
    };
    const names = Object.keys(contenders);
    const runs: Record<string, Run[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (let round = 0; round <= RUNS; round++) {
      const times: string[] = [];
      for (let i = 0; i < names.length; i++) {
        const name = names[(round + i) % names.length]!;
        const r = await contenders[name]!();
        if (round > 0) runs[name]!.push({ ms: r.ms, cpuMs: r.cpuMs });
        times.push(`${name} ${(r.ms / 1000).toFixed(2)} s`);
      }
      log(`  round ${round}${round ? '' : ' (warm-up)'}: ${times.join(', ')}`);
    }
    const oursTotals = tokensOf(ours.totals);
    return reportUsageBench({
      home,
      ccusageVersion: CCUSAGE_VERSION,
      config: { sessions: SESSIONS, measuredRuns: RUNS, warmupRuns: 1 },
      runs,
      cacheBytes: statSync(cacheFile).size,
      totals: { ours: oursTotals, ccusage: ccTotals, equal: JSON.stringify(oursTotals) === JSON.stringify(ccTotals), oursCost: ours.totals.cost_usd, ccusageCost: ccCost },
    }, RESULT_FILE);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
