import type { FailureInfo, HostMessage, IndexedItem, InputNotices, TaskHeader } from '../shared/protocol';
import type { ThreadEvent, ThreadItem, ThreadState, TurnState } from '../shared/threadModel';
import { CUT_SHORT } from './execPipeline';

/*
 * What the host posts to a task panel, frame by frame. The page renders within a frame budget, but it receives each
 * message in one go: structured-cloning a message costs the page about 35-40 ms per MB, so a big message (a replay's
 * whole thread, a command's 2 MB of output) would freeze it. The feed therefore never puts more than about
 * `budget` characters in one frame:
 * - a reset (page loaded, panel restored, replay) goes out as a small `reset` and then `update`s that extend the
 *   thread in order, a frame at a time;
 * - a long command output goes out as a prefix in its item and then `append` pieces of the rest (`piece: true`: the
 *   host already capped that text, the page concatenates it as is);
 * - output deltas of an item the page has become `append`s, and when the item then completes with the output the
 *   page already has, the item goes out without it (`keepOutput`);
 * - turns are sent only when they changed, and nothing at all when nothing changed.
 * Pure: the VS Code panel (src/vscode/taskPanel.ts) and the webview benchmark drive the same code.
 */

/** Characters of messages per frame (about 10 ms of receiving for the page). */
export const FRAME_BUDGET_CHARS = 256_000;
/** Longest piece of output per message. */
export const OUTPUT_PIECE_CHARS = 128_000;

/** What the header, the failure banner and the notices show; small, sent with every update. */
export interface PanelMeta {
  header: TaskHeader;
  failure: FailureInfo | null;
  notices: InputNotices;
}

/** What the panel's notice says about input it could not use: counts, the first problem, and a cut at the end. */
export function inputNotices(state: ThreadState): InputNotices {
  const first = state.diagnostics[0];
  const cut = state.diagnostics.some((d) => d.reason.startsWith(CUT_SHORT));
  return {
    skipped_lines: state.skipped_lines,
    unknown_events: state.unknown_events,
    ...(cut ? { cut_short: true } : {}),
    ...(first ? { first_problem: `line ${first.line}: ${first.reason.slice(0, 300)}` } : {}),
  };
}

/** The thread as the host holds it (the reducer's state). */
export interface FeedSource {
  readonly items: readonly ThreadItem[];
  readonly turns: readonly TurnState[];
}

export interface PanelFeedOptions {
  budget?: number;
  piece?: number;
}

/**
 * About how many characters `value` takes as JSON, without building the JSON: string lengths plus a little per key
 * and value. Walks objects (not string contents), so it is cheap next to the postMessage that follows.
 */
export function approxChars(value: unknown): number {
  if (typeof value === 'string') return value.length + 2;
  if (value === null || typeof value !== 'object') return 8;
  let n = 2;
  if (Array.isArray(value)) {
    for (const v of value) n += approxChars(v) + 1;
    return n;
  }
  for (const k in value) {
    if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
    n += k.length + 4 + approxChars((value as Record<string, unknown>)[k]);
  }
  return n;
}

export class PanelFeed {
  private readonly budget: number;
  private readonly piece: number;
  /** Items [0, delivered) are on the page (sent at least once since the last reset). */
  private delivered = 0;
  private resetPending = true;
  /** Ids of delivered items changed since they were last sent. */
  private readonly dirty = new Set<string>();
  /** Ids of delivered items the page has (they were in the thread when it was sent). */
  private readonly onPage = new Set<string>();
  /** Output text to append, per item, in order (pieces of a long output, then deltas). */
  private readonly outbox = new Map<string, { text: string; piece: boolean }[]>();
  /** Items that got deltas since their output was last synced. */
  private readonly appended = new Set<string>();
  /** The host's output string the page ends up with once the outbox is sent, per command item. */
  private readonly synced = new Map<string, string>();
  private lastTurns = '';
  private lastMeta = '';
  /** Items remain that the page has not had yet. */
  private chunking = false;

  constructor(opts: PanelFeedOptions = {}) {
    this.budget = opts.budget ?? FRAME_BUDGET_CHARS;
    this.piece = opts.piece ?? OUTPUT_PIECE_CHARS;
  }

  /** The page was (re)loaded: everything goes out again, starting with a `reset`. */
  reset(): void {
    this.delivered = 0;
    this.resetPending = true;
    this.dirty.clear();
    this.onPage.clear();
    this.outbox.clear();
    this.appended.clear();
    this.synced.clear();
    this.lastTurns = '';
    this.lastMeta = '';
  }

  /** Whether more frames are needed to send what is already known (chunks of a reset, pieces of output). */
  get busy(): boolean {
    return this.resetPending || this.outbox.size > 0 || this.dirty.size > 0 || this.chunking;
  }

  /** Takes one thread event, after the reducer applied it. */
  event(e: ThreadEvent): void {
    if (e.type === 'item.output_delta') {
      if (this.onPage.has(e.item_id) && !this.dirty.has(e.item_id)) {
        this.appended.add(e.item_id);
        if (this.queue(e.item_id, e.delta, false) > 4 * this.piece) {
          // A burst bigger than the capped output would be: resending the item (in pieces) is cheaper.
          this.outbox.delete(e.item_id);
          this.dirty.add(e.item_id);
        }
      } else this.dirty.add(e.item_id);
    } else if (e.type === 'item.started' || e.type === 'item.updated' || e.type === 'item.completed') {
      this.dirty.add(e.item.id);
    }
  }

  /**
   * The messages of one frame: an update (or the reset) with changed items first, then new items in order, then
   * output pieces and deltas, all within the budget (at least one thing per frame, so it always progresses).
   * Returns an empty list when there is nothing to send.
   */
  frame(src: FeedSource, meta: PanelMeta): HostMessage[] {
    const out: HostMessage[] = [];
    let left = this.budget;
    const items: IndexedItem[] = [];
    const reset = this.resetPending;
    if (reset) this.resetPending = false;
    // Changed items the page has (indexes below `delivered`), and syncing of outputs that got deltas.
    if (this.dirty.size || this.appended.size) {
      const limit = Math.min(this.delivered, src.items.length);
      for (let i = 0; i < limit && (this.dirty.size || this.appended.size); i++) {
        const item = src.items[i]!;
        if (this.dirty.has(item.id)) {
          if (items.length && left <= 0) break;
          left -= this.add(items, i, item, !this.appended.has(item.id));
          this.dirty.delete(item.id);
          this.appended.delete(item.id);
        } else if (this.appended.delete(item.id) && item.type === 'command_execution') this.synced.set(item.id, item.aggregated_output);
      }
      // Whatever is left dirty is not on the page yet: it goes out with its chunk.
      for (const id of this.dirty) if (!this.onPage.has(id)) this.dirty.delete(id);
    }
    // New items, in order.
    while (this.delivered < src.items.length && left > 0) {
      const i = this.delivered++;
      left -= this.add(items, i, src.items[i]!, false);
    }
    this.chunking = this.delivered < src.items.length;
    const turns = JSON.stringify(src.turns);
    const metaText = JSON.stringify(meta);
    const turnsChanged = turns !== this.lastTurns;
    if (reset) {
      out.push({ type: 'reset', items: items.map((x) => x.item), turns: [...src.turns], ...meta });
    } else if (items.length || turnsChanged || metaText !== this.lastMeta) {
      out.push({ type: 'update', items, ...(turnsChanged ? { turns: [...src.turns] } : {}), ...meta });
    }
    this.lastTurns = turns;
    this.lastMeta = metaText;
    // Output, oldest first, within what is left of the budget (at least one piece when nothing else went out).
    for (const [itemId, queue] of this.outbox) {
      while (queue.length && (left > 0 || out.length === 0)) {
        const next = queue.shift()!;
        out.push(next.piece ? { type: 'append', itemId, text: next.text, piece: true } : { type: 'append', itemId, text: next.text });
        left -= next.text.length + 64;
      }
      if (!queue.length) this.outbox.delete(itemId);
      if (left <= 0) break;
    }
    return out;
  }

  /**
   * Adds an item to the message; a long command output goes as a prefix with the rest queued as pieces. When the
   * page already has the item's whole output (`mayKeep` and nothing changed it), the item goes without it.
   * Returns the characters used.
   */
  private add(items: IndexedItem[], index: number, item: ThreadItem, mayKeep: boolean): number {
    this.onPage.add(item.id);
    if (item.type !== 'command_execution') {
      items.push({ index, item });
      return approxChars(item) + 16;
    }
    const output = item.aggregated_output;
    if (mayKeep && this.synced.get(item.id) === output) {
      items.push({ index, item: { ...item, aggregated_output: '' }, keepOutput: true });
      return approxChars(item.command) + 256;
    }
    this.synced.set(item.id, output);
    this.outbox.delete(item.id);
    if (output.length <= this.piece) {
      items.push({ index, item });
      return output.length + approxChars(item.command) + 256;
    }
    items.push({ index, item: { ...item, aggregated_output: output.slice(0, this.piece) } });
    for (let at = this.piece; at < output.length; at += this.piece) this.queue(item.id, output.slice(at, at + this.piece), true);
    return this.piece + approxChars(item.command) + 256;
  }

  /** Queues output for an item; returns the characters of deltas now waiting for it. */
  private queue(itemId: string, text: string, piece: boolean): number {
    let q = this.outbox.get(itemId);
    if (!q) this.outbox.set(itemId, (q = []));
    const last = q[q.length - 1];
    // Deltas coalesce (a stream of small deltas becomes one append per frame), up to a piece.
    if (last && !last.piece && !piece && last.text.length + text.length <= this.piece) last.text += text;
    else q.push({ text, piece });
    let waiting = 0;
    for (const x of q) if (!x.piece) waiting += x.text.length;
    return waiting;
  }
}
