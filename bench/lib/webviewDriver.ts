import type { Browser, CDPSession, Frame, Page } from 'playwright-core';
import type { BenchServer } from './webviewServer';

/*
 * One run of the webview benchmark. The driver page (the host's stand-in, see webviewServer.ts) holds the frames and
 * posts them into an iframe holding the page under test, which Chromium runs in a process of its own; a probe in that
 * iframe (plain JavaScript in a string: tsx would add a `__name` helper to inner function names, which the page does
 * not have) records long tasks and long animation frames, the JS heap peak, and when the page has rendered
 * everything: `document.body.dataset.rendered` equal to the item count after the last message arrived (`dom`), and
 * the end of the next rendered frame (`painted`). The run is traced; `bench-start` (driver) and `bench-end` (page)
 * marks delimit it.
 */

const PROBE = `(() => {
  const P = window.__probe = { longtasks: [], loafs: [], delivered: 0, total: -1, expect: -1, done: false, heapPeak: 0, t: {} };
  const now = () => performance.timeOrigin + performance.now();
  new PerformanceObserver((list) => { for (const e of list.getEntries()) P.longtasks.push([performance.timeOrigin + e.startTime, e.duration]); }).observe({ type: 'longtask' });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) P.loafs.push({
      start: performance.timeOrigin + e.startTime, dur: e.duration, blocking: e.blockingDuration,
      styleLayout: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
      scripts: e.scripts.map((s) => ({ dur: s.duration, invoker: s.invoker, fn: s.sourceFunctionName, forcedLayout: s.forcedStyleAndLayoutDuration })),
    });
  }).observe({ type: 'long-animation-frame' });
  const heap = () => { const m = performance.memory; if (m && m.usedJSHeapSize > P.heapPeak) P.heapPeak = m.usedJSHeapSize; };
  const finish = (timedOut) => { if (P.done) return; P.t.painted = now(); P.timedOut = timedOut; performance.mark('bench-end'); P.done = true; P.resolve(); };
  const check = () => {
    if (P.t.dom || P.total < 0 || P.delivered < P.total || document.body.dataset.rendered !== String(P.expect)) return;
    P.t.dom = now();
    heap();
    requestAnimationFrame(() => { const ch = new MessageChannel(); ch.port1.onmessage = () => finish(false); ch.port2.postMessage(0); });
  };
  new MutationObserver(check).observe(document.body, { attributes: true, attributeFilter: ['data-rendered'] });
  window.addEventListener('message', () => { P.delivered++; heap(); check(); });
  P.arm = (total, expect, timeoutMs) => {
    Object.assign(P, { total, expect, delivered: 0, longtasks: [], loafs: [], heapPeak: 0, t: {}, done: false });
    P.finished = new Promise((resolve) => { P.resolve = resolve; });
    setTimeout(() => finish(true), timeoutMs);
  };
  P.collect = (from) => ({
    timedOut: !!P.timedOut, domMs: (P.t.dom || P.t.painted) - from, paintedMs: P.t.painted - from, heapPeak: P.heapPeak,
    longtasks: P.longtasks.filter((x) => x[0] >= from && x[0] <= P.t.painted).map((x) => [x[0] - from, x[1]]),
    loafs: P.loafs.filter((x) => x.start >= from && x.start <= P.t.painted).map((x) => ({ ...x, start: x.start - from })),
  });
})();`;

/** Trace categories: top-level tasks, DevTools' timeline events (script, style, layout, paint), GC, our marks. */
const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8', 'disabled-by-default-v8.gc'];

/** What one run recorded in the page, and the trace. */
export interface PageRun {
  /** Whether the page was stopped before it had rendered everything (the times are then when it was stopped). */
  timedOut: boolean;
  /** ms from the first message posted: last message posted, everything in the DOM, the next frame rendered. */
  lastPostedMs: number;
  domMs: number;
  paintedMs: number;
  /** Long tasks (Long Tasks API) of the page in the window: [start ms from the first message, duration ms]. */
  longtasks: [number, number][];
  loafs: { start: number; dur: number; blocking: number; styleLayout: number; scripts: { dur: number; invoker: string; fn: string; forcedLayout: number }[] }[];
  /** The longest task (Long Tasks API) of the warm-up: the page's first render, with nothing compiled yet. */
  coldLongestMs: number;
  /** Highest `performance.memory.usedJSHeapSize` sampled while streaming (bytes). */
  heapPeak: number;
  /** JS heap used after a GC (bytes): before the run, and after it. */
  heapBefore: number;
  heapRetained: number;
  /** DOM nodes (elements and text) in the page's process after the run. */
  domNodes: number;
  /** Chromium's own counters over the run (Performance.getMetrics deltas), in ms or counts. */
  metrics: Record<string, number>;
  trace: Buffer;
}

/** What a run streams: the frames loaded in the driver under `key`, with their message count and warm-up messages. */
export interface RunInput {
  key: string;
  messages: number;
  items: number;
  mode: 'steady' | 'burst';
  /** Posted and rendered before the run (the last one a `reset` to an empty thread), so the code is compiled. */
  warmup: unknown[][];
  timeoutMs: number;
}

const METRICS = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration', 'LayoutCount', 'RecalcStyleCount'];

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

async function gcHeap(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

/** Opens the driver page (with the stand-in for `acquireVsCodeApi` in every frame) and loads the frames into it. */
export async function openDriver(browser: Browser, server: BenchServer, sets: Record<string, readonly string[]>): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 920, height: 820 } });
  await page.addInitScript(`window.__sent = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__sent.push(m), getState: () => undefined, setState: () => {} });`);
  await page.goto(server.driverUrl);
  for (const [key, frames] of Object.entries(sets)) await page.evaluate(`window.__bench.load(${JSON.stringify(key)}, ${JSON.stringify(server.offer(key, frames))})`);
  return page;
}

async function untilRendered(frame: Frame, n: number): Promise<void> {
  await frame.waitForFunction((k) => document.body.dataset.rendered === String(k), n, { timeout: 30_000 });
}

/** Loads `url` in a fresh iframe of the driver page, warms it up, then streams the frames into it, traced. */
export async function runPage(browser: Browser, driver: Page, url: string, input: RunInput): Promise<PageRun> {
  await driver.evaluate(`window.__bench.open(${JSON.stringify(url)})`);
  const frame = driver.frames().find((f) => f.url() === url);
  if (!frame) throw new Error(`no frame for ${url}`);
  if (url.endsWith('/panel')) await frame.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'ready'));
  await frame.evaluate(PROBE);
  for (const step of input.warmup) {
    await driver.evaluate((ms) => (window as unknown as { __bench: { send(m: unknown[]): void } }).__bench.send(ms), step);
    const last = step[step.length - 1] as { type: string; items?: unknown[] };
    await untilRendered(frame, last.type === 'reset' ? (last.items?.length ?? 0) : 0);
  }
  const coldLongestMs = (await frame.evaluate('Math.max(0, ...window.__probe.longtasks.map((x) => x[1]))')) as number;

  const cdp = await driver.context().newCDPSession(frame);
  await cdp.send('Performance.enable');
  const heapBefore = await gcHeap(cdp);
  const m0 = await metrics(cdp);
  await browser.startTracing(driver, { categories: TRACE_CATEGORIES });
  await frame.evaluate(`window.__probe.arm(${input.messages}, ${input.items}, ${input.timeoutMs})`);
  await driver.evaluate(`window.__bench.start(${JSON.stringify(input.key)}, ${JSON.stringify(input.mode)})`);
  await frame.evaluate('window.__probe.finished'); // one call that resolves when the probe is done: no polling in the page
  const trace = await browser.stopTracing();
  const m1 = await metrics(cdp);
  const t = (await driver.evaluate('window.__bench.t')) as { start: number; lastPosted?: number };
  const got = (await frame.evaluate(`window.__probe.collect(${t.start})`)) as Omit<PageRun, 'lastPostedMs' | 'coldLongestMs' | 'heapBefore' | 'heapRetained' | 'domNodes' | 'metrics' | 'trace'>;
  const heapRetained = await gcHeap(cdp);
  await cdp.detach();
  const delta: Record<string, number> = {};
  for (const k of METRICS) delta[k] = Math.round(((m1[k] ?? 0) - (m0[k] ?? 0)) * (k.endsWith('Duration') ? 1000 : 1));
  const lastPostedMs = (t.lastPosted ?? t.start + got.paintedMs) - t.start;
  return { ...got, lastPostedMs, coldLongestMs, heapBefore, heapRetained, domNodes: m1.Nodes ?? 0, metrics: delta, trace };
}
