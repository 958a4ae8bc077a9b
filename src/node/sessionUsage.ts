import fs from 'node:fs';
import { currentZone } from './timeZone';
import { headLine } from '../core/headLines';
import { HeadSession } from '../core/headSession';
import { headComplete } from '../core/rolloutSession';
import { RolloutUsageScanner, type SessionUsage } from '../core/rolloutUsage';
import { latin1, nodeText, utf8 } from './byteText';
import type { RolloutHead } from './headReader';

/** A session's usage as the index keeps it: valid for the file's size and mtime it was read at, in `zone`. */
export interface CachedUsage extends SessionUsage {
  /** The time zone the days of `slices` were computed in (a different zone reads the file again). */
  zone: string;
}

export { currentZone } from './timeZone';

/** Files up to this size are read in one go; larger ones in chunks of {@link CHUNK}. */
const WHOLE_FILE = 16 * 1024 * 1024;
const CHUNK = 1024 * 1024;

/**
 * Opens for reading without waiting: a FIFO opened plainly would wait for a writer forever, even one that took the
 * place of a file between its stat and its read (Windows has no such flag, nor FIFOs of this kind).
 */
const OPEN_NOW = fs.constants.O_NONBLOCK === undefined ? 'r' : fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

const openFd = (file: string): Promise<number> => new Promise((res, rej) => fs.open(file, OPEN_NOW, (e, fd) => (e ? rej(e) : res(fd))));
const readFd = (fd: number, buf: Buffer, at: number, length: number, pos: number): Promise<number> =>
  new Promise((res, rej) => fs.read(fd, buf, at, length, pos, (e, n) => (e ? rej(e) : res(n))));
const closeFd = (fd: number): Promise<void> => new Promise((res) => fs.close(fd, () => res()));
const statFd = (fd: number): Promise<number> => new Promise((res, rej) => fs.fstat(fd, (e, st) => (e ? rej(e) : res(st.size))));

/** Read buffers for reuse: allocating one per file (10,000 of them) keeps the garbage collector busy. */
const spare: Buffer[] = [];

function takeBuffer(size: number): Buffer {
  const at = spare.findIndex((b) => b.length >= size);
  if (at >= 0) return spare.splice(at, 1)[0]!;
  if (spare.length >= 32) spare.shift();
  return Buffer.allocUnsafe(Math.max(size, 256 * 1024));
}

/**
 * Calls `fn` with the file's bytes: at once for files up to {@link WHOLE_FILE} (one read of the size the caller
 * stat'ed), else chunk by chunk. Plain descriptors rather than `FileHandle`s: for 10,000 small files the promise
 * API's open/close costs more than the reading.
 */
async function eachChunk(file: string, size: number | undefined, fn: (chunk: Uint8Array) => void, signal?: AbortSignal, sync = false, onStat?: (st: fs.Stats) => void): Promise<void> {
  if (sync) return eachChunkSync(file, size, fn, signal, onStat);
  const fd = await openFd(file);
  try {
    const known = size ?? (await statFd(fd));
    if (known <= WHOLE_FILE) {
      const buf = takeBuffer(known);
      try {
        let got = 0;
        for (let n = -1; got < known && n !== 0; got += n) n = await readFd(fd, buf, got, known - got, got);
        fn(buf.subarray(0, got));
      } finally {
        spare.push(buf);
      }
      return;
    }
    const buf = Buffer.allocUnsafe(CHUNK);
    for (let pos = 0; ; ) {
      signal?.throwIfAborted();
      const n = await readFd(fd, buf, 0, CHUNK, pos);
      if (n === 0) return;
      pos += n;
      fn(buf.subarray(0, n));
    }
  } finally {
    await closeFd(fd);
  }
}

/** The error for an entry named like a rollout that is no regular file (the index's reasons for these). */
function notAFile(st: fs.Stats): Error {
  return st.isDirectory() ? Object.assign(new Error('a folder where a file was expected'), { code: 'EISDIR' }) : new Error('not a regular file');
}

/**
 * {@link eachChunk} with blocking calls. Without a `size`, the file is stat'ed once open (`onStat` gets it), and
 * anything but a regular file is refused before a byte is read.
 */
function eachChunkSync(file: string, size: number | undefined, fn: (chunk: Uint8Array) => void, signal?: AbortSignal, onStat?: (st: fs.Stats) => void): void {
  const fd = fs.openSync(file, OPEN_NOW);
  try {
    let known = size;
    if (known === undefined) {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) throw notAFile(st);
      onStat?.(st);
      known = st.size;
    }
    const whole = known <= WHOLE_FILE;
    const buf = takeBuffer(whole ? known : CHUNK);
    try {
      if (whole) {
        let got = 0;
        for (let n = -1; got < known && n !== 0; got += n) n = fs.readSync(fd, buf, got, known - got, got);
        fn(buf.subarray(0, got));
        return;
      }
      for (let pos = 0, n = -1; n !== 0; pos += n) {
        signal?.throwIfAborted();
        n = fs.readSync(fd, buf, 0, CHUNK, pos);
        if (n > 0) fn(buf.subarray(0, n));
      }
    } finally {
      spare.push(buf);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Options of the readers below. */
export interface UsageReadOptions {
  /** The file's size, when the caller just stat'ed it (saves a stat; what is read is this many bytes). */
  size?: number;
  /** `currentZone()`, when the caller reads many files. */
  zone?: string;
  /** Read with blocking calls (see `SessionIndexOptions.io`). */
  sync?: boolean;
  signal?: AbortSignal;
}

/** A file's size and modification time, as read with it. */
export interface ReadStat {
  size: number;
  mtimeMs: number;
}

/** The exact token usage of a rollout file (read whole, once). Throws only when the file cannot be read. */
export async function readRolloutUsage(file: string, opts: UsageReadOptions = {}): Promise<CachedUsage> {
  const scanner = new RolloutUsageScanner({ decode: utf8, latin1 });
  await eachChunk(file, opts.size, (c) => scanner.write(c), opts.signal, opts.sync);
  return { ...scanner.end(), zone: opts.zone ?? currentZone() };
}

/**
 * A rollout's head (as `readRolloutHead` finds it, within `headBytes`) and its usage, from one read of the file:
 * what a cold index needs for a session it has never seen. With `sync` and no `size`, the file is stat'ed once open
 * (`stat`; a FIFO, a folder or anything else that is no regular file is refused without waiting on it).
 */
export async function readRolloutHeadAndUsage(file: string, headBytes: number, opts: UsageReadOptions = {}): Promise<{ head: RolloutHead; usage: CachedUsage; stat?: ReadStat }> {
  const head = new HeadSession();
  let bytes = 0;
  let complete = false;
  const headLines = (buf: Uint8Array, start: number, end: number): boolean => {
    bytes += end - start + 1;
    if (bytes > headBytes) return false; // a line past the budget is not parsed, as in readRolloutHead
    const text = headLine(buf, start, end, head.session, nodeText);
    if (text === null) return true;
    head.push(text);
    complete = headComplete(head.session);
    return !complete;
  };
  const scanner = new RolloutUsageScanner({ headLines, decode: utf8, latin1 });
  let stat: ReadStat | undefined;
  await eachChunk(file, opts.size, (c) => scanner.write(c), opts.signal, opts.sync, (st) => (stat = { size: st.size, mtimeMs: st.mtimeMs }));
  const usage = { ...scanner.end(), zone: opts.zone ?? currentZone() };
  return { head: { session: head.session, bytes: Math.min(bytes, headBytes), complete }, usage, ...(stat ? { stat } : {}) };
}
