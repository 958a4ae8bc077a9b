import { z } from 'zod';
import type { ModelPrice } from './priceTable';
import type { PricingOverrides } from './priceBook';

export { BUILTIN_PRICES, PRICES_CHECKED, PRICE_SOURCES, type ModelPrice } from './priceTable';
export { costOf, missingPriceHint, PriceBook, priceCandidates, priceUsage, resolvePrice, type Cost, type PricingOverrides, type ResolvedPrice } from './priceBook';

const rate = z.number().finite().nonnegative();

/** One entry of the setting. `cached_input` may be left out: the model then has no cache discount. */
const wirePrice = z.object({ input: rate, cached_input: rate.optional(), output: rate }).strict();

/** The result of {@link parsePricingOverrides}; on failure `value` still holds the valid entries. */
export type PricingParse = { ok: true; value: PricingOverrides } | { ok: false; error: string; value: PricingOverrides };

/**
 * Validates the pricing setting: `{ "model": { "input": n, "cached_input": n, "output": n } }` in USD per 1M tokens.
 * Entries that do not fit are left out and named in `error`; `undefined` and `null` are an empty setting.
 */
export function parsePricingOverrides(raw: unknown): PricingParse {
  if (raw === undefined || raw === null) return { ok: true, value: {} };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, error: 'pricing must be an object of model → { input, cached_input, output }', value: {} };
  const value: Record<string, ModelPrice> = {};
  const bad: string[] = [];
  for (const [name, entry] of Object.entries(raw)) {
    const p = wirePrice.safeParse(entry);
    const key = name.trim().toLowerCase();
    if (!p.success || key === '') {
      bad.push(`"${name}": ${p.success ? 'empty model name' : p.error.issues.map((i) => `${i.path.join('.') || 'entry'} ${i.message}`).join('; ')}`);
      continue;
    }
    value[key] = { input: p.data.input, cached_input: p.data.cached_input ?? p.data.input, output: p.data.output };
  }
  return bad.length ? { ok: false, error: `invalid pricing entries (USD per 1M tokens expected): ${bad.join(', ')}`, value } : { ok: true, value };
}
