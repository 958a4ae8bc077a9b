import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/webviewPage';
import type { BenchReport } from './lib/types';
import { openDriver, runPage, type RunInput } from './lib/webviewDriver';
import { hostFrames, type HostFrames } from './lib/webviewHost';
import { figures, reportWebviewBench, type Contender, type RunFigures, type Scenario } from './lib/webviewReport';
import { BenchServer } from './lib/webviewServer';
import { generateThread } from './lib/webviewThread';
import { summarizeTrace } from './lib/webviewTrace';

/*
 * The task panel under a huge live thread: 10,000 items with 50 MB of command output streamed into the REAL panel
 * page (built dist/webview.js, real HTML, CSP enforced) in headless Chromium, as the host would post them, against a
 * plain page that appends the same items as text nodes in the same messages. As in VS Code, the page is a cross-origin
 * iframe (its own renderer process) and the messages come from its parent, which stands in for the host. Scenarios:
 *   steady  one frame of messages (appends + one update) every 16 ms, items arriving at a steady rate;
 *   burst   the same messages, as fast as the driver can post them;
 *   replay  the whole final thread into a fresh page (restoring a panel, replaying a session), as the host's feed
 *           sends it: a small `reset`, then a frame every 16 ms; reported, not judged.
 * Each page is warmed up first (a reset with some items, then an empty one). Measured in the page and in a Chromium
 * trace: every main-thread task (longest, count over 50 ms), time until the last item is rendered, JS heap.
 * Knobs: BENCH_WEBVIEW_ITEMS (10000), BENCH_WEBVIEW_MB (50 MB of output), BENCH_WEBVIEW_SECONDS (length of the steady
 * stream, 12), BENCH_WEBVIEW_SCENARIOS (steady,burst,replay), BENCH_WEBVIEW_TIMEOUT_S (a page not done after this long
 * is stopped and reported as such; see timeoutMs), BENCH_WEBVIEW_ASSETS (a folder whose webview.js and panel.css
 * replace the built ones: to compare a candidate with the current build). The host side is the real PanelFeed
 * (src/core/panelFeed.ts, at most about 256 K characters per frame), see lib/webviewHost.ts.
 */

const ITEMS = Number(process.env.BENCH_WEBVIEW_ITEMS ?? 10_000);
const OUTPUT_MB = Number(process.env.BENCH_WEBVIEW_MB ?? 50);
const SECONDS = Number(process.env.BENCH_WEBVIEW_SECONDS ?? 12);
const SCENARIOS = (process.env.BENCH_WEBVIEW_SCENARIOS ?? 'steady,burst,replay').split(',').filter((s): s is Scenario => ['steady', 'burst', 'replay'].includes(s));
const ASSETS = process.env.BENCH_WEBVIEW_ASSETS;
const RESULT_FILE = fileURLToPath(new URL('./results/webview.json', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Items of the warm-up reset. */
const WARMUP_ITEMS = 60;

/**
 * A page that has not rendered everything this long after the first message is stopped and reported as too slow (so
 * a slow page cannot stretch the benchmark much past two minutes): the steady stream's length + 10 s, 15 s else.
 */
function timeoutMs(scenario: Scenario): number {
  return (Number(process.env.BENCH_WEBVIEW_TIMEOUT_S) || (scenario === 'steady' ? SECONDS + 10 : 15)) * 1000;
}

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Rebuilds when `dist/webview.js` is older than the webview's sources (`npm run bench` has built already). */
function ensureBundle(): void {
  const mtime = (f: string): number => {
    try {
      return statSync(`${ROOT}${f}`).mtimeMs;
    } catch {
      return 0;
    }
  };
  const sources = ['src/webview', 'src/shared'].flatMap((d) => readdirSync(`${ROOT}${d}`).map((f) => `${d}/${f}`));
  if (Math.max(...sources.map(mtime)) > mtime('dist/webview.js')) {
    log('dist/webview.js is older than its sources: building');
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }
}

/** The warm-up: a reset with the thread's first items, then an empty one (so the run starts from an empty panel). */
function warmup(host: HostFrames): unknown[][] {
  const last = host.final;
  const items = last.items.slice(0, WARMUP_ITEMS);
  const turns = last.turns.filter((t) => t.first_item < items.length);
  return [[{ ...last, items, turns }], [{ ...last, items: [], turns: [] }]];
}

/** One contender in one scenario, in a fresh iframe of the driver page; the trace is read and dropped. */
async function runOne(browser: Browser, driver: Page, server: BenchServer, scenario: Scenario, contender: Contender, host: HostFrames, warm: unknown[][]): Promise<RunFigures> {
  const input: RunInput = {
    key: scenario === 'replay' ? 'reset' : 'stream', messages: scenario === 'replay' ? host.resetMessages : host.messages, items: host.items,
    mode: scenario === 'burst' ? 'burst' : 'steady', warmup: warm, timeoutMs: timeoutMs(scenario),
  };
  const t0 = performance.now();
  const run = await runPage(browser, driver, server.pageUrl(contender === 'ours' ? 'panel' : 'baseline'), input);
  const t1 = performance.now();
  const f = figures(scenario, contender, run, summarizeTrace(run.trace));
  const done = f.timedOut ? `NOT DONE after ${(f.paintedMs / 1000).toFixed(1)} s` : `last item at ${(f.paintedMs / 1000).toFixed(2)} s (${f.lagMs} ms after the last message)`;
  log(`  ${scenario} ${contender}: longest task ${f.longestTaskMs} ms, ${f.tasksOver50} over 50 ms, ${done}, JS heap peak ${f.heap.peakMB} MB ` +
    `[${((t1 - t0) / 1000).toFixed(1)} s; trace ${(run.trace.length / 1e6).toFixed(0)} MB read in ${((performance.now() - t1) / 1000).toFixed(1)} s]`);
  return f;
}

/** Generates the thread and the host's messages, then runs every scenario, ours and the baseline, one after the other. */
export async function run(): Promise<BenchReport> {
  if (!ASSETS) ensureBundle();
  const thread = generateThread({ items: ITEMS, turns: Math.max(1, Math.round(ITEMS / 50)), outputChars: OUTPUT_MB * 1e6, seed: 7 });
  const host = hostFrames(thread, Math.round((SECONDS * 1000) / 16));
  log(`thread: ${thread.items} items (${Object.entries(thread.kinds).map(([k, n]) => `${n} ${k}`).join(', ')}), ` +
    `${(thread.outputChars / 1e6).toFixed(1)} MB of command output (largest ${thread.hugeOutputs.map((n) => `${n / 1e6} MB`).join(', ')}; ` +
    `one is minified-bundle lines), longest message ${(thread.longestMessage / 1000).toFixed(0)} k chars`);
  log(`host: ${host.frames.length} frames (${host.updates} updates, ${host.appends} appends), ${(host.chars / 1e6).toFixed(0)} MB of messages; ` +
    `replay: ${host.resetMessages} messages in ${host.resetFrames.length} frames, ${(host.resetChars / 1e6).toFixed(0)} MB`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'] });
  const server = await BenchServer.start(ASSETS);
  const runs: RunFigures[] = [];
  try {
    const t0 = performance.now();
    const driver = await openDriver(browser, server, { stream: host.frames, reset: host.resetFrames });
    log(`driver page loaded the messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const warm = warmup(host);
    for (const scenario of SCENARIOS) {
      for (const contender of ['ours', 'baseline'] as const) runs.push(await runOne(browser, driver, server, scenario, contender, host, warm));
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const input = {
    config: {
      assets: ASSETS ?? 'dist/webview.js, media/panel.css', host: 'PanelFeed (src/core/panelFeed.ts), as src/vscode/taskPanel.ts', items: ITEMS, outputMB: OUTPUT_MB, steadySeconds: SECONDS, scenarios: SCENARIOS,
      timeoutMs: Object.fromEntries(SCENARIOS.map((sc) => [sc, timeoutMs(sc)])), viewport: '900x800', chromium: CHROMIUM, warmupItems: WARMUP_ITEMS,
    },
    thread: { items: thread.items, kinds: thread.kinds, outputChars: thread.outputChars, hugeOutputs: thread.hugeOutputs, longestMessage: thread.longestMessage },
    host: { frames: host.frames.length, updates: host.updates, appends: host.appends, messages: host.messages, messageChars: host.chars, resetChars: host.resetChars, resetFrames: host.resetFrames.length, resetMessages: host.resetMessages },
  };
  return reportWebviewBench(input, runs, RESULT_FILE, log);
}
