/*
 * The usage report page's messages. The host sends snapshots of the report (partial ones while a cold index fills);
 * the page asks for another range or scope and opens sessions. Everything from the page is validated with zod.
 */
import { z } from 'zod';
import type { ChartCell } from './usageChart';

/** Which days the report covers. */
export const usageRangeSchema = z.enum(['30', '90', 'all']);
export type UsageRange = z.infer<typeof usageRangeSchema>;

/** Whose sessions: this workspace's folders (and below) or every session of `CODEX_HOME`. */
export const usageScopeSchema = z.enum(['workspace', 'all']);
export type UsageScope = z.infer<typeof usageScopeSchema>;

/** A session in the report's top lists. */
export interface UsageSessionRow {
  /** The rollout file: the key the page sends back to open it. */
  path: string;
  id: string;
  title: string | null;
  cwd: string | null;
  started_at: string | null;
  models: string[];
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_output_tokens: number;
  /** Input plus output (cached is part of input, reasoning part of output). */
  tokens: number;
  /** USD estimate; null when some of its tokens have no price. */
  usd: number | null;
}

/** Totals of the report's period and scope. */
export interface UsageViewTotals {
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_output_tokens: number;
  tokens: number;
  /** USD of every priced token. */
  usd: number;
  /** False when some tokens had no price (see `unpriced`): `usd` is then a lower bound. */
  cost_complete: boolean;
  unpriced: { model: string | null; hint: string }[];
  sessions: number;
  /** Sessions whose files record no token counts (unknown, never 0). */
  sessions_without_usage: number;
}

/** A model's share of the period. */
export interface UsageModelRow {
  model: string | null;
  tokens: number;
  usd: number | null;
}

/** One snapshot of the report. */
export interface UsageView {
  range: UsageRange;
  scope: UsageScope;
  /** First and last day shown (local dates); `from` is the first day with usage for `all`, or today when none. */
  from: string;
  to: string;
  cells: ChartCell[];
  totals: UsageViewTotals;
  models: UsageModelRow[];
  topByCost: UsageSessionRow[];
  topByTokens: UsageSessionRow[];
  /** The label every cost goes with. */
  costBasis: string;
  pricesChecked: string;
  /** Whether the window has folders (otherwise "this workspace" is meaningless). */
  hasWorkspace: boolean;
}

/** Progress of the index while the report is computed; null once complete. */
export interface UsageProgress {
  done: number;
  total: number;
}

/** Messages from the host. */
export type UsageHostMessage =
  /** A snapshot; `progress` is set while the index is still reading files (the figures will grow). */
  | { type: 'report'; view: UsageView; progress: UsageProgress | null }
  /** The index is being read and there is nothing to show yet. */
  | { type: 'progress'; progress: UsageProgress }
  | { type: 'error'; message: string };

/** Messages the page may send; the host rejects anything else. */
export const usageWebviewMessageSchema = z.discriminatedUnion('type', [
  /** The page listens: the host sends the report for this range and scope. */
  z.object({ type: z.literal('ready'), range: usageRangeSchema, scope: usageScopeSchema }).strict(),
  /** Another range or scope. */
  z.object({ type: z.literal('query'), range: usageRangeSchema, scope: usageScopeSchema }).strict(),
  /** Read the history again. */
  z.object({ type: z.literal('refresh') }).strict(),
  /** Open a session of the report as a replay (only files the report listed are opened). */
  z.object({ type: z.literal('openSession'), path: z.string().min(1).max(4096) }).strict(),
]);

/** A validated message from the page. */
export type UsageWebviewMessage = z.infer<typeof usageWebviewMessageSchema>;

/** What the page keeps with `setState`. */
export interface UsagePersistedState {
  range: UsageRange;
  scope: UsageScope;
  metric: 'tokens' | 'usd';
}
