import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ThreadReducer } from '../src/core/threadReducer';
import { replayRollout } from '../src/node/rolloutReader';
import { SessionIndex } from '../src/node/sessionIndex';
import { generateBigRollout } from './lib/bigRollout';
import { generateCodexHome, settle, type GeneratedHome } from './lib/codexHome';
import { reportHistoryBench, type Run } from './lib/historyReport';
import { MB, fmtMB, fullGc, measure } from './lib/measure';
import { loadRolloutTemplates } from './lib/rolloutTemplates';
import type { BenchReport } from './lib/types';

/*
 * The session history: a generated CODEX_HOME of BENCH_HISTORY_SESSIONS (10,000) corpus-made sessions and a
 * BENCH_HISTORY_MB (100) MB rollout per CLI generation of BENCH_HISTORY_ROLLOUTS (0.169.0 and 0.100.0), all in a
 * temp dir that is removed at the end.
 *  - skeleton: `SessionIndex.scan()` against a bare recursive readdir + stat walk of the same tree;
 *  - titles: `refresh()` of a new index with a new cache file (cold), then of new indexes loading the saved cache (warm);
 *  - replay: `replayRollout` of each big file into a `ThreadReducer` (time to the first item event and to the end)
 *    against streaming the file and JSON.parse of every line, and against readFile + split + JSON.parse.
 * The files are in the OS page cache (just written): "cold" means no metadata cache, not a cold disk.
 * Knobs: BENCH_HISTORY_SESSIONS, BENCH_HISTORY_MB, BENCH_RUNS (measured runs of the quick contenders, default 5).
 */

const SESSIONS = Number(process.env.BENCH_HISTORY_SESSIONS ?? 10_000);
const TARGET_MB = Number(process.env.BENCH_HISTORY_MB ?? 100);
/** CLI generations whose main run is grown into a big rollout: with and without 0.169's CommandExecution records. */
const ROLLOUT_VERSIONS = (process.env.BENCH_HISTORY_ROLLOUTS ?? '0.169.0,0.100.0').split(',').filter(Boolean);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
/** Slow contenders (a cold index, a 100 MB replay) get fewer runs. */
const SLOW_RUNS = Math.min(RUNS, 3);
const CHUNK = 256 * 1024; // what replayRollout reads with
const RESULT_FILE = fileURLToPath(new URL('./results/history.json', import.meta.url));

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Times `fn` while watching how long the event loop was blocked at most (the UI's responsiveness). */
async function timed<T>(fn: (t0: number) => Promise<T>): Promise<Run & { value: T }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  // Watched inside the measured function only: the full collections measure() runs around it block too.
  const m = await measure(async () => {
    h.enable();
    try {
      return await fn(performance.now());
    } finally {
      h.disable();
    }
  });
  return { ms: m.ms, cpuMs: m.cpuMs, maxBlockMs: h.max / 1e6, heapGrowth: m.memory.heapGrowth, rssGrowth: m.memory.rssGrowth, retainedHeap: m.retainedHeap, value: m.value };
}

/** The figures of a {@link timed} run without its value, so keeping them does not keep the value alive. */
function figuresOf<T>({ value: _value, ...run }: Run & { value: T }): Run {
  return run;
}

/** Runs each contender once per round in rotating order (round 0 warms up); returns the measured runs by name. */
async function rounds(label: string, runs: number, contenders: Record<string, () => Promise<Run>>): Promise<Record<string, Run[]>> {
  const names = Object.keys(contenders);
  const out: Record<string, Run[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round <= runs; round++) {
    const times: string[] = [];
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length] as string;
      const r = await (contenders[name] as () => Promise<Run>)();
      if (round > 0) out[name]?.push(r);
      times.push(`${name} ${r.ms.toFixed(0)} ms`);
    }
    log(`  ${label} round ${round}${round ? '' : ' (warm-up)'}: ${times.join(', ')}`);
  }
  return out;
}

/** The baseline of the skeleton: every folder listed, every file stat-ed, nothing parsed. */
async function bareWalk(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  const counts = await Promise.all(entries.map(async (e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return bareWalk(p);
    await stat(p);
    return 1;
  }));
  return counts.reduce((a, b) => a + b, 0);
}

function expect(what: string, got: number, want: number): void {
  if (got !== want) throw new Error(`${what}: got ${got}, expected ${want}`);
}

async function benchSkeleton(home: GeneratedHome): Promise<Record<string, Run[]>> {
  const index = new SessionIndex({ codexHome: home.home, cacheFile: null });
  return rounds('skeleton', RUNS, {
    scan: async () => {
      const r = await timed(() => index.scan());
      expect('scan()', r.value.length, home.sessions);
      return figuresOf(r);
    },
    walk: async () => {
      const r = await timed(async () => (await bareWalk(join(home.home, 'sessions'))) + (await bareWalk(join(home.home, 'archived_sessions'))));
      expect('readdir + stat walk', r.value, home.sessions);
      return figuresOf(r);
    },
  });
}

/** A refresh of a new index on `cacheFile`, checked: every session with a title, read from disk or from the cache. */
async function refreshRun(home: GeneratedHome, cacheFile: string, expectRead: number): Promise<Run & { firstSessionMs: number }> {
  const index = new SessionIndex({ codexHome: home.home, cacheFile });
  let firstSessionMs = 0;
  let read = -1;
  const r = await timed((t0) => index.refresh({
    onSession: () => (firstSessionMs ||= performance.now() - t0),
    onProgress: (p) => (read = p.read),
  }));
  const sessions = index.sessions();
  expect('sessions indexed', sessions.length, home.sessions);
  expect('heads read', read, expectRead);
  expect('sessions without a title', sessions.filter((s) => !s.title).length, 0);
  const save = performance.now();
  await index.save();
  return { ...figuresOf(r), firstSessionMs, saveMs: performance.now() - save };
}

async function benchTitles(home: GeneratedHome, dir: string): Promise<{ cold: Run[]; warm: Run[]; cacheBytes: number }> {
  const cold: Run[] = [];
  for (let i = 0; i < SLOW_RUNS; i++) {
    const r = await refreshRun(home, join(dir, `cache-cold-${i}.json`), home.sessions);
    log(`  titles cold run ${i + 1}: ${r.ms.toFixed(0)} ms (first session after ${r.firstSessionMs.toFixed(0)} ms, save ${r.saveMs?.toFixed(0)} ms)`);
    cold.push(r);
  }
  const cacheFile = join(dir, 'cache-cold-0.json');
  const warm: Run[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const r = await refreshRun(home, cacheFile, 0);
    log(`  titles warm run ${i}${i ? '' : ' (warm-up)'}: ${r.ms.toFixed(0)} ms`);
    if (i > 0) warm.push(r);
  }
  return { cold, warm, cacheBytes: statSync(cacheFile).size };
}

/** Ours: the replay into a reducer, with the time of the first event that carries an item. */
async function replayOurs(file: string): Promise<Run> {
  let firstMs = 0;
  let items = 0;
  const r = await timed(async (t0) => {
    const res = await replayRollout(file, new ThreadReducer(), {
      onEvent: (e) => {
        if ('item' in e && !firstMs) firstMs = performance.now() - t0;
      },
    });
    items = res.state.items.length;
    if (res.state.skipped_lines + res.state.unknown_events) throw new Error(`replay: ${res.state.skipped_lines} skipped, ${res.state.unknown_events} unknown`);
    return res.state; // kept until measured, so retained heap shows what the state holds
  });
  return { ...figuresOf(r), firstMs, count: items };
}

/** Baseline: the file streamed in the same chunks, split at line breaks, every line JSON.parse-d. */
async function replayParse(file: string): Promise<Run> {
  let firstMs = 0;
  const r = await timed(async (t0) => {
    const decoder = new TextDecoder();
    let partial = '';
    let n = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: CHUNK })) {
      const text = partial + decoder.decode(chunk as Buffer, { stream: true });
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; start = nl + 1, nl = text.indexOf('\n', start)) {
        if (typeof JSON.parse(text.slice(start, nl)) === 'object') n++;
        if (!firstMs) firstMs = performance.now() - t0;
      }
      partial = text.slice(start);
    }
    return n;
  });
  return { ...figuresOf(r), firstMs, count: r.value };
}

/** Reference: the whole file read, split and JSON.parse-d (nothing before the end). */
async function replayReadFile(file: string): Promise<Run> {
  const r = await timed(async () => {
    const lines = readFileSync(file, 'utf8').split('\n');
    let n = 0;
    for (const l of lines) if (l !== '' && typeof JSON.parse(l) === 'object') n++;
    return n;
  });
  return { ...figuresOf(r), count: r.value };
}

/** Builds the home and the big rollout in a temp dir, measures, reports, and removes everything. */
export async function run(): Promise<BenchReport> {
  if (!fullGc()) log('warning: run node with --expose-gc for comparable memory figures');
  const dir = mkdtempSync(join(tmpdir(), 'codex-history-bench-'));
  try {
    const templates = loadRolloutTemplates();
    const home = generateCodexHome(join(dir, 'home'), templates, SESSIONS);
    log(`home: ${home.sessions} sessions (${home.archived} archived, ${home.flat} flat 0.1.x) over ${home.days} days ` +
      `${home.firstDay} → ${home.lastDay}, ${fmtMB(home.bytes)}; sizes median ${(home.sizes.median / 1e3).toFixed(0)} KB, ` +
      `p99 ${(home.sizes.p99 / 1e3).toFixed(0)} KB, max ${fmtMB(home.sizes.max)}; by CLI ${JSON.stringify(home.byVersion)}; ` +
      `generated in ${(home.ms / 1000).toFixed(1)} s`);
    await settle();
    const skeleton = await benchSkeleton(home);
    const titles = await benchTitles(home, dir);

    const replays = [];
    for (const version of ROLLOUT_VERSIONS) {
      const big = generateBigRollout(join(dir, `big-${version}.jsonl`), templates, TARGET_MB * MB, version);
      log(`big rollout: ${fmtMB(big.bytes)}, ${big.lines} lines, ${big.repetitions} repetitions of ${big.template}`);
      const runs = await rounds(`replay ${version}`, SLOW_RUNS, {
        ours: () => replayOurs(big.path),
        parse: () => replayParse(big.path),
        readFile: () => replayReadFile(big.path),
      });
      for (const r of [...(runs.parse ?? []), ...(runs.readFile ?? [])]) expect('lines parsed', r.count ?? 0, big.lines);
      rmSync(big.path);
      replays.push({ version, big, runs });
    }

    return reportHistoryBench({ home, skeleton, titles, replays, config: { sessions: SESSIONS, targetMB: TARGET_MB, runs: RUNS, slowRuns: SLOW_RUNS, chunk: CHUNK } }, RESULT_FILE);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
