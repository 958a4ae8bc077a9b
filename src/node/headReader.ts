import { close as fsClose, open as fsOpen, read as fsRead } from 'node:fs';
import { headLine } from '../core/headLines';
import { HeadSession } from '../core/headSession';
import { DEFAULT_HEAD_BYTES, headComplete, type RolloutSession } from '../core/rolloutSession';
import { nodeText } from './byteText';

/*
 * A rollout's head: its session's metadata and first real prompt, from the first lines of the file only. What the
 * history tree and `list` read of every session; without the replay's parser (see `HeadSession`), so loading it
 * loads no zod.
 */

const CHUNK = 64 * 1024;

/** What a bounded read of a rollout's head found. */
export interface RolloutHead {
  session: RolloutSession;
  /** Bytes read (at most the budget, or the file's size). */
  bytes: number;
  /** Whether the read stopped because everything was found (false: the budget or the file ran out first). */
  complete: boolean;
}

function openForReading(file: string): Promise<number> {
  return new Promise((resolve, reject) => fsOpen(file, 'r', (e, fd) => (e ? reject(e) : resolve(fd))));
}

function readAt(fd: number, buf: Buffer, position: number): Promise<number> {
  return new Promise((resolve, reject) => fsRead(fd, buf, 0, buf.length, position, (e, n) => (e ? reject(e) : resolve(n))));
}

/** Read buffers of finished head reads, reused: 10,000 fresh 64 KiB buffers are 640 MB for the GC to sweep. */
const spareBuffers: Buffer[] = [];
const SPARE_BUFFERS = 64;

/**
 * Reads a rollout from the start only until its metadata and first real prompt are known (or `maxBytes` are read),
 * by the replay's rules (`HeadSession`). Throws only when the file cannot be opened.
 *
 * Built for 10,000 files in a row: plain fd calls (a `FileHandle` costs about twice the main-thread time per file),
 * lines cut from the bytes and decoded one at a time (the rest of a chunk after the head is never decoded), what the
 * head has no use for left out (see `headLine`), and read buffers reused.
 */
export async function readRolloutHead(file: string, opts: { maxBytes?: number } = {}): Promise<RolloutHead> {
  const max = opts.maxBytes ?? DEFAULT_HEAD_BYTES;
  const head = new HeadSession();
  const fd = await openForReading(file);
  let bytes = 0;
  /** The start of a line that continues in the next chunk. */
  let partial: Buffer[] = [];
  const used: Buffer[] = [];
  try {
    while (bytes < max) {
      const size = Math.min(CHUNK, max - bytes);
      const buf = (size === CHUNK ? spareBuffers.pop() : undefined) ?? Buffer.allocUnsafe(size);
      used.push(buf);
      const n = await readAt(fd, buf, bytes);
      if (n === 0) break;
      bytes += n;
      let start = 0;
      // A line break byte is never part of a multi-byte UTF-8 character, so cutting at it is safe.
      for (let nl = buf.indexOf(10); nl !== -1 && nl < n; start = nl + 1, nl = buf.indexOf(10, start)) {
        const line = partial.length ? Buffer.concat([...partial, buf.subarray(start, nl)]) : buf.subarray(start, nl);
        partial = [];
        const text = headLine(line, 0, line.length, head.session, nodeText);
        if (text === null) continue;
        head.push(text);
        if (headComplete(head.session)) return { session: head.session, bytes, complete: true };
      }
      if (start < n) partial.push(buf.subarray(start, n));
    }
    // The last line of a file that was read whole (a file cut mid-line at the budget is not parsed).
    if (bytes < max && partial.length) {
      const last = Buffer.concat(partial);
      const text = headLine(last, 0, last.length, head.session, nodeText);
      if (text !== null) head.push(text);
    }
  } finally {
    fsClose(fd, () => undefined); // nothing waits for it: the descriptor is released in the background
    // The parser keeps only strings decoded from the buffers (copies), so they can serve the next read.
    for (const b of used) if (b.length === CHUNK && spareBuffers.length < SPARE_BUFFERS) spareBuffers.push(b);
  }
  return { session: head.session, bytes, complete: headComplete(head.session) };
}

