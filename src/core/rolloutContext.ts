import type { ThreadEvent, ThreadItem, Usage, UsageScope } from '../shared/threadModel';
import { emptySession, type RolloutSession } from './rolloutSession';
import { copyBounded } from './depthLimit';
import { titleFromPrompt } from './sessionTitle';
import { addUsage, usageFromWire } from './usage';
import { usageDropped } from './usageLedger';

/** Which record a message came from: rollouts of 0.40+ store most messages twice. */
export type MessageSource = 'response' | 'event';

type MessageKind = 'user' | 'agent' | 'reasoning';

/** How many unmatched texts per kind and source are remembered for de-duplication. */
const ECHO_MEMORY = 32;

/**
 * A deep copy of plain data that shares the strings: they are immutable, and `structuredClone` copied every command
 * output once more for each event that carries it. Bounded in depth (see `copyBounded`).
 */
const copyData = <T>(v: T): T => copyBounded(v);

function norm(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Drops the second copy of a message. From 0.40 on a rollout records a prompt, an assistant message or a reasoning
 * summary both as a `response_item` and as an `event_msg` (`user_message`, `agent_message`, `agent_reasoning`, or
 * 0.169's `item_completed`), in either order, not always with the same id. A text from one source cancels the
 * oldest equal text still waiting from the other source.
 */
export class EchoFilter {
  private readonly waiting = new Map<string, string[]>();

  private queue(kind: MessageKind, source: MessageSource): string[] {
    const key = `${kind}:${source}`;
    let q = this.waiting.get(key);
    if (!q) this.waiting.set(key, (q = []));
    return q;
  }

  /** The parts not already shown from the other source (and remembers them). */
  fresh(kind: MessageKind, source: MessageSource, parts: string[]): string[] {
    const other = this.queue(kind, source === 'event' ? 'response' : 'event');
    const mine = this.queue(kind, source);
    const out: string[] = [];
    for (const part of parts) {
      const key = norm(part);
      if (key === '') continue;
      const at = other.indexOf(key);
      if (at >= 0) {
        other.splice(0, at + 1);
        continue;
      }
      out.push(part);
      mine.push(key);
      if (mine.length > ECHO_MEMORY) mine.shift();
    }
    return out;
  }
}

/**
 * Turns the cumulative totals a rollout records into `usage` events that never double count. Before 0.80 a total
 * covers one codex process, so when a resumed process appended to the file (a total going down, or a new
 * `session_meta`) the earlier processes' final totals are carried as a base and the events stay cumulative over the
 * file. From 0.80 a total covers the whole thread and is passed on as `thread` scope, so a live run resumed after the
 * replay (`ThreadReducer.beginRun`) measures itself against it.
 */
export class UsageTotals {
  private base: Usage | null = null;
  private last: Usage | null = null;
  private newProcess = false;
  private fromTokenCount = false;
  /** Times of the records already counted, by their figures. */
  private readonly seen = new Map<number, string[]>();
  /** Set from the CLI version: whether totals cover the thread (0.80+). */
  threadScope = false;

  /**
   * Whether a record with this time and these figures was counted before. Such a record is a copy (history copied
   * into the file again), never new usage; the CLI's own duplicates differ in time and are caught as repeated totals.
   */
  repeated(ts: string | null | undefined, kind: 'token_count' | 'record' | 'last', u: Usage): boolean {
    if (!ts) return false;
    // A number key (no string to build for every record); the times tell records with equal figures apart.
    const key = (u.input_tokens * 1_000_003 + u.output_tokens) * 3 + (kind === 'token_count' ? 0 : kind === 'record' ? 1 : 2);
    const times = this.seen.get(key);
    if (!times) this.seen.set(key, [ts]);
    else if (times.includes(ts)) return true;
    else times.push(ts);
    return false;
  }

  /** Whether the file's totals come from `token_count` (so `token_usage_record` is ignored). */
  get usesTokenCount(): boolean {
    return this.fromTokenCount;
  }

  /** A later `session_meta`: the next total may start a new process's count. */
  processBoundary(): void {
    if (this.last) this.newProcess = true;
  }

  /**
   * A cumulative total from `token_count` (preferred) or `token_usage_record` (used only without the former), with
   * the time of its record when known.
   */
  total(u: Usage, from: 'token_count' | 'record', ts?: string | null): ThreadEvent | null {
    if (from === 'record' && this.fromTokenCount) return null;
    if (from === 'token_count') this.fromTokenCount = true;
    if (this.repeated(ts, from, u)) return null;
    const scope: UsageScope = this.threadScope ? 'thread' : 'process';
    if (scope === 'process' && this.last && (this.newProcess || usageDropped(u, this.last))) {
      this.base = this.base ? addUsage(this.base, this.last) : this.last;
    }
    this.newProcess = false;
    this.last = u;
    return { type: 'usage', usage: scope === 'process' && this.base ? addUsage(this.base, u) : u, scope };
  }
}

/**
 * The usage event of a `token_count` event_msg: its cumulative `info.total_token_usage` (through `totals`), else its
 * `info.last_token_usage` (one call, where only that is recorded), else the flat per-call counts of the oldest CLIs.
 * Null for `info: null` (rate limits only) and for a record seen before (same time and figures).
 */
export function tokenCountUsage(totals: UsageTotals, msg: Record<string, unknown>, ts?: string | null): ThreadEvent | null {
  const info = msg.info as { total_token_usage?: unknown; last_token_usage?: unknown } | null | undefined;
  if (info && typeof info === 'object') return infoUsage(totals, info.total_token_usage, info.last_token_usage, ts);
  if ('info' in msg) return null;
  const call = usageFromWire(msg);
  return call ? { type: 'usage', usage: call, scope: 'call' } : null;
}

/**
 * The usage event of a `token_count`'s `info`, from its two usage objects as written (the usage scanner reads them
 * in place): the cumulative total, else the last call's.
 */
export function infoUsage(totals: UsageTotals, totalUsage: unknown, lastUsage: unknown, ts?: string | null): ThreadEvent | null {
  const total = usageFromWire(totalUsage);
  if (total) return totals.total(total, 'token_count', ts);
  const last = usageFromWire(lastUsage);
  return last && !totals.repeated(ts, 'last', last) ? { type: 'usage', usage: last, scope: 'call' } : null;
}

/**
 * The state shared by the mappers of one rollout: the events produced for the current line, ids, the open turn,
 * message de-duplication, usage and what is known of the session.
 */
export class RolloutContext {
  out: ThreadEvent[] = [];
  readonly session: RolloutSession = emptySession();
  readonly echoes = new EchoFilter();
  readonly usage = new UsageTotals();
  /** The `timestamp` of the record being mapped (envelope files), for telling copied usage records apart. */
  timestamp: string | null = null;
  /** The folder commands run in (session_meta, turn_context, environment context). */
  cwd: string | undefined;
  /** The file records turn starts and ends (`task_started` / `task_complete`, 0.59+). */
  taskMarkers = false;
  turnOpen = false;
  turnNo = 0;
  private turnHasPrompt = false;
  /** The open turn has assistant output (a message or a tool call). */
  turnHasOutput = false;
  /** The last fatal-looking `error` event since the last output, which a turn end without an error field reports. */
  lastError: string | null = null;
  private n = 0;

  constructor(readonly idPrefix: string) {}

  /** A fresh item id. */
  newId(kind: string): string {
    return `${this.idPrefix}${kind}_${this.n++}`;
  }

  openTurn(): void {
    if (this.turnOpen) return;
    this.turnOpen = true;
    this.turnNo++;
    this.turnHasPrompt = false;
    this.turnHasOutput = false;
    this.lastError = null;
    this.out.push({ type: 'turn.started' });
  }

  /** Ends the open turn (a turn end with nothing open is passed on only before any turn was seen: a cut head). */
  closeTurn(error?: string): void {
    if (!this.turnOpen && this.turnNo > 0) return;
    this.turnOpen = false;
    this.out.push(error === undefined ? { type: 'turn.completed', usage: null, scope: 'process' } : { type: 'turn.failed', error: { message: error } });
  }

  /** A real prompt (injected context already filtered out). */
  prompt(text: string, source: MessageSource): void {
    if (this.echoes.fresh('user', source, [text]).length === 0) return;
    // Without turn markers, a prompt is what starts a turn (0.1 – 0.45).
    if (!this.taskMarkers && this.turnOpen && this.turnHasPrompt) this.closeTurn(this.turnHasOutput ? undefined : this.lastError ?? undefined);
    this.openTurn();
    this.turnHasPrompt = true;
    this.session.title ??= titleFromPrompt(text) || null;
    this.out.push({ type: 'item.completed', item: { id: this.newId('user'), type: 'user_message', text } });
  }

  /** An assistant message or reasoning summary (parts already seen from the other source are dropped). */
  agentText(kind: 'agent_message' | 'reasoning', parts: string[], source: MessageSource): void {
    const fresh = this.echoes.fresh(kind === 'agent_message' ? 'agent' : 'reasoning', source, parts);
    if (fresh.length === 0) return;
    const text = fresh.join('\n\n');
    this.emit('item.completed', kind === 'agent_message' ? { id: this.newId('msg'), type: kind, text } : { id: this.newId('reasoning'), type: kind, text });
  }

  /** Emits an item event inside a turn (opening one when the head of the file was cut). */
  emit(type: 'item.started' | 'item.updated' | 'item.completed', item: ThreadItem): void {
    this.openTurn();
    if (item.type !== 'user_message' && item.type !== 'error') {
      this.turnHasOutput = true;
      this.lastError = null;
    }
    this.out.push({ type, item: copyData(item) });
  }

  /** Records a cwd the file states, keeping the session's first. */
  setCwd(cwd: string | null | undefined): void {
    if (!cwd) return;
    this.cwd = cwd;
    this.session.cwd ??= cwd;
  }
}
