import { PriceBook, missingPriceHint, type PricingOverrides } from '../core/priceBook';
import type { ModelPrice } from '../core/priceTable';
import { PRICES_CHECKED } from '../core/priceTable';
import { localDay } from '../core/localDay';
import { emptyUsage } from '../core/usage';
import type { Usage } from '../shared/threadModel';
import type { SessionInfo } from './sessionFiles';
import type { SessionIndex } from './sessionIndex';
import { sessionTimeMs } from './sessionFiles';

/** How {@link usageReport} groups its rows. */
export type UsageGrouping = 'day' | 'model' | 'session';

/** Options of {@link usageReport}. */
export interface UsageReportOptions {
  /** Only usage recorded on or after this local date (`YYYY-MM-DD`). */
  since?: string;
  /** Only usage recorded on or before this local date (`YYYY-MM-DD`). */
  until?: string;
  /** Row grouping (default `day`). */
  by?: UsageGrouping;
  /** The user's prices (`codexSessions.pricing`), over the built-in table. */
  pricing?: PricingOverrides;
  /** By session: leave the rows out (only the totals are wanted; the rows come from elsewhere). */
  noRows?: boolean;
}

/** Token counts and their API-equivalent cost. */
export interface UsageFigures extends Usage {
  /** USD at API list prices; null when some of the tokens are of a model without a price ("cost unknown"). */
  cost_usd: number | null;
  /** Models whose tokens have no price (`null`: sessions that never name their model), with a hint each. */
  unpriced?: { model: string | null; hint: string }[];
}

/** One row: a day, a model or a session. */
export type UsageRow = UsageFigures &
  (
    | { day: string; sessions: number; models: string[] }
    | { model: string | null; price_model: string | null; sessions: number }
    | { session_id: string; path: string; archived: boolean; started_at: string | null; title: string | null; models: string[]; last_activity: string | null }
  );

/** Totals of a report: the figures, priced parts only in `cost_usd`, and what could not be counted. */
export interface UsageTotalsRow extends Usage {
  /** USD of every priced token (an estimate at API list prices); tokens without a price are listed in `unpriced`. */
  cost_usd: number;
  /** Whether every counted token had a price. */
  cost_complete: boolean;
  unpriced: { model: string | null; hint: string; input_tokens: number; output_tokens: number }[];
  /** Sessions with usage in the period. */
  sessions: number;
  /** Sessions in the period whose files record no token counts at all (shown as unknown, never as 0). */
  sessions_without_usage: number;
}

/** What `codex-sessions usage --json` prints and what the status bar and the report view show. */
export interface UsageReport {
  totals: UsageTotalsRow;
  by: UsageGrouping;
  rows: UsageRow[];
  /** Always an estimate: ChatGPT-plan users are not billed per token. */
  cost_basis: string;
  prices_checked: string;
}

/** The label that goes with every cost figure. */
export const COST_BASIS = 'API-equivalent estimate at list prices (ChatGPT plans are not billed per token)';

/**
 * One row's running sums. Kept small (thousands of rows by session): the few models in an array, unpriced tokens only
 * once there are some, and sessions counted rather than collected: every accumulator gets each session's slices one
 * after another, so a session is new exactly when it differs from the last one taken.
 */
interface Acc {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
  usd: number;
  unpriced: Map<string | null, Usage> | null;
  sessions: number;
  lastSession: string | null;
  models: string[];
}

const newAcc = (): Acc => ({ input: 0, cached: 0, output: 0, reasoning: 0, usd: 0, unpriced: null, sessions: 0, lastSession: null, models: [] });

function take(acc: Acc, model: string | null, input: number, cached: number, output: number, reasoning: number, usd: number | null, session: string): void {
  acc.input += input;
  acc.cached += cached;
  acc.output += output;
  acc.reasoning += reasoning;
  if (acc.lastSession !== session) {
    acc.lastSession = session;
    acc.sessions++;
  }
  if (model && !acc.models.includes(model)) acc.models.push(model);
  if (usd !== null) acc.usd += usd;
  else {
    acc.unpriced ??= new Map();
    let u = acc.unpriced.get(model);
    if (!u) acc.unpriced.set(model, (u = emptyUsage()));
    u.input_tokens += input;
    u.cached_input_tokens += cached;
    u.output_tokens += output;
    u.reasoning_output_tokens += reasoning;
  }
}

/** `acc` emptied for another session. */
function clearAcc(acc: Acc): Acc {
  acc.input = acc.cached = acc.output = acc.reasoning = acc.usd = acc.sessions = 0;
  acc.unpriced = null;
  acc.lastSession = null;
  acc.models.length = 0;
  return acc;
}

/**
 * Adds a session's sums (`own`, all of one session) to the totals. Costs add up session by session: the totals of a
 * report are the sum of its sessions' figures, whatever its rows (so a cache that keeps each session's figures gives
 * the totals bit for bit; see `usageJsonFromCache`).
 */
function addSession(total: Acc, own: Acc): void {
  total.input += own.input;
  total.cached += own.cached;
  total.output += own.output;
  total.reasoning += own.reasoning;
  total.usd += own.usd;
  total.sessions++;
  if (!own.unpriced) return;
  total.unpriced ??= new Map();
  for (const [model, u] of own.unpriced) {
    const into = total.unpriced.get(model);
    if (!into) total.unpriced.set(model, { ...u });
    else {
      into.input_tokens += u.input_tokens;
      into.cached_input_tokens += u.cached_input_tokens;
      into.output_tokens += u.output_tokens;
      into.reasoning_output_tokens += u.reasoning_output_tokens;
    }
  }
}

const unpricedHints = (acc: Acc): { model: string | null; hint: string }[] => [...acc.unpriced!.keys()].map((model) => ({ model, hint: missingPriceHint(model) }));

/** The row's figures, written into `row` field by field. */
function putFigures<T extends object>(row: T, acc: Acc): T & UsageFigures {
  const r = row as T & UsageFigures;
  r.input_tokens = acc.input;
  r.cached_input_tokens = acc.cached;
  r.output_tokens = acc.output;
  r.reasoning_output_tokens = acc.reasoning;
  r.cost_usd = acc.unpriced ? null : acc.usd;
  if (acc.unpriced) r.unpriced = unpricedHints(acc);
  return r;
}

/**
 * Adds up sessions' usage slices into a report: by day, model or session, with totals and the API-equivalent cost.
 * It takes numbers and strings, not objects, so that every source feeds it the same way without building any: the
 * index's sessions ({@link usageReport}) and the command line's cache read in place (`usageFromCache`). For each
 * session: {@link begin}, {@link slice} for each of its slices (or {@link noUsage} for a session whose files record
 * none), {@link end}; then {@link finish}.
 */
export class UsageAggregator {
  private readonly book: PriceBook;
  private readonly by: UsageGrouping;
  private readonly since: string | undefined;
  private readonly until: string | undefined;
  private readonly ranged: boolean;
  private readonly noRows: boolean;
  private readonly total = newAcc();
  private readonly groups = new Map<string, Acc>();
  private readonly rows: UsageRow[] = [];
  /** By session: each row's sort key (its session's start). */
  private readonly times: number[] = [];
  private withoutUsage = 0;
  /** The session being taken (its path), and its own sums (null until it has a slice in the range). */
  private session = '';
  private own: Acc | null = null;
  /** The sums of a session whose row is not kept (cleared for each). */
  private readonly scratch = newAcc();
  /** The price looked up last (most slices in a row are of one model). */
  private priced: { model: string | null; price: ModelPrice | null } = { model: null, price: null };

  constructor(private readonly opts: UsageReportOptions = {}) {
    this.book = new PriceBook(opts.pricing);
    this.by = opts.by ?? 'day';
    this.since = opts.since || undefined;
    this.until = opts.until || undefined;
    this.ranged = this.since !== undefined || this.until !== undefined;
    this.noRows = opts.noRows === true;
  }

  private inRange(day: string): boolean {
    return (this.since === undefined || day >= this.since) && (this.until === undefined || day <= this.until);
  }

  /** Starts the session of `path` (a path is a session's key: each is taken once). */
  begin(path: string): void {
    this.session = path;
    this.own = null;
  }

  /** A session whose files record no token counts at all, started at `timeMs` (counted as "unknown" in its range). */
  noUsage(timeMs: number): void {
    if (!Number.isNaN(timeMs) && (!this.ranged || this.inRange(localDay(timeMs)))) this.withoutUsage++;
  }

  /** Tokens the current session spent on `day` with `model`. */
  slice(model: string | null, day: string, input: number, cached: number, output: number, reasoning: number): void {
    if (this.ranged && !this.inRange(day)) return;
    let p = this.priced;
    if (p.model !== model) {
      p = this.priced = { model, price: model ? (this.book.resolve(model)?.price ?? null) : null };
    }
    // priceUsage's arithmetic, on the numbers.
    const price = p.price;
    const usd = price ? ((input - Math.min(cached, input)) * price.input + Math.min(cached, input) * price.cached_input + output * price.output) / 1e6 : null;
    // A row by session keeps its sums (and models); otherwise they only go to the totals, at the session's end.
    this.own ??= this.by === 'session' && !this.noRows ? newAcc() : clearAcc(this.scratch);
    take(this.own, model, input, cached, output, reasoning, usd, this.session);
    if (this.by !== 'session') {
      const key = this.by === 'day' ? day : (model ?? '');
      let g = this.groups.get(key);
      if (!g) this.groups.set(key, (g = newAcc()));
      take(g, model, input, cached, output, reasoning, usd, this.session);
    }
  }

  /**
   * Ends the current session; by session, its row (when it had usage in the range), built in one go: one object shape
   * for every row (10,000 of them are written as JSON).
   */
  end(id: string, archived: boolean, started_at: string | null, title: string | null, last_activity: string | null, timeMs: number): void {
    const g = this.own;
    if (!g) return;
    this.own = null;
    addSession(this.total, g);
    if (this.by !== 'session' || this.noRows) return;
    const path = this.session;
    const head = { session_id: id, path, archived, started_at, title, models: g.models };
    this.times.push(timeMs);
    if (g.unpriced) {
      this.rows.push({ ...head, input_tokens: g.input, cached_input_tokens: g.cached, output_tokens: g.output, reasoning_output_tokens: g.reasoning, cost_usd: null, unpriced: unpricedHints(g), last_activity });
      return;
    }
    this.rows.push({
      session_id: id,
      path,
      archived,
      started_at,
      title,
      models: g.models,
      input_tokens: g.input,
      cached_input_tokens: g.cached,
      output_tokens: g.output,
      reasoning_output_tokens: g.reasoning,
      cost_usd: g.usd,
      last_activity,
    });
  }

  /** The report. */
  finish(): UsageReport {
    const { rows, total, by } = this;
    for (const [key, g] of this.groups) {
      if (by === 'day') rows.push(Object.assign(putFigures({ day: key }, g), { sessions: g.sessions, models: [...g.models].sort() }));
      else {
        const model = key === '' ? null : key;
        rows.push(Object.assign(putFigures({ model, price_model: model ? (this.book.resolve(model)?.model ?? null) : null }, g), { sessions: g.sessions }));
      }
    }
    sortRows(rows, by, this.times);
    const unpriced = [...(total.unpriced ?? [])].map(([model, u]) => ({ model, hint: missingPriceHint(model), input_tokens: u.input_tokens, output_tokens: u.output_tokens }));
    const totals: UsageTotalsRow = {
      input_tokens: total.input,
      cached_input_tokens: total.cached,
      output_tokens: total.output,
      reasoning_output_tokens: total.reasoning,
      cost_usd: total.usd,
      cost_complete: unpriced.length === 0,
      unpriced,
      sessions: total.sessions,
      sessions_without_usage: this.withoutUsage,
    };
    return { totals, by, rows, cost_basis: COST_BASIS, prices_checked: PRICES_CHECKED };
  }
}

/**
 * Aggregates sessions whose usage is known (`SessionIndex.refresh({ usage: true })`) by day, model or session (the
 * sessions of an index: each path once). Usage counts on the local day it was recorded (a session across midnight
 * counts on both days, as in ccusage's daily report); `since`/`until` select records by that day. Every cost is an
 * API-equivalent estimate.
 */
export function usageReport(sessions: Iterable<SessionInfo>, opts: UsageReportOptions = {}): UsageReport {
  const agg = new UsageAggregator(opts);
  for (const s of sessions) {
    agg.begin(s.path);
    const u = s.usage;
    if (!u || u.total === null) {
      agg.noUsage(sessionTimeMs(s));
      continue;
    }
    for (const x of u.slices) agg.slice(x.model, x.day, x.usage.input_tokens, x.usage.cached_input_tokens, x.usage.output_tokens, x.usage.reasoning_output_tokens);
    agg.end(s.id, s.archived, s.started_at, s.title, u.last_activity, sessionTimeMs(s));
  }
  return agg.finish();
}

/** Days in order, models by cost then tokens, sessions by start (`times`, one per row). */
function sortRows(rows: UsageRow[], by: UsageGrouping, times: number[]): void {
  if (by === 'day') rows.sort((a, b) => ('day' in a && 'day' in b ? (a.day < b.day ? -1 : 1) : 0));
  else if (by === 'model') rows.sort((a, b) => (b.cost_usd ?? -1) - (a.cost_usd ?? -1) || b.input_tokens + b.output_tokens - (a.input_tokens + a.output_tokens));
  else {
    const order = rows.map((_, i) => i).sort((a, b) => times[a]! - times[b]! || a - b);
    const sorted = order.map((i) => rows[i]!);
    sorted.forEach((r, i) => (rows[i] = r));
  }
}

/** Options of {@link usageForSessions}. */
export interface UsageForSessionsOptions extends UsageReportOptions {
  signal?: AbortSignal;
}

/**
 * The usage report of an index's `CODEX_HOME`, with every session's usage brought up to date first (only new and
 * changed files are read; the index cache keeps the rest). What the status bar and the report view call.
 */
export async function usageForSessions(index: SessionIndex, opts: UsageForSessionsOptions = {}): Promise<UsageReport> {
  await index.refresh({ usage: true, ...(opts.signal ? { signal: opts.signal } : {}) });
  return usageReport(index.sessions(), opts);
}
