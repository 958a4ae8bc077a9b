/*
 * The usage status bar item's text and tooltip, as pure functions of the figures: a running task's live tokens and
 * cost, or today's total. A cost is never shown as $0 for tokens without a price: "cost unknown" (or "$x+" when only
 * part of the tokens has one), and every cost carries its basis (an API-equivalent estimate).
 */
import type { Usage } from '../shared/threadModel';
import { formatTokens, formatTokensExact, formatUsd } from '../shared/usageFormat';
import { costOf, missingPriceHint, PriceBook, type PricingOverrides } from './pricing';
import type { UsageSlice } from './rolloutUsage';
import { addUsage, emptyUsage, totalTokens } from './usage';

/** One model's part of a figure. */
export interface ModelUsage {
  model: string | null;
  usage: Usage;
  /** USD estimate; null: no price for this model. */
  usd: number | null;
}

/** Tokens by model, with what they cost where a price is known. */
export interface UsageBreakdown {
  usage: Usage;
  /** USD of the priced tokens. */
  usd: number;
  /** Whether every token had a price. */
  complete: boolean;
  models: ModelUsage[];
}

/** A running task as the status bar sees it. */
export interface LiveTask {
  title: string;
  /** Null until codex reports tokens. */
  breakdown: UsageBreakdown | null;
}

/** Whose usage the idle status bar shows (setting `codexSessions.statusBarScope`). */
export type StatusScope = 'today' | 'workspace';

/** What the status bar item shows. */
export type StatusInput =
  | { kind: 'loading'; scope: StatusScope }
  | { kind: 'live'; tasks: LiveTask[] }
  | { kind: 'summary'; scope: StatusScope; breakdown: UsageBreakdown; sessions: number }
  | { kind: 'error'; message: string };

/** Builds a breakdown from per-model figures (`usd` null for a model without a price). */
export function breakdownOf(models: readonly ModelUsage[]): UsageBreakdown {
  let usage = emptyUsage();
  let usd = 0;
  let complete = true;
  for (const m of models) {
    usage = addUsage(usage, m.usage);
    if (m.usd === null) complete = complete && totalTokens(m.usage) === 0;
    else usd += m.usd;
  }
  return { usage, usd, complete, models: [...models].sort((a, b) => totalTokens(b.usage) - totalTokens(a.usage)) };
}

/** A running task's breakdown: its thread usage so far at its model's price (null before any tokens). */
export function liveBreakdown(usage: Usage | null, model: string | null | undefined, pricing: PricingOverrides = {}): UsageBreakdown | null {
  if (!usage) return null;
  const cost = costOf(usage, model, pricing);
  return breakdownOf([{ model: model ?? null, usage, usd: 'usd' in cost ? cost.usd : null }]);
}

/** A breakdown of usage slices (a rollout's tokens by model and day), priced by model. */
export function breakdownOfSlices(slices: readonly UsageSlice[], pricing: PricingOverrides = {}): UsageBreakdown {
  const book = new PriceBook(pricing);
  const byModel = new Map<string | null, Usage>();
  for (const s of slices) byModel.set(s.model, addUsage(byModel.get(s.model) ?? emptyUsage(), s.usage));
  return breakdownOf([...byModel].map(([model, usage]) => ({ model, usage, usd: book.usd(usage, model) })));
}

/** The cost part of a figure: "$1.23", "$1.23+" (some tokens unpriced), "cost unknown" (none priced). */
export function costText(b: UsageBreakdown): string {
  if (b.complete) return formatUsd(b.usd);
  return b.usd > 0 ? `${formatUsd(b.usd)}+` : 'cost unknown';
}

const scopeLabel = (scope: StatusScope): string => (scope === 'today' ? 'today' : 'today in this workspace');

/** The item's text (with a codicon). */
export function statusText(input: StatusInput): string {
  switch (input.kind) {
    case 'loading':
      return '$(graph) Codex usage…';
    case 'error':
      return '$(graph) Codex usage';
    case 'live': {
      const known = input.tasks.map((t) => t.breakdown).filter((b): b is UsageBreakdown => b !== null);
      const more = input.tasks.length > 1 ? ` (${input.tasks.length} tasks)` : '';
      if (!known.length) return `$(sync~spin) Codex running${more}`;
      const b = breakdownOf(known.flatMap((k) => k.models));
      return `$(sync~spin) ${formatTokens(totalTokens(b.usage))} tok · ${costText(b)}${more}`;
    }
    case 'summary':
      return `$(graph) ${formatTokens(totalTokens(input.breakdown.usage))} tok · ${costText(input.breakdown)} ${input.scope === 'today' ? 'today' : 'today (workspace)'}`;
  }
}

/** Escapes text for markdown (model names and titles come from files and prompts). */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

function breakdownMarkdown(b: UsageBreakdown, costBasis: string): string {
  const u = b.usage;
  const lines = [
    '| | Tokens |',
    '| :-- | --: |',
    `| Input | ${formatTokensExact(u.input_tokens)} |`,
    `| &nbsp;&nbsp;cached | ${formatTokensExact(u.cached_input_tokens)} |`,
    `| Output | ${formatTokensExact(u.output_tokens)} |`,
    `| &nbsp;&nbsp;reasoning | ${formatTokensExact(u.reasoning_output_tokens)} |`,
    `| **Total** | **${formatTokensExact(totalTokens(u))}** |`,
    '',
  ];
  if (b.models.length) {
    // Hover tables have no cell padding: a few no-break spaces keep the columns apart.
    const pad = '&nbsp;&nbsp;&nbsp;';
    lines.push(`| Model | ${pad}Tokens | ${pad}Cost |`, '| :-- | --: | --: |');
    for (const m of b.models) lines.push(`| ${m.model ? escapeMarkdown(m.model) : '*not recorded*'} | ${pad}${formatTokens(totalTokens(m.usage))} | ${pad}${m.usd === null ? 'cost unknown' : formatUsd(m.usd)} |`);
    lines.push('');
  }
  lines.push(`**${costText(b)}** — ${escapeMarkdown(costBasis)}`);
  for (const m of b.models) if (m.usd === null && totalTokens(m.usage) > 0) lines.push('', `$(info) ${escapeMarkdown(missingPriceHint(m.model))}`);
  return lines.join('\n');
}

/** The item's tooltip (markdown with codicons; the adapter marks it trusted for the command link only). */
export function statusTooltip(input: StatusInput, costBasis: string): string {
  const out: string[] = [];
  switch (input.kind) {
    case 'loading':
      out.push(`**Codex usage ${scopeLabel(input.scope)}**`, '', 'Reading the session history…');
      break;
    case 'error':
      out.push('**Codex usage**', '', `Could not read the session history: ${escapeMarkdown(input.message)}`);
      break;
    case 'live':
      for (const t of input.tasks) {
        out.push(`**$(sync~spin) ${escapeMarkdown(t.title)}**`, '');
        out.push(t.breakdown ? breakdownMarkdown(t.breakdown, costBasis) : 'No tokens reported yet.', '');
      }
      break;
    case 'summary':
      out.push(`**Codex usage ${scopeLabel(input.scope)}** · ${input.sessions} session${input.sessions === 1 ? '' : 's'}`, '');
      out.push(breakdownMarkdown(input.breakdown, costBasis));
      break;
  }
  out.push('', '---', '', '[$(graph) Open the usage report](command:codexSessions.showUsageReport)');
  return out.join('\n');
}
