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

function figures(acc: Acc): UsageFigures {
  if (!acc.unpriced) return { ...acc.usage, cost_usd: acc.usd };
  const unpriced = [...acc.unpriced.keys()].map((model) => ({ model, hint: missingPriceHint(model) }));
  return { ...acc.usage, cost_usd: null, unpriced };
}

/**
 * Aggregates sessions whose usage is known (`SessionIndex.refresh({ usage: true })`) by day, model or session.
 * Usage counts on the local day it was recorded (a session across midnight counts on both days, as in ccusage's
 * daily report); `since`/`until` select records by that day. Every cost is an API-equivalent estimate.
 */
export function usageReport(sessions: readonly SessionInfo[], opts: UsageReportOptions = {}): UsageReport {
  const book = new PriceBook(opts.pricing);
  const by = opts.by ?? 'day';
  const inRange = (day: string): boolean => (!opts.since || day >= opts.since) && (!opts.until || day <= opts.until);
  const total = newAcc();
  const groups = new Map<string, Acc>();
  const info = new Map<string, SessionInfo>();
  let withoutUsage = 0;
  for (const s of sessions) {
    const u = s.usage;
    if (!u || u.total === null) {
      const t = sessionTimeMs(s);
      if (!Number.isNaN(t) && inRange(localDay(t))) withoutUsage++;
      continue;
    }
    for (const slice of u.slices) {
      if (!inRange(slice.day)) continue;
      const usd = book.usd(slice.usage, slice.model);
      const key = by === 'day' ? slice.day : by === 'model' ? (slice.model ?? '') : s.path;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = newAcc()));
      take(g, slice.usage, slice.model, usd, s.path);
      take(total, slice.usage, slice.model, usd, s.path);
      info.set(s.path, s);
    }
  }
  const rows: UsageRow[] = [];
  for (const [key, g] of groups) {
    if (by === 'day') rows.push({ day: key, ...figures(g), sessions: g.sessions, models: [...g.models].sort() });
    else if (by === 'model') {
      const model = key === '' ? null : key;
      rows.push({ model, price_model: model ? (book.resolve(model)?.model ?? null) : null, ...figures(g), sessions: g.sessions });
    } else {
      const s = info.get(key)!;
      rows.push({ session_id: s.id, path: s.path, archived: s.archived, started_at: s.started_at, title: s.title, models: [...g.models], ...figures(g), last_activity: s.usage?.last_activity ?? null });
    }
  }
  sortRows(rows, by, info);
  const unpriced = [...(total.unpriced ?? [])].map(([model, u]) => ({ model, hint: missingPriceHint(model), input_tokens: u.input_tokens, output_tokens: u.output_tokens }));
  return {
    totals: { ...total.usage, cost_usd: total.usd, cost_complete: unpriced.length === 0, unpriced, sessions: total.sessions, sessions_without_usage: withoutUsage },
    by,
    rows,
    cost_basis: COST_BASIS,
    prices_checked: PRICES_CHECKED,
  };
}

function sortRows(rows: UsageRow[], by: UsageGrouping, info: Map<string, SessionInfo>): void {
  if (by === 'day') rows.sort((a, b) => ('day' in a && 'day' in b ? (a.day < b.day ? -1 : 1) : 0));
  else if (by === 'model') rows.sort((a, b) => (b.cost_usd ?? -1) - (a.cost_usd ?? -1) || b.input_tokens + b.output_tokens - (a.input_tokens + a.output_tokens));
  else {
    // Keys computed once: parsing dates inside the comparator would do it 20 times per row.
    const keyed = rows.map((r) => ({ r, t: 'path' in r ? sessionTimeMs(info.get(r.path)!) : 0 }));
    keyed.sort((a, b) => a.t - b.t);
    keyed.forEach((k, i) => (rows[i] = k.r));
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
