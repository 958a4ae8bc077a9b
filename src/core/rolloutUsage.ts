import type { Usage, UsageScope } from '../shared/threadModel';
import { infoUsage, tokenCountUsage, UsageTotals } from './rolloutContext';
import { localDay } from './localDay';
import { addUsage, subtractUsage, usageFromWire } from './usage';
import { UsageLedger } from './usageLedger';
import { envelopeTimestamp, latin1, modelAt, plainSkip, tokenCountAt, usageLineKind, type UsageLineKind } from './usageLineKind';
import { atLeast, parseCliVersion } from './version';

/** Tokens one model spent on one day of a session. */
export interface UsageSlice {
  /** The model in use (`turn_context`, `thread_settings_applied`, `session_meta`); null when the file never says. */
  model: string | null;
  /** Local date of the usage records, `YYYY-MM-DD`. */
  day: string;
  usage: Usage;
}

/** The exact token usage of one rollout file. */
export interface SessionUsage {
  /** Everything the session spent; null when the file records no token counts at all ("unknown", not 0). */
  total: Usage | null;
  /** The total split by model and day, in order of first use. */
  slices: UsageSlice[];
  /** Time of the last usage record (ISO, as written). */
  last_activity: string | null;
}

/** Options of {@link RolloutUsageScanner}. */
export interface UsageScanOptions {
  /** The day a record's time falls on; default: the local date in this process's time zone. */
  dayOf?: (ms: number) => string;
  /**
   * Called with every line from the start (its bytes `buf[start, end)`), until it returns false: lets one read of a
   * file also feed the index's head parser.
   */
  headLines?: (buf: Uint8Array, start: number, end: number) => boolean;
  /** Decodes UTF-8 `buf[start, end)`; default a `TextDecoder` (Node passes a faster one). */
  decode?: (buf: Uint8Array, start: number, end: number) => string;
  /** Decodes `buf[start, end)` as Latin-1, one char per byte (timestamps); default `String.fromCharCode`. */
  latin1?: (buf: Uint8Array, start: number, end: number) => string;
}

export { localDay } from './localDay';

const KEYWORDS = /token_count|token_usage_record|turn_context|session_meta|thread_settings_applied/;
const CLI_VERSION = /"cli_version":"([^"\\]*)"/;
const MODEL = /"model":"([^"\\]+)"/;
/** Bytes of a session_meta line searched for its version and model (they come before the long instructions). */
const META_HEAD = 4096;

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads the token usage of a rollout file from its bytes, fast: only the few line kinds that carry usage or the
 * model are decoded (see `usageLineKind`). Counts exactly as a replay through the reducer does (the same
 * `UsageTotals` and `UsageLedger`): cumulative totals taken once (the CLI writes duplicates), processes a resume
 * appended counted once each, `last_token_usage` where only that exists, 0.169's `token_usage_record` where no
 * `token_count` exists. Each counted increase goes to the model and day it was recorded under.
 */
export class RolloutUsageScanner {
  private readonly totals = new UsageTotals();
  private readonly ledger = new UsageLedger();
  private readonly dayOf: (ms: number) => string;
  private readonly slices = new Map<string, UsageSlice>();
  /** The slice the last record was counted in. */
  private recent: UsageSlice | null = null;
  private carry: Uint8Array | null = null;
  /** Set while the last line, which had no line break, is read. */
  private unterminated = false;
  private skipping = false;
  private metaSeen = false;
  private model: string | null = null;
  private firstModel: string | null = null;
  private counted: Usage | null = null;
  private last: string | null = null;
  private dayKey = '';
  private day = '';
  private headLines: ((buf: Uint8Array, start: number, end: number) => boolean) | null;
  private readonly decode: (buf: Uint8Array, start: number, end: number) => string;
  private readonly latin1: (buf: Uint8Array, start: number, end: number) => string;

  constructor(opts: UsageScanOptions = {}) {
    this.dayOf = opts.dayOf ?? localDay;
    this.headLines = opts.headLines ?? null;
    // (A decoder made only when none is given: the index makes a scanner per file, 10,000 of them cold.)
    this.decode = opts.decode ?? textDecode();
    this.latin1 = opts.latin1 ?? latin1;
  }

  /** Feeds bytes of the file, in order (chunks may split lines anywhere). */
  write(chunk: Uint8Array): void {
    let pos = 0;
    if (this.skipping || this.carry) {
      const nl = chunk.indexOf(10);
      if (nl < 0) return this.hold(chunk, 0);
      if (this.carry) this.joined(chunk.subarray(0, nl));
      this.carry = null;
      this.skipping = false;
      pos = nl + 1;
    }
    // Once the head is read, most lines are skipped on a few bytes, without a call to `line` each.
    for (let nl = chunk.indexOf(10, pos); nl >= 0; nl = chunk.indexOf(10, pos)) {
      if (this.headLines || nl - pos < 64 || !plainSkip(chunk, pos)) this.line(chunk, pos, nl);
      pos = nl + 1;
    }
    if (pos < chunk.length) this.hold(chunk, pos);
  }

  /** Keeps the start of a line cut by the chunk's end, unless its first bytes show it does not matter. */
  private hold(chunk: Uint8Array, from: number): void {
    if (this.skipping) return;
    if (this.headLines) {
      const piece = chunk.subarray(from);
      this.carry = this.carry ? concat(this.carry, piece) : copyOf(piece);
      return;
    }
    const piece = chunk.subarray(from);
    const held = this.carry ? concat(this.carry, piece) : copyOf(piece);
    if (held.length >= 256 && usageLineKind(held, 0, held.length) === 'skip') {
      this.carry = null;
      this.skipping = true;
    } else this.carry = held;
  }

  private joined(tail: Uint8Array): void {
    const whole = concat(this.carry ?? new Uint8Array(0), tail);
    this.line(whole, 0, whole.length);
  }

  private line(buf: Uint8Array, start: number, end: number): void {
    if (end > start && buf[end - 1] === 13) end--;
    if (end <= start) return;
    if (this.headLines && !this.headLines(buf, start, end)) this.headLines = null;
    const kind = usageLineKind(buf, start, end);
    if (kind === 'skip') return;
    if (kind === 'session_meta') return this.sessionMeta(this.decode(buf, start, Math.min(end, start + META_HEAD)));
    // The model of a turn_context (up to six per turn, up to a few KB each) is read in place, not parsed.
    if (kind === 'turn_context') return this.setModel(modelAt(buf, start, end, this.model));
    // Once the file has token_count records, 0.169's token_usage_record duplicates them and is not read.
    if (kind === 'token_usage_record' && this.totals.usesTokenCount) return;
    if (kind === 'token_count') {
      // The hot path: read in place; parsed only when the line is not of the usual shape, and for the last line of a
      // file without a line break, which a crash may have cut anywhere: the replay skips it when it is malformed, and
      // so must the count.
      const fast = this.unterminated ? null : tokenCountAt(buf, start, end);
      if (fast) {
        if (!fast.total && !fast.last) return;
        const ts = envelopeTimestamp(buf, start, end, this.latin1);
        const e = infoUsage(this.totals, fast.total, fast.last, ts);
        if (e?.type === 'usage') this.count(e.usage, e.scope, ts);
        return;
      }
    }
    const text = this.decode(buf, start, end);
    if (kind === 'unsure' && !KEYWORDS.test(text)) return;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      return; // a line cut by a crash: the totals before it stand
    }
    if (!isObj(obj) || typeof obj.type !== 'string' || !isObj(obj.payload)) return;
    const ts = typeof obj.timestamp === 'string' ? obj.timestamp : null;
    this.record(kind === 'unsure' ? recordKind(obj.type, obj.payload) : kind, obj.payload, ts, text);
  }

  private record(kind: UsageLineKind, payload: Json, ts: string | null, text: string): void {
    switch (kind) {
      case 'session_meta':
        return this.sessionMeta(text);
      case 'turn_context':
        return this.setModel(payload.model);
      case 'thread_settings':
        return this.setModel(isObj(payload.thread_settings) ? payload.thread_settings.model : undefined);
      case 'token_count': {
        const e = tokenCountUsage(this.totals, payload, ts);
        if (e?.type === 'usage') this.count(e.usage, e.scope, ts);
        return;
      }
      case 'token_usage_record': {
        const total = usageFromWire(payload.thread_token_usage);
        const e = total ? this.totals.total(total, 'record', ts) : null;
        if (e?.type === 'usage') this.count(e.usage, e.scope, ts);
        return;
      }
      default:
        return;
    }
  }

  private sessionMeta(head: string): void {
    if (this.metaSeen) return this.totals.processBoundary();
    this.metaSeen = true;
    const version = parseCliVersion(CLI_VERSION.exec(head)?.[1] ?? '');
    this.totals.threadScope = version !== null && atLeast(version, 0, 80);
    const model = MODEL.exec(head)?.[1];
    if (model && this.model === null) this.setModel(model);
  }

  private setModel(model: unknown): void {
    if (typeof model !== 'string' || model.trim() === '') return;
    this.model = model;
    this.firstModel ??= model;
  }

  private count(u: Usage, scope: UsageScope, ts: string | null): void {
    const total = this.ledger.add(u, scope);
    const delta = this.counted ? subtractUsage(total, this.counted) : total;
    this.counted = total;
    if (ts) this.last = ts;
    const day = this.dayFor(ts);
    // Most records add to the slice the one before added to: no key to build and look up for them.
    const recent = this.recent;
    if (recent && recent.model === this.model && recent.day === day) {
      recent.usage = addUsage(recent.usage, delta);
      return;
    }
    const key = `${this.model ?? ''}\u0000${day}`;
    let slice = this.slices.get(key);
    if (slice) slice.usage = addUsage(slice.usage, delta);
    else this.slices.set(key, (slice = { model: this.model, day, usage: delta }));
    this.recent = slice;
  }

  private dayFor(ts: string | null): string {
    if (!ts) return this.day; // no time on the record: the day of the one before
    const key = ts.slice(0, 16); // minutes: every zone's offset is a whole number of them
    if (key !== this.dayKey) {
      const ms = Date.parse(ts);
      if (Number.isNaN(ms)) return this.day;
      this.dayKey = key;
      this.day = this.dayOf(ms);
    }
    return this.day;
  }

  /** Ends the file (a last line without a line break counts); returns what it spent. */
  end(): SessionUsage {
    this.unterminated = true;
    if (this.carry && !this.skipping) this.joined(new Uint8Array(0));
    this.carry = null;
    const slices: UsageSlice[] = [];
    const byKey = new Map<string, UsageSlice>();
    for (const s of this.slices.values()) {
      // Usage recorded before the file named its model belongs to the first model it names.
      const model = s.model ?? this.firstModel;
      const key = `${model ?? ''}\u0000${s.day}`;
      const into = byKey.get(key);
      if (into) into.usage = addUsage(into.usage, s.usage);
      else {
        const slice = { model, day: s.day, usage: s.usage };
        byKey.set(key, slice);
        slices.push(slice);
      }
    }
    return { total: this.ledger.total, slices, last_activity: this.last };
  }
}

/** Decodes UTF-8 `buf[start, end)` with a `TextDecoder` of its own. */
function textDecode(): (buf: Uint8Array, start: number, end: number) => string {
  const decoder = new TextDecoder('utf-8');
  return (buf, start, end) => decoder.decode(buf.subarray(start, end));
}

function recordKind(type: string, payload: Json): UsageLineKind {
  if (type === 'event_msg') return payload.type === 'token_count' ? 'token_count' : payload.type === 'thread_settings_applied' ? 'thread_settings' : 'skip';
  return type === 'turn_context' || type === 'session_meta' || type === 'token_usage_record' ? type : 'skip';
}

/**
 * A copy of `bytes`, whatever their class: a Node Buffer's `slice()` is a view, not a copy (a carried line start held
 * as one was overwritten by the next chunk read into the same buffer, and lost).
 */
const copyOf = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The usage of a whole rollout held in memory (tests, small files). */
export function scanRolloutUsage(bytes: Uint8Array | string, opts?: UsageScanOptions): SessionUsage {
  const s = new RolloutUsageScanner(opts);
  s.write(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes);
  return s.end();
}
