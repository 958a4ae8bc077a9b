import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
/** A full garbage collection (exposed at run time, so no `--expose-gc` flag is needed). */
export const gc = runInNewContext('gc') as () => void;

/** Heap in use after a full collection, in MB. */
export function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** What {@link measure} saw. */
export interface Measured<T> {
  value: T;
  ms: number;
  /** Longest the event loop was blocked while `fn` ran (ms, 10 ms resolution). */
  maxDelayMs: number;
  p99DelayMs: number;
  /** Heap (after a full collection) before and after, and the highest heap sampled while running (no collection). */
  heapBeforeMb: number;
  heapAfterMb: number;
  peakHeapMb: number;
}

/**
 * Runs `fn`, measuring event-loop delay (the longest synchronous stretch), the heap it leaves behind, and the peak heap
 * (sampled every 20 ms and whenever `sample` is called).
 */
export async function measure<T>(fn: (sample: () => void) => Promise<T>): Promise<Measured<T>> {
  const heapBeforeMb = heapMb();
  let peak = heapBeforeMb;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().heapUsed / 2 ** 20);
  };
  const timer = setInterval(sample, 20);
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const t0 = performance.now();
  let value: T;
  try {
    value = await fn(sample);
  } finally {
    h.disable();
    clearInterval(timer);
  }
  const ms = performance.now() - t0;
  sample();
  return { value, ms, maxDelayMs: h.max / 1e6, p99DelayMs: h.percentile(99) / 1e6, heapBeforeMb, heapAfterMb: heapMb(), peakHeapMb: peak };
}

/** One line for the report. */
export function describeMeasured(name: string, m: Measured<unknown>): string {
  return `${name}: ${(m.ms / 1000).toFixed(2)} s, event loop max delay ${m.maxDelayMs.toFixed(0)} ms (p99 ${m.p99DelayMs.toFixed(0)} ms), heap ${m.heapBeforeMb.toFixed(0)} → peak ${m.peakHeapMb.toFixed(0)} → ${m.heapAfterMb.toFixed(0)} MB`;
}

/** Yields to the event loop (what a stream does between chunks). */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
