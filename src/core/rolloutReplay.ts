import type { ThreadEvent, ThreadState } from '../shared/threadModel';
import { markCut } from './execPipeline';
import { LineSplitter, type SplitLine } from './lineSplitter';
import { RolloutParser, type RolloutParserOptions } from './rolloutParser';
import type { RolloutSession } from './rolloutSession';
import { ThreadReducer, type ReducerOptions } from './threadReducer';

/** Options of {@link RolloutReplay}. */
export interface RolloutReplayOptions extends RolloutParserOptions {
  /** Cap on the characters of one line (longer lines are cut and reported). */
  maxLineChars?: number;
  /** Called with every normalized event, in order. */
  onEvent?: (e: ThreadEvent) => void;
}

/**
 * The data path of a replay, the twin of `ExecPipeline` for rollout files: bytes → lines → rollout records →
 * normalized events → the given reducer. Feed chunks as they are read (the file can be of any size), then `end()`.
 */
export class RolloutReplay {
  readonly parser: RolloutParser;
  private readonly splitter: LineSplitter;
  /** Whether the file ended inside a line that could not be read (cut short). */
  private cut = false;

  constructor(
    readonly reducer: ThreadReducer,
    private readonly opts: RolloutReplayOptions = {},
  ) {
    this.parser = new RolloutParser(opts);
    this.splitter = new LineSplitter(opts.maxLineChars);
  }

  /** What the file says about the session so far. */
  get session(): RolloutSession {
    return this.parser.session;
  }

  /** Feeds raw bytes (or text). */
  write(chunk: Uint8Array | string): void {
    for (const l of this.splitter.push(chunk)) this.line(l);
  }

  private line(l: SplitLine): void {
    const events = this.parser.push(l.text);
    if (markCut(events, l)) this.cut = true;
    this.dispatch(events);
  }

  private dispatch(events: ThreadEvent[]): void {
    for (const e of events) {
      this.reducer.apply(e);
      this.opts.onEvent?.(e);
    }
  }

  /**
   * Ends the file: the last line without a break, open plans and turns, then `run.ended` (end of input). A file that
   * ends inside an unreadable line was cut short: its open turn stays open (`incomplete`), never inferred completed.
   */
  end(): ThreadState {
    for (const l of this.splitter.end()) this.line(l);
    if (!this.cut) this.dispatch(this.parser.end());
    this.dispatch([{ type: 'run.ended', reason: 'end_of_input', exit_code: null }]);
    return this.reducer.state;
  }
}

/** Replays a whole rollout text into a fresh reducer. */
export function parseRolloutText(text: string, opts: RolloutReplayOptions & ReducerOptions = {}): { state: ThreadState; session: RolloutSession } {
  const replay = new RolloutReplay(new ThreadReducer(opts), opts);
  replay.write(text);
  const state = replay.end();
  return { state, session: replay.session };
}
