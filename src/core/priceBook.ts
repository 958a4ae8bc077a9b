import type { Usage } from '../shared/threadModel';
import { BUILTIN_PRICES, type ModelPrice } from './priceTable';

/*
 * Prices and costs without the setting's validation (`pricing.ts`, which needs zod): what `codex-sessions usage`
 * loads, where zod's load alone was a fifth of a warm run.
 */

/**
 * Prices the user set (`codexSessions.pricing`, or `--pricing FILE` on the command line): model id → USD per 1M
 * tokens. They add models and override built-in ones (for every name that resolves to them).
 */
export type PricingOverrides = Readonly<Record<string, ModelPrice>>;

/** A model's price and where it came from. */
export interface ResolvedPrice {
  /** The table entry used (e.g. `gpt-5` for `openai/gpt-5-2025-08-07`). */
  model: string;
  price: ModelPrice;
  source: 'setting' | 'builtin';
}

const DATED = /-(\d{4}-\d{2}-\d{2}|\d{8})$/;
/** Suffixes that name a variant priced like the model before them (ccusage's LiteLLM lookup agrees). */
const VARIANT = /-(latest|codex|spark|chat)$/;

/** The names to look up for `model`, most specific first. */
export function priceCandidates(model: string): string[] {
  let n = model.trim().toLowerCase();
  const out = [n];
  const slash = n.lastIndexOf('/');
  if (slash >= 0) out.push((n = n.slice(slash + 1))); // openai/…, azure/…, openrouter/openai/…
  if (DATED.test(n)) out.push((n = n.replace(DATED, '')));
  while (VARIANT.test(n)) out.push((n = n.replace(VARIANT, '')));
  return out;
}

/** The price of `model`: the setting first, then the built-in table, for each candidate name in turn. */
export function resolvePrice(model: string, overrides: PricingOverrides = {}): ResolvedPrice | null {
  for (const name of priceCandidates(model)) {
    const own = Object.hasOwn(overrides, name) ? overrides[name] : undefined;
    if (own) return { model: name, price: own, source: 'setting' };
    const builtin = Object.hasOwn(BUILTIN_PRICES, name) ? BUILTIN_PRICES[name] : undefined;
    if (builtin) return { model: name, price: builtin, source: 'builtin' };
  }
  return null;
}

/** USD for `usage` at `price`: uncached input, cached input and output (reasoning included) at their rates. */
export function priceUsage(usage: Usage, price: ModelPrice): number {
  const cached = Math.min(usage.cached_input_tokens, usage.input_tokens);
  return ((usage.input_tokens - cached) * price.input + cached * price.cached_input + usage.output_tokens * price.output) / 1e6;
}

/** An API-equivalent cost estimate, or why there is none. */
export type Cost = { usd: number; model: string; source: 'setting' | 'builtin' } | { unknown: true; reason: string };

/** The hint shown with "cost unknown". */
export function missingPriceHint(model: string | null): string {
  if (!model) return 'the session does not record its model';
  return `no price for "${model}": add one to the codexSessions.pricing setting (or --pricing FILE), e.g. ` +
    `{"${model}": {"input": 1.25, "cached_input": 0.125, "output": 10}} in USD per 1M tokens`;
}

/**
 * What `usage` would cost at API list prices (ChatGPT-plan users are not billed per token: an estimate, not a bill).
 * Never $0 for a model without a price: `{ unknown: true, reason }` with a hint to add one.
 */
export function costOf(usage: Usage, model: string | null | undefined, overrides: PricingOverrides = {}): Cost {
  const resolved = model ? resolvePrice(model, overrides) : null;
  if (!resolved) return { unknown: true, reason: missingPriceHint(model ?? null) };
  return { usd: priceUsage(usage, resolved.price), model: resolved.model, source: resolved.source };
}

/** {@link resolvePrice} with a memo, for pricing thousands of sessions against the same setting. */
export class PriceBook {
  private readonly memo = new Map<string, ResolvedPrice | null>();

  constructor(readonly overrides: PricingOverrides = {}) {}

  /** The price of a model, or null. */
  resolve(model: string): ResolvedPrice | null {
    let r = this.memo.get(model);
    if (r === undefined) this.memo.set(model, (r = resolvePrice(model, this.overrides)));
    return r;
  }

  /** USD for `usage` of `model`, or null when the model has no price (or is not recorded). */
  usd(usage: Usage, model: string | null): number | null {
    const r = model ? this.resolve(model) : null;
    return r ? priceUsage(usage, r.price) : null;
  }
}
