/** Default longest line kept whole (characters). Longer lines are cut and reported, never held without bound. */
export const DEFAULT_MAX_LINE_CHARS = 64 * 1024 * 1024;

/** A line, or a notice that one was too long and cut. */
export interface SplitLine {
  text: string;
  /** Set when the line was longer than the limit; `text` then holds only its start. */
  overflowChars?: number;
  /** Set on the last line when the input ended without a line break after it (a file or stream cut short). */
  unterminated?: boolean;
}

/**
 * Splits a byte stream into lines as the chunks arrive: UTF-8 decoded with a streaming decoder (a character may be
 * split between chunks), `\n` and `\r\n` endings, and a cap on line length so one endless line cannot eat memory.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private partial = '';
  private overflow = 0;

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
    const room = this.maxLineChars - this.partial.length;
    if (piece.length <= room) {
      this.partial += piece;
    } else {
      this.partial += piece.slice(0, Math.max(0, room));
      this.overflow += piece.length - Math.max(0, room);
    }
  }

  private emit(tail: string, out: SplitLine[]): void {
    let line: string;
    if (this.partial === '' && this.overflow === 0) {
      line = tail.length <= this.maxLineChars ? tail : tail.slice(0, this.maxLineChars);
      if (tail.length > this.maxLineChars) this.overflow = tail.length - this.maxLineChars;
    } else {
      this.append(tail);
      line = this.partial;
    }
    if (line.endsWith('\r')) line = line.slice(0, -1);
    out.push(this.overflow ? { text: line, overflowChars: this.overflow } : { text: line });
    this.partial = '';
    this.overflow = 0;
  }

  /** Ends the stream: returns the last line when it had no line break. */
  end(): SplitLine[] {
    const rest = this.decoder.decode();
    const out = rest ? this.take(rest) : [];
    if (this.partial !== '' || this.overflow) {
      let line = this.partial;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      out.push(this.overflow ? { text: line, overflowChars: this.overflow, unterminated: true } : { text: line, unterminated: true });
      this.partial = '';
      this.overflow = 0;
    }
    return out;
  }
}
