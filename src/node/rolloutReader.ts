import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { LineSplitter } from '../core/lineSplitter';
import { RolloutParser } from '../core/rolloutParser';
import { RolloutReplay, type RolloutReplayOptions } from '../core/rolloutReplay';
import { headComplete, type RolloutSession } from '../core/rolloutSession';
import type { ThreadReducer } from '../core/threadReducer';
import type { ThreadState } from '../shared/threadModel';

/** Default budget of a head read: recent CLIs put ~30 KB of instructions before the first prompt. */
export const DEFAULT_HEAD_BYTES = 1024 * 1024;

const CHUNK = 64 * 1024;

/** What a bounded read of a rollout's head found. */
export interface RolloutHead {
  session: RolloutSession;
  /** Bytes read (at most the budget, or the file's size). */
  bytes: number;
  /** Whether the read stopped because everything was found (false: the budget or the file ran out first). */
  complete: boolean;
}

/**
 * Reads a rollout from the start only until its metadata and first real prompt are known (or `maxBytes` are read),
 * through the same parser as a replay. Throws only when the file cannot be opened.
 */
export async function readRolloutHead(file: string, opts: { maxBytes?: number } = {}): Promise<RolloutHead> {
  const max = opts.maxBytes ?? DEFAULT_HEAD_BYTES;
  const parser = new RolloutParser();
  const splitter = new LineSplitter(max);
  const fh = await open(file, 'r');
  let bytes = 0;
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    while (bytes < max) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, max - bytes), bytes);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      for (const l of splitter.push(buf.subarray(0, bytesRead))) {
        parser.push(l.text);
        if (headComplete(parser.session)) return { session: parser.session, bytes, complete: true };
      }
    }
    // The last line of a file that was read whole (a file cut mid-line at the budget is not parsed).
    if (bytes < max) for (const l of splitter.end()) parser.push(l.text);
  } finally {
    await fh.close();
  }
  return { session: parser.session, bytes, complete: headComplete(parser.session) };
}

/** Options of {@link replayRollout}. */
export interface ReplayOptions extends RolloutReplayOptions {
  /** Called after every chunk with bytes read so far and the file's size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Stops the replay; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The outcome of {@link replayRollout}. */
export interface ReplayResult {
  /** The reducer's state (the same object, mutated in place). */
  state: ThreadState;
  session: RolloutSession;
  bytes: number;
}

/**
 * Replays a rollout file into `reducer`, streaming (any size), exactly as a live run goes through it: the parser's
 * normalized events are applied in order, then `run.ended` (end of input). Usage never double counts, including
 * rollouts that resumed processes appended to. To continue the thread live afterwards, call `reducer.beginRun()`.
 */
export async function replayRollout(file: string, reducer: ThreadReducer, opts: ReplayOptions = {}): Promise<ReplayResult> {
  opts.signal?.throwIfAborted();
  const total = (await stat(file)).size;
  const replay = new RolloutReplay(reducer, opts);
  const stream = createReadStream(file, { highWaterMark: 256 * 1024, ...(opts.signal ? { signal: opts.signal } : {}) });
  let bytes = 0;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    bytes += b.length;
    replay.write(b);
    opts.onProgress?.(bytes, total);
  }
  opts.signal?.throwIfAborted();
  const state = replay.end();
  return { state, session: replay.session, bytes };
}
