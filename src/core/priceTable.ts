/** A model's API list price in USD per 1M tokens. */
export interface ModelPrice {
  input: number;
  /** Input tokens served from the prompt cache (part of `input_tokens`, billed at this rate instead). */
  cached_input: number;
  /** Output tokens, reasoning included. */
  output: number;
}

/** When the built-in table was last checked against its sources. */
export const PRICES_CHECKED = '2026-11-21';

/**
 * Where the built-in prices come from: OpenAI's model pages (`https://developers.openai.com/api/docs/models/<id>`,
 * standard tier, prompts up to 272K input tokens) and LiteLLM's `model_prices_and_context_window.json` as embedded in
 * ccusage 20.0.24 (read back by pricing 100,000-token probe sessions with `ccusage codex session --offline`), which is
 * what users compare us with. Where the two agree, the figure is theirs; where ccusage's lookup is wrong, the OpenAI
 * page wins (marked below and in README "Tokens and cost").
 */
export const PRICE_SOURCES = [
  'https://developers.openai.com/api/docs/pricing',
  'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json (via ccusage 20.0.24, offline)',
] as const;

const p = (input: number, cached_input: number, output: number): ModelPrice => ({ input, cached_input, output });

/**
 * Built-in prices by model id (lower case). Names not listed resolve through `resolvePrice` (provider prefixes,
 * dated snapshots, `-latest`, and `-codex` / other suffixes of a listed model).
 */
export const BUILTIN_PRICES: Readonly<Record<string, ModelPrice>> = {
  // GPT-5 (Aug 2025) and its Codex tunings
  'gpt-5': p(1.25, 0.125, 10),
  'gpt-5-codex': p(1.25, 0.125, 10),
  'gpt-5-mini': p(0.25, 0.025, 2),
  'gpt-5-nano': p(0.05, 0.005, 0.4),
  // No cache discount for the pro models: LiteLLM prices cached input like input.
  'gpt-5-pro': p(15, 15, 120),
  'gpt-5.1': p(1.25, 0.125, 10),
  'gpt-5.1-codex': p(1.25, 0.125, 10),
  'gpt-5.1-codex-max': p(1.25, 0.125, 10),
  'gpt-5.1-codex-mini': p(0.25, 0.025, 2),
  'gpt-5.2': p(1.75, 0.175, 14),
  'gpt-5.2-codex': p(1.75, 0.175, 14),
  'gpt-5.2-pro': p(21, 21, 168),
  'gpt-5.3-codex': p(1.75, 0.175, 14),
  'gpt-5.4': p(2.5, 0.25, 15),
  'gpt-5.4-mini': p(0.75, 0.075, 4.5),
  'gpt-5.4-nano': p(0.2, 0.02, 1.25),
  'gpt-5.4-pro': p(30, 30, 180),
  'gpt-5.5': p(5, 0.5, 30),
  'gpt-5.5-pro': p(30, 30, 180),
  // GPT-5.6 after the 2026-07-30 price cut
  'gpt-5.6-sol': p(4, 0.4, 20),
  'gpt-5.6-terra': p(2, 0.2, 12),
  'gpt-5.6-luna': p(0.2, 0.02, 1.2),
  'gpt-6-astra': p(10, 1, 50),
  // OpenAI's page (LiteLLM in ccusage 20.0.24 has no entry yet)
  'gpt-6.1-sol': p(2, 0.1, 10),
  // o-series and older models Codex CLIs defaulted to. OpenAI's pages: ccusage 20.0.24 prices o3 at 0.55/0.275/2.2
  // and o4-mini at 0.55/0.1375/2.2 (another provider's entry) and codex-mini-latest at 0 (no entry found).
  o3: p(2, 0.5, 8),
  'o3-mini': p(1.1, 0.55, 4.4),
  'o3-pro': p(20, 20, 80),
  'o4-mini': p(1.1, 0.275, 4.4),
  'codex-mini-latest': p(1.5, 0.375, 6),
  'gpt-4.1': p(2, 0.5, 8),
  'gpt-4.1-mini': p(0.4, 0.1, 1.6),
  'gpt-4.1-nano': p(0.1, 0.025, 0.4),
  'gpt-4o': p(2.5, 1.25, 10),
  'gpt-4o-mini': p(0.15, 0.075, 0.6),
};
