import { classifyFailure } from '../core/failure';
import type { PricingOverrides } from '../core/pricing';
import { ThreadReducer } from '../core/threadReducer';
import { totalTokens } from '../core/usage';
import { liveBreakdown, type UsageBreakdown } from '../core/usageStatus';
import type { FailureInfo, TaskHeader } from '../shared/protocol';
import type { ThreadEvent, ThreadState } from '../shared/threadModel';
import type { RunResult } from './codexRunner';
import { runTask, TaskSetupError, type TaskOptions } from './codexTask';

/** Run options that come from settings, read again for every run so setting changes apply. */
export type RunSettings = Omit<TaskOptions, 'prompt' | 'cwd' | 'signal' | 'reducer' | 'idPrefix' | 'onEvent' | 'resumeThreadId'>;

/** Options of a {@link TaskSession}. */
export interface TaskSessionOptions {
  id: string;
  cwd: string;
  /** Shown in the panel title. */
  title: string;
  settings: () => RunSettings;
  /** Continue this existing thread (resume from history). */
  threadId?: string;
  /** A past session opened from history (the header says so). */
  replay?: boolean;
  /** Runs a task; defaults to {@link runTask} (the extension swaps in the detached runner). Null: the follower left. */
  run?: (opts: TaskOptions) => Promise<RunResult | null>;
}


/**
 * One task: a thread and the codex runs that feed it (the first prompt, then follow-ups that resume the thread).
 * Every run folds into the same reducer, so the panel shows one growing conversation. No VS Code here: the panel
 * subscribes to events and reads {@link header}.
 */
export class TaskSession {
  readonly id: string;
  readonly cwd: string;
  title: string;
  private reducerNow = new ThreadReducer();
  /** Extra header fields (the replay player's state). */
  headerExtra: Partial<TaskHeader> = {};
  private controller: AbortController | null = null;
  private runs = 0;
  private runningSince: number | null = null;
  private elapsedMs = 0;
  private readonly listeners = new Set<(e: ThreadEvent | null) => void>();
  private readonly settings: () => RunSettings;
  private readonly run: (opts: TaskOptions) => Promise<RunResult | null>;
  private resumeId: string | undefined;
  private readonly replay: boolean;
  /** The last run's result, once it finished. */
  lastResult: RunResult | null = null;
  /** Prices for the cost estimate (the `codexSessions.pricing` setting); by default the built-in table only. */
  pricing: () => PricingOverrides = () => ({});
  /** The thread's usage from its rollout file, which codex updates after every model call (see setRolloutUsage). */
  private fromRollout: UsageBreakdown | null = null;

  constructor(opts: TaskSessionOptions) {
    this.id = opts.id;
    this.cwd = opts.cwd;
    this.title = opts.title;
    this.settings = opts.settings;
    this.run = opts.run ?? runTask;
    this.resumeId = opts.threadId;
    this.replay = opts.replay === true;
    if (opts.threadId) this.reducer.state.thread_id = opts.threadId;
  }

  get reducer(): ThreadReducer {
    return this.reducerNow;
  }

  get state(): ThreadState {
    return this.reducerNow.state;
  }

  /** Starts the thread's view over from nothing (the replay player restarts); the thread id is kept. */
  clearThread(): void {
    const id = this.state.thread_id;
    this.reducerNow = new ThreadReducer();
    this.reducerNow.state.thread_id = id;
  }

  /** Tells listeners that the header changed. */
  touch(): void {
    this.emit(null);
  }

  /** Applies events that did not come from a run (the replay player's steps) and tells the listeners. */
  applyEvents(events: ThreadEvent[]): void {
    for (const e of events) {
      this.reducerNow.apply(e);
      this.emit(e);
    }
  }

  get running(): boolean {
    return this.controller !== null;
  }

  /**
   * Subscribes to every event folded into the thread, and to `null` when only the session changed (a run started or
   * ended); returns the unsubscribe function.
   */
  onEvent(listener: (e: ThreadEvent | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: ThreadEvent | null): void {
    for (const l of this.listeners) l(e);
  }

  /** Sends a prompt: the first one starts the thread, later ones resume it. Resolves when the run ends. */
  async send(prompt: string): Promise<RunResult | null> {
    // A thread that never started (codex missing, a failed first run) is simply started again.
    const threadId = this.state.thread_id ?? this.resumeId;
    const prefix = this.runs === 0 && !this.resumeId ? '' : `r${this.runs}:`;
    return this.execute(prompt, prefix, (signal) =>
      this.run({
        ...this.settings(),
        prompt,
        cwd: this.cwd,
        signal,
        reducer: this.reducer,
        idPrefix: prefix,
        resumeThreadId: threadId ?? undefined,
        onEvent: (e) => this.emit(e),
      }),
    );
  }

  /**
   * Takes over a run that is already going (re-attached after a window reload) or replays a finished one: `follow`
   * feeds the reducer through the given callbacks and resolves when the run ends.
   */
  adopt(follow: (signal: AbortSignal, onEvent: (e: ThreadEvent) => void) => Promise<RunResult | null>): Promise<RunResult | null> {
    return this.execute(null, `r${this.runs}:`, (signal) => follow(signal, (e) => this.emit(e)));
  }

  private async execute(prompt: string | null, prefix: string, go: (signal: AbortSignal) => Promise<RunResult | null>): Promise<RunResult | null> {
    if (this.running) throw new Error('This task is still running.');
    const controller = new AbortController();
    this.controller = controller;
    this.runningSince = Date.now();
    this.runs++;
    this.emit(null);
    try {
      const result = await go(controller.signal);
      if (result) this.lastResult = result;
      return result;
    } catch (e) {
      // The run never started (no codex, bad options): record it in the thread like any failure.
      const message = e instanceof TaskSetupError ? e.message : `Could not run codex: ${(e as Error).message}`;
      this.reducer.beginRun();
      const events: ThreadEvent[] = [
        ...(prompt !== null ? [{ type: 'item.completed' as const, item: { id: `${prefix}prompt`, type: 'user_message' as const, text: prompt } }] : []),
        { type: 'run.ended', reason: 'spawn_error', exit_code: null, message },
      ];
      for (const ev of events) {
        this.reducer.apply(ev);
        this.emit(ev);
      }
      return null;
    } finally {
      this.elapsedMs += Date.now() - (this.runningSince ?? Date.now());
      this.runningSince = null;
      this.controller = null;
      this.emit(null);
    }
  }

  /** Stops the running codex (and everything it started). */
  stop(): void {
    this.controller?.abort();
  }

  /** Resolves when no run is in progress (after {@link stop}, once every process is gone). */
  async idle(): Promise<void> {
    while (this.running) await new Promise((r) => setTimeout(r, 25));
  }

  /** What the panel header shows now. */
  /**
   * The rollout file's figure for this thread: codex 0.169's `exec --json` reports tokens only when a turn ends, the
   * rollout file after every model call. Tells listeners (the panel header, the status bar) when it changed.
   */
  setRolloutUsage(b: UsageBreakdown | null): void {
    if ((b ? totalTokens(b.usage) : -1) === (this.fromRollout ? totalTokens(this.fromRollout.usage) : -1)) return;
    this.fromRollout = b;
    this.emit(null);
  }

  /**
   * The thread's usage so far, priced: the exec stream's figure, or the rollout file's when that is ahead (both count
   * the same thread, so the larger is the later one). Null while neither has reported tokens.
   */
  usageBreakdown(): UsageBreakdown | null {
    const s = this.state;
    const stream = liveBreakdown(s.usage, s.meta.model ?? this.settings().model, this.pricing());
    const file = this.fromRollout;
    return file && (!stream || totalTokens(file.usage) >= totalTokens(stream.usage)) ? file : stream;
  }

  header(extra: Partial<TaskHeader> = {}): TaskHeader {
    const s = this.state;
    const usage = this.usageBreakdown();
    return {
      title: this.title,
      threadId: s.thread_id ?? this.resumeId ?? null,
      status: this.running ? 'running' : s.status === 'running' ? 'incomplete' : s.status,
      runningSince: this.runningSince,
      elapsedMs: this.elapsedMs,
      usage: usage?.usage ?? null,
      // Only a full estimate: a figure with unpriced tokens would understate the cost.
      costUsd: usage?.complete ? usage.usd : null,
      canFollowUp: !this.running && !this.headerExtra.player?.playing && !!(s.thread_id ?? this.resumeId),
      canStop: this.running,
      replay: this.replay,
      ...this.headerExtra,
      ...extra,
    };
  }

  /**
   * The readable failure of the thread, when it failed, classified with the last run's exit status and stderr. A stop
   * by the user is classified too (`kind: 'cancelled'`) but not returned: the header already says "Stopped".
   */
  failure(): FailureInfo | null {
    if (this.running) return null;
    const f = classifyFailure(this.state, this.lastResult ?? {});
    return f?.kind === 'cancelled' ? null : f;
  }
}
