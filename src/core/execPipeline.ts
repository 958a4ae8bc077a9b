import type { ThreadEvent, ThreadState } from '../shared/threadModel';
import { omissionMarker } from '../shared/outputCap';
import { ExecStreamParser, type ExecParserOptions, type StreamEnd } from './execParser';
import { LineSplitter, type SplitLine } from './lineSplitter';
import { ThreadReducer, type ReducerOptions } from './threadReducer';

/** Options of {@link ExecPipeline}. */
export interface PipelineOptions extends ExecParserOptions, ReducerOptions {
  maxLineChars?: number;
  /** Called with every normalized event, in order (live rendering, `--json` output). */
  onEvent?: (e: ThreadEvent) => void;
}

/**
 * The data path from bytes to thread state for one stream: split → parse (family detected, unknown kept) →
 * normalize → reduce. Used by the runner for live output and by `parse-exec` for files.
 */
export class ExecPipeline {
  readonly parser: ExecStreamParser;
  readonly reducer: ThreadReducer;
  private readonly splitter: LineSplitter;
  private readonly onEvent?: (e: ThreadEvent) => void;
  /** Whether the input ended inside a line that could not be read (cut short). */
  private cut = false;

  constructor(opts: PipelineOptions = {}, reducer?: ThreadReducer) {
    this.parser = new ExecStreamParser(opts);
    this.reducer = reducer ?? new ThreadReducer(opts);
    this.splitter = new LineSplitter(opts.maxLineChars);
    this.onEvent = opts.onEvent;
  }

  /** Feeds raw bytes (or text) as they arrive. */
  write(chunk: Uint8Array | string): void {
    this.lines(this.splitter.push(chunk));
  }

  /** Feeds one already split line. */
  writeLine(line: string): void {
    this.dispatch(this.parser.push(line));
  }

  /** Feeds a synthetic event (run boundaries, prompts the stream does not carry). */
  inject(e: ThreadEvent): void {
    this.dispatch([e]);
  }

  private lines(lines: SplitLine[]): void {
    for (const l of lines) {
      const events = this.parser.push(l.text);
      if (markCut(events, l)) this.cut = true;
      this.dispatch(events);
    }
  }

  private dispatch(events: ThreadEvent[]): void {
    for (const e of events) {
      this.reducer.apply(e);
      this.onEvent?.(e);
    }
  }

  /**
   * Ends the stream: flushes the last line, closes what the family leaves open, records how the run ended. A stream
   * that ends inside an unreadable line was cut short: turns the family never closes itself are then left open (the
   * state ends `incomplete`) rather than shown as completed.
   */
  end(how: StreamEnd = { reason: 'end_of_input', exit_code: null }, message?: string): ThreadState {
    this.lines(this.splitter.end());
    if (!this.cut) this.dispatch(this.parser.end(how));
    this.dispatch([{ type: 'run.ended', reason: how.reason, exit_code: how.exit_code, ...(message ? { message } : {}) }]);
    return this.reducer.state;
  }
}

/** The reason given for the last line of an input that ends without a line break and cannot be read. */
export const CUT_SHORT = 'the input ends inside this line: it was cut short';

/**
 * Prefixes the diagnostics of a line with what the splitter knew about it (too long, or the unterminated last line);
 * returns whether the line marks the input as cut short.
 */
export function markCut(events: ThreadEvent[], l: SplitLine): boolean {
  let cut = false;
  if (l.omitted) countOmitted(events, l.omitted);
  for (const e of events) {
    if (e.type !== 'diagnostic') continue;
    if (l.overflowChars) e.reason = `line longer than the limit, ${l.overflowChars} characters cut; ${e.reason}`;
    if (l.unterminated && e.kind === 'skipped_line') {
      e.reason = `${CUT_SHORT}; ${e.reason}`;
      cut = true;
    }
  }
  return cut;
}

/** A command whose output was compacted on its line (see `LineCompactor`) says how much was cut, as the reducer's cap does. */
function countOmitted(events: ThreadEvent[], omitted: number[]): void {
  for (const e of events) {
    if ((e.type !== 'item.started' && e.type !== 'item.updated' && e.type !== 'item.completed') || e.item.type !== 'command_execution') continue;
    let n = 0;
    for (const k of omitted) if (e.item.aggregated_output.includes(omissionMarker(k))) n += k;
    if (n) e.item = { ...e.item, output_truncated_chars: (e.item.output_truncated_chars ?? 0) + n };
  }
}

/** Parses a complete exec output (all of a file) into a thread state. */
export function parseExecText(text: string, opts: PipelineOptions = {}): ThreadState {
  const p = new ExecPipeline(opts);
  p.write(text);
  return p.end();
}
