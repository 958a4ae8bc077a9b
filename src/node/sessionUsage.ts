import fs from 'node:fs';
import { RolloutParser } from '../core/rolloutParser';
import { headComplete } from '../core/rolloutSession';
import { RolloutUsageScanner, type SessionUsage } from '../core/rolloutUsage';
import type { RolloutHead } from './rolloutReader';

/** A session's usage as the index keeps it: valid for the file's size and mtime it was read at, in `zone`. */
export interface CachedUsage extends SessionUsage {
  /** The time zone the days of `slices` were computed in (a different zone reads the file again). */
  zone: string;
}

let zone: { tz: string | undefined; name: string } | null = null;

/** This process's time zone, as `Intl` names it (asked once per value of `TZ`: building a formatter is slow). */
export function currentZone(): string {
  const tz = process.env.TZ;
  if (!zone || zone.tz !== tz) zone = { tz, name: Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC' };
  return zone.name;
}

/** Files up to this size are read in one go; larger ones in chunks of {@link CHUNK}. */
const WHOLE_FILE = 16 * 1024 * 1024;
const CHUNK = 1024 * 1024;

const openFd = (file: string): Promise<number> => new Promise((res, rej) => fs.open(file, 'r', (e, fd) => (e ? rej(e) : res(fd))));
const readFd = (fd: number, buf: Buffer, at: number, length: number, pos: number): Promise<number> =>
  new Promise((res, rej) => fs.read(fd, buf, at, length, pos, (e, n) => (e ? rej(e) : res(n))));
const closeFd = (fd: number): Promise<void> => new Promise((res) => fs.close(fd, () => res()));
const statFd = (fd: number): Promise<number> => new Promise((res, rej) => fs.fstat(fd, (e, st) => (e ? rej(e) : res(st.size))));

/**
 * Calls `fn` with the file's bytes: at once for files up to {@link WHOLE_FILE} (one read of the size the caller
 * stat'ed), else chunk by chunk. Plain descriptors rather than `FileHandle`s: for 10,000 small files the promise
 * API's open/close costs more than the reading.
 */
async function eachChunk(file: string, size: number | undefined, fn: (chunk: Uint8Array) => void, signal?: AbortSignal): Promise<void> {
  const fd = await openFd(file);
  try {
    const known = size ?? (await statFd(fd));
    if (known <= WHOLE_FILE) {
      const buf = Buffer.allocUnsafe(known);
      let got = 0;
      for (let n = -1; got < known && n !== 0; got += n) n = await readFd(fd, buf, got, known - got, got);
      fn(buf.subarray(0, got));
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

/** Options of the readers below. */
export interface UsageReadOptions {
  /** The file's size, when the caller just stat'ed it (saves a stat; what is read is this many bytes). */
  size?: number;
  signal?: AbortSignal;
}

/** The exact token usage of a rollout file (read whole, once). Throws only when the file cannot be read. */
export async function readRolloutUsage(file: string, opts: UsageReadOptions = {}): Promise<CachedUsage> {
  const scanner = new RolloutUsageScanner();
  await eachChunk(file, opts.size, (c) => scanner.write(c), opts.signal);
  return { ...scanner.end(), zone: currentZone() };
}

/**
 * A rollout's head (as `readRolloutHead` finds it, within `headBytes`) and its usage, from one read of the file:
 * what a cold index needs for a session it has never seen.
 */
export async function readRolloutHeadAndUsage(file: string, headBytes: number, opts: UsageReadOptions = {}): Promise<{ head: RolloutHead; usage: CachedUsage }> {
  const parser = new RolloutParser();
  let bytes = 0;
  let complete = false;
  const headLines = (text: string, size: number): boolean => {
    bytes += size + 1;
    if (bytes > headBytes) return false; // a line past the budget is not parsed, as in readRolloutHead
    parser.push(text);
    complete = headComplete(parser.session);
    return !complete;
  };
  const scanner = new RolloutUsageScanner({ headLines });
  await eachChunk(file, opts.size, (c) => scanner.write(c), opts.signal);
  const usage = { ...scanner.end(), zone: currentZone() };
  return { head: { session: parser.session, bytes: Math.min(bytes, headBytes), complete }, usage };
}
