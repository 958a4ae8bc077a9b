import { PriceBook, type PricingOverrides } from '../core/pricing';
import { totalTokens } from '../core/usage';
import { addDays } from '../shared/usageChart';
import type { ChartCell } from '../shared/usageChart';
import type { UsageModelRow, UsageRange, UsageScope, UsageSessionRow, UsageView } from '../shared/usageProtocol';
import type { SessionInfo } from './sessionFiles';
import { usageReport, type UsageRow } from './usageReport';

/** Options of {@link usageView}. */
export interface UsageViewOptions {
  range: UsageRange;
  /** Only passed through: the caller has already kept the sessions of the scope. */
  scope: UsageScope;
  /** Today's local date, `YYYY-MM-DD`. */
  today: string;
  pricing?: PricingOverrides;
  hasWorkspace: boolean;
  /** Rows per top list (default 10). */
  top?: number;
}

/** The first day of `range` ending `today`; for `all`, the first day any of `sessions` recorded usage. */
export function rangeStart(range: UsageRange, today: string, sessions: readonly SessionInfo[]): string {
  if (range !== 'all') return addDays(today, -(Number(range) - 1));
  let first = today;
  for (const s of sessions) for (const slice of s.usage?.slices ?? []) if (slice.day < first) first = slice.day;
  return first;
}

function sessionRow(r: UsageRow): UsageSessionRow | null {
  if (!('session_id' in r)) return null;
  return {
    path: r.path,
    id: r.session_id,
    title: r.title,
    cwd: null,
    started_at: r.started_at,
    models: r.models,
    input_tokens: r.input_tokens,
    cached_input_tokens: r.cached_input_tokens,
    output_tokens: r.output_tokens,
    reasoning_output_tokens: r.reasoning_output_tokens,
    tokens: totalTokens(r),
    usd: r.cost_usd,
  };
}

/**
 * The usage report page's data for sessions whose usage is known (see `usageForSessions`): totals and top sessions
 * from {@link usageReport} (so they equal the command line's `usage` figures), plus the figures per day and model that
 * the chart stacks. Sessions still without usage (a cold index still reading) are simply not counted yet.
 */
export function usageView(sessions: readonly SessionInfo[], opts: UsageViewOptions): UsageView {
  const from = rangeStart(opts.range, opts.today, sessions);
  const to = opts.today;
  const report = usageReport(sessions, { since: from, until: to, by: 'session', ...(opts.pricing ? { pricing: opts.pricing } : {}) });
  const book = new PriceBook(opts.pricing);
  const cells = new Map<string, ChartCell>();
  const models = new Map<string | null, UsageModelRow>();
  for (const s of sessions) {
    const u = s.usage;
    if (!u || u.total === null) continue;
    for (const slice of u.slices) {
      if (slice.day < from || slice.day > to) continue;
      const tokens = totalTokens(slice.usage);
      const usd = book.usd(slice.usage, slice.model);
      const key = `${slice.day}\u0000${slice.model ?? ''}`;
      let c = cells.get(key);
      if (!c) cells.set(key, (c = { day: slice.day, model: slice.model, tokens: 0, usd: 0 }));
      c.tokens += tokens;
      c.usd = c.usd === null || usd === null ? null : c.usd + usd;
      let m = models.get(slice.model);
      if (!m) models.set(slice.model, (m = { model: slice.model, tokens: 0, usd: 0 }));
      m.tokens += tokens;
      m.usd = m.usd === null || usd === null ? null : m.usd + usd;
    }
  }
  const rows = report.rows.map(sessionRow).filter((r): r is UsageSessionRow => r !== null);
  const cwdOf = new Map(sessions.map((s) => [s.path, s.cwd ?? null]));
  for (const r of rows) r.cwd = cwdOf.get(r.path) ?? null;
  const top = opts.top ?? 10;
  const t = report.totals;
  return {
    range: opts.range,
    scope: opts.scope,
    from,
    to,
    cells: [...cells.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : b.tokens - a.tokens)),
    totals: {
      input_tokens: t.input_tokens,
      cached_input_tokens: t.cached_input_tokens,
      output_tokens: t.output_tokens,
      reasoning_output_tokens: t.reasoning_output_tokens,
      tokens: totalTokens(t),
      usd: t.cost_usd,
      cost_complete: t.cost_complete,
      unpriced: t.unpriced.map(({ model, hint }) => ({ model, hint })),
      sessions: t.sessions,
      sessions_without_usage: t.sessions_without_usage,
    },
    models: [...models.values()].sort((a, b) => b.tokens - a.tokens),
    // Unknown costs last: "cost unknown" is not "most expensive".
    topByCost: rows.filter((r) => r.usd !== null).sort((a, b) => b.usd! - a.usd! || b.tokens - a.tokens).slice(0, top),
    topByTokens: [...rows].sort((a, b) => b.tokens - a.tokens).slice(0, top),
    costBasis: report.cost_basis,
    pricesChecked: report.prices_checked,
    hasWorkspace: opts.hasWorkspace,
  };
}
