import { PriceBook, missingPriceHint, type PricingOverrides } from '../core/priceBook';
import { PRICES_CHECKED } from '../core/priceTable';
import { localDay } from '../core/rolloutUsage';
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
 * once there are some, and sessions counted rather than collected: {@link usageReport} hands every accumulator each
 * session's slices one after another, so a session is new exactly when it differs from the last one taken.
 */
interface Acc {
  /** Counted in place (thousands of slices: no object per addition). */
  usage: Usage;
  usd: number;
  unpriced: Map<string | null, Usage> | null;
  sessions: number;
  lastSession: string | null;
  models: string[];
}

const newAcc = (): Acc => ({ usage: emptyUsage(), usd: 0, unpriced: null, sessions: 0, lastSession: null, models: [] });

function addInto(into: Usage, u: Usage): void {
  into.input_tokens += u.input_tokens;
  into.cached_input_tokens += u.cached_input_tokens;
  into.output_tokens += u.output_tokens;
  into.reasoning_output_tokens += u.reasoning_output_tokens;
}

function take(acc: Acc, usage: Usage, model: string | null, usd: number | null, session: string): void {
  addInto(acc.usage, usage);
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
    addInto(u, usage);
  }
}

/** The row's figures, written into `row` field by field (spreads showed in profiles at 10,000 rows). */
function putFigures<T extends object>(row: T, acc: Acc): T & UsageFigures {
  const r = row as T & UsageFigures;
  r.input_tokens = acc.usage.input_tokens;
  r.cached_input_tokens = acc.usage.cached_input_tokens;
  r.output_tokens = acc.usage.output_tokens;
  r.reasoning_output_tokens = acc.usage.reasoning_output_tokens;
  r.cost_usd = acc.unpriced ? null : acc.usd;
  if (acc.unpriced) r.unpriced = [...acc.unpriced.keys()].map((model) => ({ model, hint: missingPriceHint(model) }));
  return r;
}

function sessionRow(s: SessionInfo, g: Acc): UsageRow {
  const row = putFigures({ session_id: s.id, path: s.path, archived: s.archived, started_at: s.started_at, title: s.title, models: g.models }, g);
  return Object.assign(row, { last_activity: s.usage?.last_activity ?? null });
}

/**
 * Aggregates sessions whose usage is known (`SessionIndex.refresh({ usage: true })`) by day, model or session (the
 * sessions of an index: each path once). Usage counts on the local day it was recorded (a session across midnight
 * counts on both days, as in ccusage's daily report); `since`/`until` select records by that day. Every cost is an
 * API-equivalent estimate.
 */
export function usageReport(sessions: readonly SessionInfo[], opts: UsageReportOptions = {}): UsageReport {
  const book = new PriceBook(opts.pricing);
  const by = opts.by ?? 'day';
  const inRange = (day: string): boolean => (!opts.since || day >= opts.since) && (!opts.until || day <= opts.until);
  const total = newAcc();
  const groups = new Map<string, Acc>();
  const rows: UsageRow[] = [];
  /** By session: each row's sort key (its session's start). */
  const times: number[] = [];
  let withoutUsage = 0;
  for (const s of sessions) {
    const u = s.usage;
    if (!u || u.total === null) {
      const t = sessionTimeMs(s);
      if (!Number.isNaN(t) && inRange(localDay(t))) withoutUsage++;
      continue;
    }
    let own: Acc | null = null;
    for (const slice of u.slices) {
      if (!inRange(slice.day)) continue;
      const usd = book.usd(slice.usage, slice.model);
      let g: Acc | undefined;
      if (by === 'session') g = own ??= newAcc();
      else {
        const key = by === 'day' ? slice.day : (slice.model ?? '');
        g = groups.get(key);
        if (!g) groups.set(key, (g = newAcc()));
      }
      take(g, slice.usage, slice.model, usd, s.path);
      take(total, slice.usage, slice.model, usd, s.path);
    }
    if (own) {
      rows.push(sessionRow(s, own));
      times.push(sessionTimeMs(s));
    }
  }
  for (const [key, g] of groups) {
    if (by === 'day') rows.push(Object.assign(putFigures({ day: key }, g), { sessions: g.sessions, models: [...g.models].sort() }));
    else {
      const model = key === '' ? null : key;
      rows.push(Object.assign(putFigures({ model, price_model: model ? (book.resolve(model)?.model ?? null) : null }, g), { sessions: g.sessions }));
    }
  }
  sortRows(rows, by, times);
  const unpriced = [...(total.unpriced ?? [])].map(([model, u]) => ({ model, hint: missingPriceHint(model), input_tokens: u.input_tokens, output_tokens: u.output_tokens }));
  return {
    totals: { ...total.usage, cost_usd: total.usd, cost_complete: unpriced.length === 0, unpriced, sessions: total.sessions, sessions_without_usage: withoutUsage },
    by,
    rows,
    cost_basis: COST_BASIS,
    prices_checked: PRICES_CHECKED,
  };
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
