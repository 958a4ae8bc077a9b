import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { RolloutReplay, type RolloutReplayOptions } from '../core/rolloutReplay';
import type { RolloutSession } from '../core/rolloutSession';
import type { ThreadReducer } from '../core/threadReducer';
import type { ThreadState } from '../shared/threadModel';

export { DEFAULT_HEAD_BYTES } from '../core/rolloutSession';

export { readRolloutHead, type RolloutHead } from './headReader';

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
