import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RolloutHead } from './headReader';
import { mark } from './phaseTrace';
import { readRolloutHeadAndUsage, type CachedUsage, type ReadStat } from './sessionUsage';

/*
 * A cold index with usage reads every rollout whole (780 MB for 10,000 sessions): CPU work, one file after another.
 * Here the files are shared between this thread and worker threads (`indexWorker.ts`) through one shared counter:
 * each thread takes the next file as it finishes the last, so a slow file or a late worker start never leaves a
 * thread idle, and no message is exchanged per file. Workers send what they read every {@link BATCH} files.
 * On the two vCPUs this was measured on, the second thread gained only 5 – 10% of wall time: this work does not
 * scale there (two processes, each reading half, did no better).
 */

/** A head and usage read (see `readRolloutHeadAndUsage`). */
export interface HeadAndUsage {
  head: RolloutHead;
  usage: CachedUsage;
  /** The file's stat, taken once open, for a file whose size was not known (-1). */
  stat?: ReadStat;
}

/** What a worker is sent: the files, and the counter it takes them from. */
export interface ReadWorkerData {
  files: string[];
  /** Bytes to read of each; -1: not stat'ed yet (the reader stats it once open, and refuses what is no file). */
  sizes: number[];
  headBytes: number;
  zone: string;
  /** One Int32: the index of the next file to take (shared by every thread). */
  next: SharedArrayBuffer;
}

/** A read that failed, as a worker sends it (an `Error` does not keep its `code` across threads). */
export interface ReadFailure {
  message: string;
  code?: string;
}

/** What a worker read: `[index, result]` for files it took. */
export type ReadWorkerReply = [number, HeadAndUsage | { failure: ReadFailure }][];

/** A worker's message: what it read since its last one; `done` on the last. */
export interface ReadWorkerMessage {
  results: ReadWorkerReply;
  done: boolean;
}

/**
 * Results a worker sends at once, and files this thread reads between two looks at its messages: a worker's
 * results are then copied across while both threads still read, not all at the end (~80 ms for 5,000 files).
 */
export const BATCH = 128;

/** Options of {@link readHeadsAndUsage}. */
export interface ParallelReadOptions {
  headBytes: number;
  zone: string;
  /** The built worker (`dist/cli/indexWorker.js`); none: everything is read on this thread. */
  workerScript?: string | URL;
  /** `execArgv` of the workers (tests running from sources pass a loader). */
  workerExecArgv?: string[];
  /** Worker threads to start (see {@link workerCount}). */
  workers?: number;
}

/** The young generation of a worker's heap, in MB (see {@link startWorker}). */
const WORKER_YOUNG_MB = 4;

/** Below this many files a worker's start (loading its code, ~30 ms of a core) costs more than it saves. */
const MIN_FILES_PER_WORKER = 64;
const MAX_WORKERS = 3;

/** How many workers to start for `files` reads. */
export function workerCount(files: number, cores = os.availableParallelism()): number {
  return Math.max(0, Math.min(cores - 1, MAX_WORKERS, Math.floor(files / MIN_FILES_PER_WORKER)));
}

function failureOf(e: unknown): ReadFailure {
  const err = e as NodeJS.ErrnoException;
  return { message: err?.message ?? String(e), ...(typeof err?.code === 'string' ? { code: err.code } : {}) };
}

/** An `Error` like the one the read threw (message and `code`, which the index turns into a reason). */
export function errorOf(f: ReadFailure): Error {
  return Object.assign(new Error(f.message), f.code ? { code: f.code } : {});
}

const readOne = (file: string, size: number, headBytes: number, zone: string): Promise<HeadAndUsage> =>
  readRolloutHeadAndUsage(file, headBytes, { size: size < 0 ? undefined : size, zone, sync: true });

/**
 * Takes files from the shared counter until none are left, reading each with blocking calls; what this thread and
 * a worker both run. `pause`, when given, is awaited after every {@link BATCH} files (this thread lets the workers'
 * messages in); `signal` stops it (it throws).
 */
export async function takeAndRead(
  data: ReadWorkerData,
  each: (i: number, r: HeadAndUsage | { failure: ReadFailure }) => void,
  pause?: () => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const next = new Int32Array(data.next);
  let n = 0;
  for (let i = Atomics.add(next, 0, 1); i < data.files.length; i = Atomics.add(next, 0, 1)) {
    signal?.throwIfAborted();
    try {
      each(i, await readOne(data.files[i]!, data.sizes[i]!, data.headBytes, data.zone));
    } catch (e) {
      each(i, { failure: failureOf(e) });
    }
    if (pause && ++n % BATCH === 0) await pause();
  }
}

/** A turn of the event loop (messages from workers are taken in). */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A worker waiting for its files; `done` settles with whether it sent its last results (false: it failed or died). */
interface ReadWorker {
  worker: Worker | null;
  /** Where its results go (set when the files are sent). */
  each: ((i: number, r: HeadAndUsage | { failure: ReadFailure }) => void) | null;
  done: Promise<boolean>;
  /** Whether it has sent anything yet. */
  answered?: boolean;
}

function startWorker(script: string | URL, execArgv?: string[]): ReadWorker {
  const w: ReadWorker = { worker: null, each: null, done: Promise.resolve(false) };
  w.done = new Promise<boolean>((resolve) => {
    try {
      // A small young generation: a worker keeps nothing (its results leave every BATCH files), and on a VM each page
      // of a young generation grown to its default 16 MB costs a page fault (~12 µs here) the first time it is used.
      w.worker = new Worker(script, { ...(execArgv ? { execArgv } : {}), resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
    } catch {
      return resolve(false);
    }
    // Once settled, nothing more is taken from it: an error can overtake a batch still on its way.
    const settle = (sent: boolean): void => {
      w.each = null;
      resolve(sent);
    };
    w.worker.on('message', (m: ReadWorkerMessage) => {
      if (!w.answered) mark('a worker answers');
      w.answered = true;
      for (const [i, r] of m.results) w.each?.(i, r);
      if (m.done) settle(true);
    });
    w.worker.once('error', () => settle(false));
    w.worker.once('exit', () => settle(false));
  });
  return w;
}

/**
 * Worker threads for {@link ReadPool.read}, started ahead (`workers`, see {@link workerCount}): each loads its code
 * (~30 – 70 ms of a core) while this thread still lists the files. Used once, then gone; {@link close}
 * ends workers that got nothing to do.
 */
export class ReadPool {
  private readonly workers: ReadWorker[];
  private used = false;

  constructor(private readonly opts: ParallelReadOptions) {
    const n = opts.workerScript ? (opts.workers ?? 0) : 0;
    this.workers = Array.from({ length: n }, () => startWorker(opts.workerScript!, opts.workerExecArgv));
  }

  /**
   * The head and usage of every file (`sizes[i]` bytes of `files[i]`, see `ReadWorkerData`), or the error its read threw, in order: read
   * with blocking calls on this thread and on the pool's workers at the same time. Files a worker took but never
   * answered for (it died) are read here.
   */
  async read(files: string[], sizes: number[], signal?: AbortSignal): Promise<(HeadAndUsage | Error)[]> {
    if (this.used) throw new Error('a ReadPool reads once');
    this.used = true;
    const { headBytes, zone } = this.opts;
    const out = new Array<HeadAndUsage | Error | undefined>(files.length);
    const data: ReadWorkerData = { files, sizes, headBytes, zone, next: new SharedArrayBuffer(4) };
    const put = (i: number, r: HeadAndUsage | { failure: ReadFailure }): void => void (out[i] = 'failure' in r ? errorOf(r.failure) : r);
    for (const w of this.workers) {
      w.each = put;
      w.worker?.postMessage(data);
    }
    try {
      await takeAndRead(data, put, this.workers.length ? turn : undefined, signal);
    } finally {
      // Stopped (aborted, or a read threw): the workers take no more files.
      Atomics.store(new Int32Array(data.next), 0, files.length);
      await Promise.all(this.workers.map((w) => w.done));
    }
    for (let i = 0; i < files.length; i++) {
      if (out[i] !== undefined) continue;
      try {
        out[i] = await readOne(files[i]!, sizes[i]!, headBytes, zone);
      } catch (e) {
        out[i] = e as Error;
      }
    }
    return out as (HeadAndUsage | Error)[];
  }

  /** Ends the workers (those still waiting for files, when {@link read} was not called). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker?.terminate()));
  }
}

/** {@link ReadPool.read} with a pool of its own (sized by {@link workerCount} unless `workers` is given). */
export async function readHeadsAndUsage(files: string[], sizes: number[], opts: ParallelReadOptions): Promise<(HeadAndUsage | Error)[]> {
  const pool = new ReadPool({ ...opts, workers: opts.workers ?? workerCount(files.length) });
  try {
    return await pool.read(files, sizes);
  } finally {
    await pool.close();
  }
}
