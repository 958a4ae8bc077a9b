import { performance } from 'node:perf_hooks';

/** Bytes per MB as reported by the benchmarks (decimal, like disk and network throughput). */
export const MB = 1e6;

/** Runs a full garbage collection when node was started with `--expose-gc`; returns whether it could. */
export function fullGc(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  gc();
  gc(); // a second pass collects what the first one's finalizers released
  return true;
}

/** Peak memory seen while a {@link MemorySampler} ran, relative to the moment it started. */
export interface MemoryPeak {
  /** Highest `rss` minus `rss` at start (bytes). */
  rssGrowth: number;
  /** Highest `heapUsed` minus `heapUsed` at start (bytes). */
  heapGrowth: number;
  /** Highest `external + arrayBuffers` minus the value at start (bytes): Buffers held outside the JS heap. */
  externalGrowth: number;
  /** How many samples were taken (a run that never yields to the event loop gets only the first and the last). */
  samples: number;
}

/**
 * Samples `process.memoryUsage()` on a timer (default every 50 ms) and keeps the peaks. The timer only fires while
 * the measured code yields to the event loop, which stream reading does between chunks; `stop` takes a last sample.
 */
export class MemorySampler {
  /** `process.memoryUsage()` when sampling started. */
  readonly base = process.memoryUsage();
  private rss = 0;
  private heap = 0;
  private external = 0;
  private samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 50) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.sample();
  }

  private sample(): void {
    const m = process.memoryUsage();
    this.samples++;
    this.rss = Math.max(this.rss, m.rss - this.base.rss);
    this.heap = Math.max(this.heap, m.heapUsed - this.base.heapUsed);
    this.external = Math.max(this.external, m.external + m.arrayBuffers - this.base.external - this.base.arrayBuffers);
  }

  /** Stops sampling and returns the peaks. */
  stop(): MemoryPeak {
    this.sample();
    clearInterval(this.timer);
    return { rssGrowth: this.rss, heapGrowth: this.heap, externalGrowth: this.external, samples: this.samples };
  }
}

/** One timed, memory-sampled run. */
export interface Measured<T> {
  ms: number;
  /** CPU time of the process (all threads: main, GC helpers, libuv pool) during the run; steadier than `ms` on a busy machine. */
  cpuMs: number;
  memory: MemoryPeak;
  /** Heap growth still held after the run and a full GC, i.e. what the returned value keeps alive (bytes). */
  retainedHeap: number;
  value: T;
}

/** Collects garbage, then times `fn` while sampling memory; then collects again to see what its result retains. */
export async function measure<T>(fn: () => Promise<T> | T): Promise<Measured<T>> {
  fullGc();
  const sampler = new MemorySampler();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const memory = sampler.stop();
  fullGc();
  const retainedHeap = Math.max(0, process.memoryUsage().heapUsed - sampler.base.heapUsed);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, memory, retainedHeap, value };
}

/** The figures of a run without its value, so keeping them does not keep the value alive. */
export function withoutValue<T>(m: Measured<T>): Measured<null> {
  return { ms: m.ms, cpuMs: m.cpuMs, memory: m.memory, retainedHeap: m.retainedHeap, value: null };
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** `bytes` as MB with one decimal. */
export function fmtMB(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

/** A plain-text table with right-aligned numeric columns. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
