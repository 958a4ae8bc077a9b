import { ThreadReducer } from '../../src/core/threadReducer';
import { PanelFeed } from '../../src/core/panelFeed';
import type { HostMessage, TaskHeader } from '../../src/shared/protocol';
import type { ThreadEvent, ThreadState } from '../../src/shared/threadModel';
import type { GeneratedThread } from './webviewThread';

/*
 * The host side of the webview benchmark: the thread's events through the real ThreadReducer (so outputs are capped
 * as in the extension) and the real PanelFeed of `src/vscode/taskPanel.ts` (src/core/panelFeed.ts): each 16 ms frame
 * posts what the feed gives for it (at most about 256 K characters: changed and new items, output pieces and deltas).
 * Messages are serialized when the frame is taken, so later mutations of the reducer's state cannot leak into them.
 */

/** The host's messages, one JSON array (`HostMessage[]`) per 16 ms frame, and the final state as a paced reset. */
export interface HostFrames {
  frames: string[];
  /** The frames a restored panel or a replay receives: a `reset`, then `update`s and output pieces. */
  resetFrames: string[];
  /** The whole final thread as one (unposted) reset, for the warm-up. */
  final: Extract<HostMessage, { type: 'reset' }>;
  items: number;
  /** Messages in `frames`. */
  messages: number;
  appends: number;
  updates: number;
  /** Characters of all messages (JSON). */
  chars: number;
  resetMessages: number;
  resetChars: number;
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

const NO_NOTICES = { skipped_lines: 0, unknown_events: 0 };

/** A reducer and the panel's feed, as in TaskPanel; counts what it posts. */
class Host {
  readonly reducer = new ThreadReducer();
  readonly feed = new PanelFeed();
  appendCount = 0;
  updateCount = 0;
  messageCount = 0;

  constructor(private readonly replay = false) {}

  event(e: ThreadEvent): void {
    this.reducer.apply(e);
    this.feed.event(e);
  }

  /** One frame's messages as JSON, or null when the feed had nothing to send. */
  frame(): string | null {
    const s = this.reducer.state;
    const out = this.feed.frame(s, { header: header(s, this.replay), failure: null, notices: NO_NOTICES });
    if (!out.length) return null;
    for (const m of out) {
      if (m.type === 'append') this.appendCount++;
      else this.updateCount++;
    }
    this.messageCount += out.length;
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
  const b = new Host();
  const frames: string[] = [];
  let pending = 0; // events applied since the last flush
  let quota = 0;
  const flush = (): void => {
    if (pending || b.feed.busy) {
      const f = b.frame();
      if (f) frames.push(f);
    }
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
  while (b.feed.busy) flush();
  const s = b.reducer.state;
  // The replay: the final thread into a fresh panel.
  const r = new Host(true);
  const resetFrames: string[] = [];
  const replayState = { items: s.items, turns: s.turns };
  do {
    const out = r.feed.frame(replayState, { header: header(s, true), failure: null, notices: NO_NOTICES });
    r.messageCount += out.length;
    if (out.length) resetFrames.push(JSON.stringify(out));
  } while (r.feed.busy);
  const final = { type: 'reset' as const, items: s.items, turns: s.turns, header: header(s, true), failure: null, notices: NO_NOTICES };
  const chars = frames.reduce((n, f) => n + f.length, 0);
  return {
    frames, resetFrames, final, items: s.items.length, messages: b.messageCount, appends: b.appendCount, updates: b.updateCount, chars,
    resetMessages: r.messageCount, resetChars: resetFrames.reduce((n, f) => n + f.length, 0),
  };
}
