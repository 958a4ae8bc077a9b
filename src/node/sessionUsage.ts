import { open } from 'node:fs/promises';
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

/**
 * Calls `fn` with the file's bytes: at once for files up to {@link WHOLE_FILE} (one read of the size the caller
 * stat'ed, no fstat), else chunk by chunk. `fn` returning false stops the read.
 */
async function eachChunk(file: string, size: number | undefined, fn: (chunk: Uint8Array) => boolean | void, signal?: AbortSignal): Promise<void> {
  const fh = await open(file, 'r');
  try {
    const known = size ?? (await fh.stat()).size;
    if (known <= WHOLE_FILE) {
      const buf = Buffer.allocUnsafe(known);
      let got = 0;
      while (got < known) {
        const { bytesRead } = await fh.read(buf, got, known - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      fn(buf.subarray(0, got));
      return;
    }
    const buf = Buffer.allocUnsafe(CHUNK);
    for (let pos = 0; ; ) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead === 0) return;
      pos += bytesRead;
      if (fn(buf.subarray(0, bytesRead)) === false) return;
    }
  } finally {
    await fh.close();
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
