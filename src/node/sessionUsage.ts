import { open, readFile } from 'node:fs/promises';
import { LineSplitter } from '../core/lineSplitter';
import { RolloutParser } from '../core/rolloutParser';
import { headComplete } from '../core/rolloutSession';
import { RolloutUsageScanner, type SessionUsage } from '../core/rolloutUsage';
import type { RolloutHead } from './rolloutReader';

/** A session's usage as the index keeps it: valid for the file's size and mtime it was read at, in `zone`. */
export interface CachedUsage extends SessionUsage {
  /** The time zone the days of `slices` were computed in (a different zone reads the file again). */
  zone: string;
}

/** This process's time zone, as `Intl` names it. */
export function currentZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
}

/** Files up to this size are read in one go; larger ones in chunks of {@link CHUNK}. */
const WHOLE_FILE = 16 * 1024 * 1024;
const CHUNK = 1024 * 1024;
/** The head is parsed in slices of this size, as `readRolloutHead` reads it. */
const HEAD_SLICE = 64 * 1024;

async function eachChunk(file: string, fn: (chunk: Uint8Array) => boolean | void, signal?: AbortSignal): Promise<void> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    if (size <= WHOLE_FILE) {
      fn(await readFile(fh));
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

/** The exact token usage of a rollout file (read whole, once). Throws only when the file cannot be read. */
export async function readRolloutUsage(file: string, opts: { signal?: AbortSignal } = {}): Promise<CachedUsage> {
  const scanner = new RolloutUsageScanner();
  await eachChunk(file, (c) => scanner.write(c), opts.signal);
  return { ...scanner.end(), zone: currentZone() };
}

/**
 * A rollout's head (as `readRolloutHead` finds it, within `headBytes`) and its usage, from one read of the file:
 * what a cold index needs for a session it has never seen.
 */
export async function readRolloutHeadAndUsage(file: string, headBytes: number, opts: { signal?: AbortSignal } = {}): Promise<{ head: RolloutHead; usage: CachedUsage }> {
  const scanner = new RolloutUsageScanner();
  const parser = new RolloutParser();
  const splitter = new LineSplitter(headBytes);
  let bytes = 0;
  let complete = false;
  await eachChunk(
    file,
    (chunk) => {
      scanner.write(chunk);
      if (complete || bytes >= headBytes) return;
      // In slices as readRolloutHead reads, so that a head found early does not decode the whole file.
      for (let at = 0; at < chunk.length && bytes < headBytes && !complete; ) {
        const part = chunk.subarray(at, at + Math.min(HEAD_SLICE, headBytes - bytes));
        at += part.length;
        bytes += part.length;
        for (const l of splitter.push(part)) {
          parser.push(l.text);
          if ((complete = headComplete(parser.session))) break;
        }
      }
    },
    opts.signal,
  );
  // The last line of a file that was read whole (a file cut mid-line at the budget is not parsed).
  if (!complete && bytes < headBytes) for (const l of splitter.end()) parser.push(l.text);
  return { head: { session: parser.session, bytes, complete: complete || headComplete(parser.session) }, usage: { ...scanner.end(), zone: currentZone() } };
}
