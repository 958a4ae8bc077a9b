import type { CommandExecutionItem, Diagnostic, ThreadEvent, ThreadItem, ThreadState, TurnState, Usage } from '../shared/threadModel';
import { DEFAULT_MAX_OUTPUT_CHARS, appendCapped, capOutput } from '../shared/outputCap';
import { subtractUsage } from './usage';
import { UsageLedger } from './usageLedger';

/** How many diagnostics a state keeps for display (all are counted). */
export const MAX_DIAGNOSTICS = 200;

/** Options of {@link ThreadReducer}. */
export interface ReducerOptions {
  /** Cap on the characters of one command's output kept in memory. */
  maxOutputChars?: number;
  /**
   * The thread's token total before the first run folded here, for a thread resumed from history: CLIs from 0.80 on
   * report the thread's running total, so this is subtracted to count only what the new run spent.
   */
  threadUsageBaseline?: Usage | null;
}

/** A fresh, empty thread state. */
export function emptyThreadState(): ThreadState {
  return {
    thread_id: null,
    status: 'running',
    items: [],
    turns: [],
    usage: null,
    meta: {},
    errors: [],
    skipped_lines: 0,
    unknown_events: 0,
    diagnostics: [],
  };
}

/**
 * Folds normalized events into a {@link ThreadState}: items in first-appearance order, later events for an id merged
 * over earlier ones, turn boundaries, status and token usage without double counting.
 *
 * One reducer can fold several runs (codex processes) of the same thread: call {@link beginRun} before each.
 * The state is mutated in place for speed (10,000s of items); take {@link snapshot} to hand it elsewhere.
 */
export class ThreadReducer {
  readonly state: ThreadState = emptyThreadState();
  private readonly index = new Map<string, number>();
  private readonly maxOutput: number;
  private readonly ledger: UsageLedger;
  private turnUsageStart: Usage | null = null;
  /** Index of the first prompt shown while no turn was running; the next turn starts there. */
  private pendingPrompt: number | null = null;

  constructor(opts: ReducerOptions = {}) {
    this.maxOutput = opts.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;
    this.ledger = new UsageLedger(opts.threadUsageBaseline ?? null);
  }

  /** Marks the start of another codex process on this thread (a follow-up or resume). */
  beginRun(): void {
    this.ledger.beginRun();
    if (this.state.status !== 'running') this.state.status = 'running';
  }

  /** Applies every event in order. */
  applyAll(events: Iterable<ThreadEvent>): void {
    for (const e of events) this.apply(e);
  }

  apply(e: ThreadEvent): void {
    const s = this.state;
    switch (e.type) {
      case 'thread.started':
        s.thread_id = e.thread_id;
        break;
      case 'thread.meta':
        Object.assign(s.meta, e.meta);
        break;
      case 'turn.started':
        this.openTurn();
        break;
      case 'item.started':
      case 'item.updated':
      case 'item.completed':
        this.upsert(e.item);
        break;
      case 'item.output_delta':
        this.appendOutput(e.item_id, e.delta);
        break;
      case 'usage':
        this.addReported(e.usage, e.scope);
        break;
      case 'turn.completed':
        if (e.usage) this.addReported(e.usage, e.scope);
        this.closeTurn('completed');
        break;
      case 'turn.failed':
        this.pushError(e.error.message);
        this.closeTurn('failed', e.error.message);
        break;
      case 'error':
        this.pushError(e.message);
        break;
      case 'diagnostic':
        if (e.kind === 'skipped_line') s.skipped_lines++;
        else s.unknown_events++;
        if (s.diagnostics.length < MAX_DIAGNOSTICS) {
          const d: Diagnostic = { line: e.line, kind: e.kind, reason: e.reason, raw: e.raw };
          s.diagnostics.push(d);
        }
        break;
      case 'run.ended':
        this.endRun(e.reason, e.exit_code, e.message);
        break;
    }
  }

  private currentTurn(): TurnState | undefined {
    return this.state.turns[this.state.turns.length - 1];
  }

  private openTurn(): void {
    const s = this.state;
    // A prompt shown before the turn.started of its own turn belongs to that turn.
    s.turns.push({ first_item: this.pendingPrompt ?? s.items.length, status: 'running', usage: null });
    this.pendingPrompt = null;
    s.status = 'running';
    this.turnUsageStart = s.usage;
  }

  private closeTurn(status: 'completed' | 'failed', error?: string): void {
    const s = this.state;
    let turn = this.currentTurn();
    if (!turn || turn.status !== 'running') {
      // A turn end without a start (truncated head): make the turn explicit.
      s.turns.push((turn = { first_item: turn ? s.items.length : 0, status: 'running', usage: null }));
    }
    turn.status = status;
    if (error !== undefined) turn.error = error;
    if (s.usage) turn.usage = this.turnUsageStart ? subtractUsage(s.usage, this.turnUsageStart) : s.usage;
    s.status = status;
  }

  private addReported(u: Usage, scope: 'call' | 'process' | 'thread'): void {
    this.state.usage = this.ledger.add(u, scope);
  }

  private pushError(message: string): void {
    const errs = this.state.errors;
    if (errs[errs.length - 1] !== message) errs.push(message);
  }

  private upsert(item: ThreadItem): void {
    const s = this.state;
    if (item.type === 'command_execution') item = this.capped(item);
    const at = this.index.get(item.id);
    if (at === undefined) {
      const running = this.currentTurn()?.status === 'running';
      if (item.type === 'user_message') {
        if (!running && this.pendingPrompt === null) this.pendingPrompt = s.items.length;
      } else if (s.turns.length === 0 && item.type !== 'error') this.openTurn(); // warnings may precede turn.started
      this.index.set(item.id, s.items.length);
      s.items.push(item);
    } else {
      const merged = { ...s.items[at], ...item } as ThreadItem;
      // An output that replaces one cut while streaming, and was not cut itself: the old count no longer applies.
      if (merged.type === 'command_execution' && item.type === 'command_execution' && item.output_truncated_chars === undefined) delete merged.output_truncated_chars;
      s.items[at] = merged;
    }
  }

  private capped(item: CommandExecutionItem): CommandExecutionItem {
    if (item.aggregated_output.length <= this.maxOutput) return item;
    const { text, dropped } = capOutput(item.aggregated_output, this.maxOutput);
    return { ...item, aggregated_output: text, output_truncated_chars: dropped };
  }

  private appendOutput(id: string, delta: string): void {
    const at = this.index.get(id);
    if (at === undefined) return;
    const item = this.state.items[at];
    if (!item || item.type !== 'command_execution') return;
    const { text, dropped } = appendCapped(item.aggregated_output, item.output_truncated_chars ?? 0, delta, this.maxOutput);
    this.state.items[at] = { ...item, aggregated_output: text, ...(dropped ? { output_truncated_chars: dropped } : {}) };
  }

  private endRun(reason: string, exitCode: number | null, message?: string): void {
    const s = this.state;
    const open = s.status === 'running';
    if (!open) return;
    let status: ThreadState['status'];
    let error: string | undefined;
    if (reason === 'cancelled') status = 'cancelled';
    else if (reason === 'exit' && ((exitCode !== null && exitCode !== 0) || (exitCode === null && message))) {
      // A failing exit code, or no exit code but a reason (codex was killed by a signal nobody here sent).
      status = 'failed';
      error = message ?? `codex exited with code ${exitCode}.`;
    } else if (reason === 'timeout' || reason === 'idle_timeout' || reason === 'spawn_error') {
      status = 'failed';
      error = message ?? reason;
    } else status = 'incomplete';
    const turn = this.currentTurn();
    if (turn && turn.status === 'running') {
      turn.status = status;
      if (error) turn.error = error;
      if (s.usage) turn.usage = this.turnUsageStart ? subtractUsage(s.usage, this.turnUsageStart) : s.usage;
    }
    if (error) this.pushError(error);
    else if (message && status === 'cancelled') this.pushError(message);
    s.status = status;
  }

  /** A deep copy of the state, safe to keep while this reducer goes on. */
  snapshot(): ThreadState {
    return structuredClone(this.state);
  }
}

/** Folds a finite list of events into a state. */
export function reduceEvents(events: Iterable<ThreadEvent>, opts?: ReducerOptions): ThreadState {
  const r = new ThreadReducer(opts);
  r.applyAll(events);
  return r.state;
}
