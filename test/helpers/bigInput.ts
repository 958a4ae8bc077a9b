import assert from 'node:assert/strict';
import type { ExecPipeline } from '../../src/core/execPipeline';
import { DEFAULT_MAX_OUTPUT_CHARS, omissionMarker } from '../../src/shared/outputCap';
import type { CommandExecutionItem, ThreadState } from '../../src/shared/threadModel';
import { describeMeasured, turn, type Measured } from './measure';

export const MB = 2 ** 20;
/** The chunk size of a pipe or a file stream. */
export const CHUNK = 64 * 1024;

/**
 * Bounds asserted by the size tests. Event-loop delay is wall time, and this machine's 2 cores are shared with other
 * test runs, so it gets room for contention; the CPU time of the longest synchronous step is the tight bound (the old
 * code spent ~240 ms at once on a 50 MB line).
 */
export const BOUNDS = { maxDelayMs: 400, maxStepCpuMs: 100, keptMb: 32, peakMb: 160 };

/** The chunks of `prefix`, then `size` bytes of `fill`, then `suffix`, 64 KiB at a time (never held whole). */
export function* generated(prefix: string, size: number, fill: string, suffix: string): Generator<Buffer> {
  yield Buffer.from(prefix);
  const block = Buffer.from(fill.repeat(Math.ceil(CHUNK / fill.length)).slice(0, CHUNK));
  for (let left = size; left > 0; left -= CHUNK) yield left >= CHUNK ? block : block.subarray(0, left);
  yield Buffer.from(suffix);
}

/**
 * The longest time the main thread spent in one step, in ms. Node 20 cannot measure one thread's CPU: the process's
 * CPU time also counts V8's parallel GC threads (it can exceed the wall time), and wall time also counts waiting for
 * a core other test runs hold. Both are upper bounds of the main thread's time, so the smaller one is taken.
 */
export class StepTimer {
  max = 0;
  private last = process.cpuUsage();
  private lastWall = performance.now();

  /** Starts a step. */
  start(): void {
    this.last = process.cpuUsage();
    this.lastWall = performance.now();
  }

  /** Ends a step. */
  stop(): void {
    const d = process.cpuUsage(this.last);
    this.max = Math.max(this.max, Math.min((d.user + d.system) / 1000, performance.now() - this.lastWall));
  }
}

/** Feeds chunks as a stream delivers them: one write per chunk, a turn of the event loop between. */
export async function feed(p: ExecPipeline, chunks: Iterable<Buffer>, sample: () => void, steps: StepTimer): Promise<ThreadState> {
  let n = 0;
  for (const c of chunks) {
    steps.start();
    p.write(c);
    steps.stop();
    if (++n % 16 === 0) sample();
    await turn();
  }
  steps.start();
  const s = p.end();
  steps.stop();
  return s;
}

export const START = '{"type":"thread.started","thread_id":"t"}\n{"type":"turn.started"}\n';
export const DONE = '\n{"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":0,"output_tokens":1}}\n';

/** Prints the figures and checks them against {@link BOUNDS} (`steps`: null where steps cannot be told apart). */
export function checkBounds(name: string, m: Measured<unknown>, steps: StepTimer | null, bounds = BOUNDS): void {
  console.log(`      ${describeMeasured(name, m)}${steps ? `, longest step ${steps.max.toFixed(0)} ms` : ''}`);
  assert.ok(m.maxDelayMs < bounds.maxDelayMs, `${name}: the event loop was blocked ${m.maxDelayMs.toFixed(0)} ms`);
  if (steps) assert.ok(steps.max < bounds.maxStepCpuMs, `${name}: one step took ${steps.max.toFixed(0)} ms of the main thread`);
  assert.ok(m.heapAfterMb - m.heapBeforeMb < bounds.keptMb, `${name}: the state keeps ${(m.heapAfterMb - m.heapBeforeMb).toFixed(0)} MB`);
  assert.ok(m.peakHeapMb - m.heapBeforeMb < bounds.peakMb, `${name}: the heap peaked ${(m.peakHeapMb - m.heapBeforeMb).toFixed(0)} MB above its start`);
}

/**
 * A command whose output of `total` characters was capped: shown, within the cap, head and tail kept, the cut counted
 * exactly and marked (the panel's notice comes from `output_truncated_chars`).
 */
export function checkCapped(c: CommandExecutionItem | undefined, total: number): void {
  assert.ok(c && c.type === 'command_execution', 'the command is shown');
  assert.ok(c.aggregated_output.length <= DEFAULT_MAX_OUTPUT_CHARS, `${c.aggregated_output.length} characters kept`);
  assert.ok(c.aggregated_output.startsWith('HEAD') && c.aggregated_output.endsWith('TAIL'), 'head and tail kept');
  assert.equal(c.output_truncated_chars, total - (c.aggregated_output.length - omissionMarker(c.output_truncated_chars ?? 0).length), 'the cut is counted exactly');
  assert.ok(c.aggregated_output.includes(omissionMarker(c.output_truncated_chars!)), 'the cut is marked in the text');
}
