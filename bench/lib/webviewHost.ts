import { ThreadReducer } from '../../src/core/threadReducer';
import type { HostMessage, IndexedItem, TaskHeader } from '../../src/shared/protocol';
import type { ThreadItem } from '../../src/shared/threadModel';
import type { ThreadEvent, ThreadState } from '../../src/shared/threadModel';
import type { GeneratedThread } from './webviewThread';

/*
 * The host side of the webview benchmark: the thread's events through the real ThreadReducer (so outputs are capped
 * as in the extension) and the batching of `src/vscode/taskPanel.ts` (which imports vscode, so its logic is mirrored
 * here): output deltas of an item the page already has become `append` messages, every other change marks the item
 * dirty, and each 16 ms frame posts the appends and one `update` with the dirty items. Messages are serialized when
 * the frame is flushed, so later mutations of the reducer's state (turns are updated in place) cannot leak into them.
 */

/** The host's messages, one JSON array (`HostMessage[]`) per 16 ms frame, and the final state as one `reset`. */
export interface HostFrames {
  frames: string[];
  /** A `reset` with the whole final thread: what a restored panel or a replay receives. */
  reset: string;
  items: number;
  /** Messages in `frames`. */
  messages: number;
  appends: number;
  updates: number;
  /** Characters of all messages (JSON). */
  chars: number;
}

const EPOCH = Date.UTC(2026, 0, 1);

function header(s: ThreadState, replay: boolean): TaskHeader {
  const running = s.status === 'running' && !replay;
  return {
    title: 'Refactor the reducer and fix the failing tests', status: s.status, runningSince: running ? EPOCH : null,
    elapsedMs: running ? 0 : 3_600_000, usage: s.usage, costUsd: s.usage ? s.usage.input_tokens * 1.25e-6 : null,
    canFollowUp: !running && !replay, canStop: running, replay,
  };
}

/**
 * A prototype of a host change (`BENCH_WEBVIEW_HOST=paced`): at most `budget` characters of messages per frame, the
 * rest queued for the next frames in order. A command output over `piece` characters goes out as a prefix in the
 * item plus `append`s of the rest; a `reset` as a small reset and `update`s. The page ends in the same state, but
 * no single message takes long to receive (about 35-40 ms per MB here).
 */
class Pacer {
  private readonly queue: { m: HostMessage; size: number }[] = [];

  constructor(private readonly budget: number, private readonly piece: number) {}

  get idle(): boolean {
    return this.queue.length === 0;
  }

  push(messages: HostMessage[]): void {
    for (const m of messages) {
      if (m.type === 'append') {
        for (let at = 0; at < m.text.length; at += this.piece) this.add({ type: 'append', itemId: m.itemId, text: m.text.slice(at, at + this.piece) });
      } else if (m.type === 'update' || m.type === 'reset') {
        const list: IndexedItem[] = m.type === 'reset' ? m.items.map((item, index) => ({ index, item })) : m.items;
        const rest: HostMessage[] = [];
        const cut = list.map(({ index, item }): IndexedItem => {
          if (item.type !== 'command_execution' || item.aggregated_output.length <= this.piece) return { index, item };
          const out = item.aggregated_output;
          for (let at = this.piece; at < out.length; at += this.piece) rest.push({ type: 'append', itemId: item.id, text: out.slice(at, at + this.piece) });
          return { index, item: { ...item, aggregated_output: out.slice(0, this.piece) } };
        });
        // Groups of items under the budget; a reset keeps its type for the first group only.
        let group: IndexedItem[] = [];
        let size = 0;
        let first = m.type === 'reset';
        const emit = (): void => {
          const common = { turns: m.turns, header: m.header, failure: m.failure, notices: m.notices };
          if (first) this.add({ ...common, type: 'reset', items: group.map((x) => x.item) as ThreadItem[] });
          else this.add({ ...common, type: 'update', items: group });
          first = false;
          group = [];
          size = 0;
        };
        for (const x of cut) {
          const n = JSON.stringify(x).length;
          if (group.length && size + n > this.budget) emit();
          group.push(x);
          size += n;
        }
        if (group.length || first || list.length === 0) emit();
        for (const r of rest) this.add(r);
      } else this.add(m);
    }
  }

  /** The messages of the next frame: in order, up to the budget (at least one). */
  take(): HostMessage[] {
    const out: HostMessage[] = [];
    let size = 0;
    while (this.queue.length && (out.length === 0 || size + (this.queue[0]?.size ?? 0) <= this.budget)) {
      const q = this.queue.shift()!;
      out.push(q.m);
      size += q.size;
    }
    return out;
  }

  private add(m: HostMessage): void {
    this.queue.push({ m, size: JSON.stringify(m).length });
  }
}

/** Repacks frames (JSON arrays of messages) with a {@link Pacer}: a frame can carry only what arrived by then. */
export function paceFrames(frames: readonly string[], budget = 256_000, piece = 128_000): { frames: string[]; messages: number } {
  const pacer = new Pacer(budget, piece);
  const out: string[] = [];
  let messages = 0;
  for (let k = 0; k < frames.length || !pacer.idle; k++) {
    if (k < frames.length) pacer.push(JSON.parse(frames[k] ?? '[]') as HostMessage[]);
    const frame = pacer.take();
    messages += frame.length;
    out.push(JSON.stringify(frame));
  }
  return { frames: out, messages };
}

/** Mirrors TaskPanel's `dirty` / `appends` / `sent` bookkeeping over one reducer. */
class Batcher {
  readonly reducer = new ThreadReducer();
  private readonly dirty = new Set<string>();
  private readonly appends = new Map<string, string>();
  private readonly sent = new Set<string>();
  appendCount = 0;
  updateCount = 0;

  event(e: ThreadEvent): void {
    this.reducer.apply(e);
    if (e.type === 'item.output_delta') {
      if (this.sent.has(e.item_id) && !this.dirty.has(e.item_id)) this.appends.set(e.item_id, (this.appends.get(e.item_id) ?? '') + e.delta);
      else this.dirty.add(e.item_id);
    } else if (e.type === 'item.started' || e.type === 'item.updated' || e.type === 'item.completed') {
      this.dirty.add(e.item.id);
      this.appends.delete(e.item.id);
    }
  }

  flush(): string {
    const state = this.reducer.state;
    const out: HostMessage[] = [];
    for (const [itemId, text] of this.appends) out.push({ type: 'append', itemId, text });
    this.appendCount += this.appends.size;
    this.appends.clear();
    const items: IndexedItem[] = [];
    state.items.forEach((item, index) => {
      if (this.dirty.has(item.id)) {
        items.push({ index, item });
        this.sent.add(item.id);
      }
    });
    this.dirty.clear();
    out.push({ type: 'update', items, turns: state.turns, header: header(state, false), failure: null, notices: { skipped_lines: 0, unknown_events: 0 } });
    this.updateCount++;
    return JSON.stringify(out);
  }
}

/**
 * Lays the thread's ops out on `totalFrames` frames of 16 ms: each stream op gets frames of its own (start, one per
 * delta, end), and the instant ops share the remaining frames evenly, so items arrive at a steady rate.
 */
export function hostFrames(thread: GeneratedThread, totalFrames: number): HostFrames {
  const streamFrames = thread.ops.reduce((n, op) => n + (op.kind === 'stream' ? op.deltas.length + 1 : 0), 0);
  const instants = thread.ops.length - thread.ops.filter((op) => op.kind === 'stream').length;
  const perFrame = instants / Math.max(1, totalFrames - streamFrames);
  const b = new Batcher();
  const frames: string[] = [];
  let pending = 0; // events applied since the last flush
  let quota = 0;
  const flush = (): void => {
    if (pending) frames.push(b.flush());
    pending = 0;
  };
  for (const op of thread.ops) {
    if (op.kind === 'instant') {
      for (const e of op.events) b.event(e);
      pending += op.events.length;
      if ((quota += 1) >= perFrame) {
        quota -= perFrame;
        flush();
      }
      continue;
    }
    flush();
    b.event(op.start);
    pending++;
    flush();
    for (const d of op.deltas) {
      b.event({ type: 'item.output_delta', item_id: d.itemId, delta: d.text });
      pending++;
      flush();
    }
    b.event(op.end); // shares its frame with the instant ops that follow
    pending++;
    quota = 0;
  }
  b.event({ type: 'run.ended', reason: 'exit', exit_code: 0 });
  pending++;
  flush();
  const s = b.reducer.state;
  const reset = JSON.stringify({ type: 'reset', items: s.items, turns: s.turns, header: header(s, true), failure: null, notices: { skipped_lines: 0, unknown_events: 0 } } satisfies HostMessage);
  const chars = frames.reduce((n, f) => n + f.length, 0);
  return { frames, reset, items: s.items.length, messages: b.appendCount + b.updateCount, appends: b.appendCount, updates: b.updateCount, chars };
}
