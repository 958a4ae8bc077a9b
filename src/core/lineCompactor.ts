import { DEFAULT_MAX_OUTPUT_CHARS, detachString, omissionMarker } from '../shared/outputCap';

/**
 * Lines longer than this (characters) are compacted as they arrive instead of held whole. Small, so that catching up
 * on the part held before (scanned at once) stays a short step: 8 MiB of escaped text took 220 ms.
 */
export const COMPACT_LINE_CHARS = 1024 * 1024;

/**
 * The position at or after `p` in the raw JSON string content `s` (which starts outside any escape) that is not inside
 * an escape sequence (`\x` or `\uXXXX`): cutting there keeps the content valid.
 */
function freshAtOrAfter(s: string, p: number): number {
  for (let i = s.indexOf('\\'); i !== -1 && i < p; i = s.indexOf('\\', i)) {
    const end = i + (s[i + 1] === 'u' ? 6 : 2);
    if (end > p) return Math.min(end, s.length);
    i = end;
  }
  return highSurrogateBefore(s, p) ? p + 1 : p; // never between the halves of a character
}

function highSurrogateBefore(s: string, p: number): boolean {
  const c = s.charCodeAt(p - 1);
  return c >= 0xd800 && c <= 0xdbff;
}

/** Like {@link freshAtOrAfter}, but at or before `p`. */
function freshAtOrBefore(s: string, p: number): number {
  for (let i = s.indexOf('\\'); i !== -1 && i < p; i = s.indexOf('\\', i)) {
    const end = i + (s[i + 1] === 'u' ? 6 : 2);
    if (end > p) return i;
    i = end;
  }
  return highSurrogateBefore(s, p) ? p - 1 : p;
}

/** The length of the string that raw JSON string content `s` (whole escapes only) decodes to. */
function decodedLength(s: string): number {
  let n = s.length;
  for (let i = s.indexOf('\\'); i !== -1; i = s.indexOf('\\', i)) {
    const u = s[i + 1] === 'u';
    n -= u ? 5 : 1;
    i += u ? 6 : 2;
  }
  return n;
}

/** The run of backslashes ending `text[from, end)`; `before` is the run that ended the text before `from`. */
function trailingBackslashes(text: string, from: number, end: number, before: number): number {
  let i = end - 1;
  while (i >= from && text.charCodeAt(i) === 0x5c) i--;
  return i < from ? before + (end - from) : end - 1 - i;
}

/**
 * Compacts one very long JSON line as its pieces arrive: every string value longer than `maxString` characters keeps
 * its head (a quarter) and its tail, with {@link omissionMarker} in between, exactly as `capOutput` would cut a
 * command's output. So a 100 MB `aggregated_output` costs a few MB while it streams in, the line still parses (the
 * item is shown, not lost to a "line too long" diagnostic), and no step ever parses or copies 100 MB at once.
 *
 * The line is tracked as JSON text only as far as strings go (a quote opens or closes one unless escaped). A line that
 * does not start as JSON does (its first character after blanks is neither `{` nor `[`) cannot parse, whatever
 * follows: it is cut as one long string would be, head and tail around the marker, rather than held whole until its
 * end (joining 50 MB of such a line at once was one 200 ms step on a VM, most of it page faults).
 */
export class LineCompactor {
  private readonly out: string[] = [];
  private outChars = 0;
  /** Characters of the line beyond `maxLineChars` outside strings (dropped). */
  overflow = 0;
  /** Characters (of the decoded string) omitted from each compacted string, in order. */
  readonly omitted: number[] = [];
  private inString = false;
  /** Backslashes ending the string content read so far (a run that may escape a quote in the next piece). */
  private backslashes = 0;
  /** Raw content of the current string while it is short enough to keep whole. */
  private cur = '';
  /** Once the current string is too long: its kept head, the tail (starting outside an escape), what was dropped. */
  private head: string | null = null;
  private tail = '';
  private dropped = 0;
  private readonly headChars: number;
  private readonly tailChars: number;
  /** Whether the line starts as JSON; null until its first character after blanks has come. */
  private json: boolean | null = null;

  constructor(
    private readonly maxLineChars: number,
    private readonly maxString = DEFAULT_MAX_OUTPUT_CHARS,
  ) {
    this.headChars = Math.floor(maxString / 4);
    // Room for the marker, so that a compacted command output is within the reducer's cap and is not cut twice.
    this.tailChars = maxString - this.headChars - 64;
  }

  /** Feeds the next piece of the line (no line break in it). */
  push(text: string): void {
    let pos = 0;
    if (this.json === null) {
      while (pos < text.length && (text[pos] === ' ' || text[pos] === '\t' || text[pos] === '\r')) pos++;
      if (pos === text.length) return this.emit(text);
      this.json = text[pos] === '{' || text[pos] === '[';
      if (!this.json) {
        this.emit(text.slice(0, pos));
        this.addPlain(text.slice(pos));
        return;
      }
    } else if (!this.json) return this.addPlain(text);
    while (pos < text.length) {
      if (!this.inString) {
        const q = text.indexOf('"', pos);
        const end = q === -1 ? text.length : q + 1;
        this.emit(text.slice(pos, end));
        pos = end;
        if (q !== -1) this.inString = true;
        continue;
      }
      // Only a quote can end the string: found natively, and closing unless an odd run of backslashes precedes it
      // (most escapes, `\n` above all, cost nothing here).
      let from = pos;
      let q = text.indexOf('"', from);
      while (q !== -1 && this.escapedAt(text, pos, q)) {
        from = q + 1;
        q = text.indexOf('"', from);
      }
      if (q === -1) {
        this.addToString(text.slice(pos));
        this.backslashes = trailingBackslashes(text, pos, text.length, this.backslashes);
        break;
      }
      this.addToString(text.slice(pos, q));
      this.backslashes = 0;
      this.endString();
      this.emit('"');
      this.inString = false;
      pos = q + 1;
    }
  }

  /** Whether the quote at `q` is escaped: preceded by an odd run of backslashes (counting those ending earlier pieces). */
  private escapedAt(text: string, pos: number, q: number): boolean {
    return trailingBackslashes(text, pos, q, this.backslashes) % 2 === 1;
  }

  private emit(text: string): void {
    const room = this.maxLineChars - this.outChars;
    if (text.length <= room) {
      this.out.push(text);
      this.outChars += text.length;
    } else {
      if (room > 0) this.out.push(text.slice(0, room));
      this.outChars += Math.max(0, room);
      this.overflow += text.length - Math.max(0, room);
    }
  }

  private addToString(text: string): void {
    if (!text) return;
    if (this.head === null) {
      this.cur += text;
      if (this.cur.length <= this.maxString + this.tailChars) return;
      const cut = freshAtOrBefore(this.cur, this.headChars);
      this.head = this.cur.slice(0, cut);
      this.tail = this.cur.slice(cut);
      this.cur = '';
      this.trimTail();
      return;
    }
    this.tail += text;
    if (this.tail.length > 2 * this.tailChars) this.trimTail();
  }

  /** A piece of a line that is not JSON: kept as one string's head and tail (plain text: no escapes to respect). */
  private addPlain(text: string): void {
    if (this.head === null) {
      this.cur += text;
      if (this.cur.length <= this.maxString + this.tailChars) return;
      const cut = highSurrogateBefore(this.cur, this.headChars) ? this.headChars - 1 : this.headChars;
      this.head = this.cur.slice(0, cut);
      this.tail = this.cur.slice(cut);
      this.cur = '';
    } else this.tail += text;
    if (this.tail.length > 2 * this.tailChars) this.trimPlainTail();
  }

  /** Keeps the last `tailChars` of a plain line's tail (never half a character); copied, as {@link trimTail} does. */
  private trimPlainTail(): void {
    let from = Math.max(0, this.tail.length - this.tailChars);
    if (highSurrogateBefore(this.tail, from)) from++;
    if (from === 0) return;
    this.dropped += from;
    this.tail = detachString(this.tail.slice(from));
  }

  /** Keeps the last `tailChars` of the tail (cut outside an escape); copies so the dropped text can be collected. */
  private trimTail(): void {
    const from = freshAtOrAfter(this.tail, Math.max(0, this.tail.length - this.tailChars));
    if (from === 0) return;
    this.dropped += decodedLength(this.tail.slice(0, from));
    this.tail = JSON.parse(JSON.stringify(this.tail.slice(from))) as string;
  }

  private endString(): void {
    if (this.head === null) {
      this.emit(this.cur);
      this.cur = '';
      return;
    }
    this.trimTail();
    this.emit(this.head + JSON.stringify(omissionMarker(this.dropped)).slice(1, -1) + this.tail);
    this.omitted.push(this.dropped);
    this.head = null;
    this.tail = '';
    this.dropped = 0;
  }

  /** The compacted line (a string still open at the end is closed off as it is, compacted too). */
  finish(): string {
    if (this.json === false) {
      if (this.head === null) this.emit(this.cur);
      else {
        this.trimPlainTail();
        this.emit(this.head + omissionMarker(this.dropped) + this.tail);
        this.omitted.push(this.dropped);
      }
    } else if (this.inString) {
      if (this.head === null) this.emit(this.cur);
      else {
        this.trimTail();
        this.emit(this.head + JSON.stringify(omissionMarker(this.dropped)).slice(1, -1) + this.tail);
        this.omitted.push(this.dropped);
      }
    }
    return this.out.join('');
  }
}
