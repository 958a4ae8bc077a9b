import { COMPACT_LINE_CHARS, LineCompactor } from './lineCompactor';

/** Default longest line kept whole (characters). Longer lines are cut and reported, never held without bound. */
export const DEFAULT_MAX_LINE_CHARS = 64 * 1024 * 1024;

/** A line, or a notice that one was too long and cut. */
export interface SplitLine {
  text: string;
  /** Set when the line was longer than the limit; `text` then holds only its start. */
  overflowChars?: number;
  /** Set on the last line when the input ended without a line break after it (a file or stream cut short). */
  unterminated?: boolean;
  /**
   * Set when the line was long enough to be compacted: the characters cut from each very long string value, in order;
   * each cut is marked in the text by `omissionMarker(n)` (see {@link LineCompactor}).
   */
  omitted?: number[];
}

/**
 * Splits a byte stream into lines as the chunks arrive: UTF-8 decoded with a streaming decoder (a character may be
 * split between chunks), `\n` and `\r\n` endings, and a cap on line length so one endless line cannot eat memory.
 * A line longer than {@link COMPACT_LINE_CHARS} is compacted while it arrives (its very long strings keep head and
 * tail), so a 100 MB command output on one line costs a few MB and still parses.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private partial = '';
  private overflow = 0;
  private compactor: LineCompactor | null = null;

  constructor(private readonly maxLineChars = DEFAULT_MAX_LINE_CHARS) {}

  /** Feeds a chunk; returns the lines it completed. */
  push(chunk: Uint8Array | string): SplitLine[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    return this.take(text);
  }

  private take(text: string): SplitLine[] {
    const out: SplitLine[] = [];
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      this.emit(text.slice(start, nl), out);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (start < text.length) this.append(text.slice(start));
    return out;
  }

  private append(piece: string): void {
    if (this.compactor) {
      this.compactor.push(piece);
      return;
    }
    if (this.maxLineChars > COMPACT_LINE_CHARS && this.partial.length + piece.length > COMPACT_LINE_CHARS) {
      this.compactor = new LineCompactor(this.maxLineChars);
      this.compactor.push(this.partial);
      this.compactor.push(piece);
      this.partial = '';
      return;
    }
    const room = this.maxLineChars - this.partial.length;
    if (piece.length <= room) {
      this.partial += piece;
    } else {
      this.partial += piece.slice(0, Math.max(0, room));
      this.overflow += piece.length - Math.max(0, room);
    }
  }

  private emit(tail: string, out: SplitLine[], unterminated = false): void {
    let line: SplitLine;
    if (this.partial === '' && this.overflow === 0 && !this.compactor && tail.length <= Math.min(this.maxLineChars, COMPACT_LINE_CHARS)) {
      line = { text: tail };
    } else {
      this.append(tail);
      line = this.takeLine();
    }
    if (line.text.endsWith('\r')) line.text = line.text.slice(0, -1);
    if (unterminated) line.unterminated = true;
    out.push(line);
  }

  /** The line held so far, and a fresh start for the next. */
  private takeLine(): SplitLine {
    let line: SplitLine;
    if (this.compactor) {
      const c = this.compactor;
      line = { text: c.finish(), ...(c.overflow ? { overflowChars: c.overflow } : {}), ...(c.omitted.length ? { omitted: c.omitted } : {}) };
      this.compactor = null;
    } else {
      line = this.overflow ? { text: this.partial, overflowChars: this.overflow } : { text: this.partial };
    }
    this.partial = '';
    this.overflow = 0;
    return line;
  }

  /** Ends the stream: returns the last line when it had no line break. */
  end(): SplitLine[] {
    const rest = this.decoder.decode();
    const out = rest ? this.take(rest) : [];
    if (this.partial !== '' || this.overflow || this.compactor) this.emit('', out, true);
    return out;
  }
}
