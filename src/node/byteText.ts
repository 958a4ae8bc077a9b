import { isAscii } from 'node:buffer';
import type { ByteText } from '../core/headLines';

/*
 * Decoding bytes of a rollout with Buffer's native decoders (the core's readers take decoders as arguments: it has no
 * Node APIs).
 */

export const asBuffer = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.length));

/** Latin-1 of `buf[start, end)`: Buffer's native decoder, a few times faster than `String.fromCharCode` on bytes. */
export const latin1 = (u: Uint8Array, start: number, end: number): string => asBuffer(u).toString('latin1', start, end);

/** UTF-8 of `buf[start, end)`; pure ASCII (most lines) as Latin-1, which V8 turns into a string many times faster. */
export function utf8(u: Uint8Array, start: number, end: number): string {
  const buf = asBuffer(u);
  return isAscii(buf.subarray(start, end)) ? buf.toString('latin1', start, end) : buf.toString('utf8', start, end);
}

/** Buffer's native search for `needle` in `buf[from, to)`. */
export function find(u: Uint8Array, needle: Uint8Array, from: number, to: number): number {
  // Within the range only: a buffer can hold a whole file, and a needle missing from one line must not cost a search
  // of everything after it.
  const at = asBuffer(u).subarray(from, to).indexOf(needle);
  return at === -1 ? -1 : from + at;
}

/** All three, for the core's readers. */
export const nodeText: ByteText = { utf8, latin1, find };
