import assert from 'node:assert/strict';
import { BUILTIN_PRICES, PRICES_CHECKED, PriceBook, costOf, parsePricingOverrides, priceCandidates, priceUsage, resolvePrice } from '../../../src/core/pricing';
import type { Usage } from '../../../src/shared/threadModel';

const u = (input: number, cached: number, output: number, reasoning = 0): Usage => ({
  input_tokens: input,
  cached_input_tokens: cached,
  output_tokens: output,
  reasoning_output_tokens: reasoning,
});
const M = 1_000_000;

describe('pricing', () => {
  it('has a dated table with the models the corpus and current CLIs use', () => {
    assert.match(PRICES_CHECKED, /^\d{4}-\d{2}-\d{2}$/);
    assert.deepEqual(BUILTIN_PRICES['gpt-5-codex'], { input: 1.25, cached_input: 0.125, output: 10 });
    for (const m of ['gpt-5', 'gpt-5-codex', 'gpt-5-mini', 'gpt-5-nano', 'gpt-5.1-codex-max', 'gpt-5.2-codex', 'gpt-5.3-codex', 'gpt-5.4', 'gpt-5.5', 'o3', 'o4-mini', 'codex-mini-latest', 'gpt-4.1']) {
      assert.ok(BUILTIN_PRICES[m], m);
    }
    for (const [m, p] of Object.entries(BUILTIN_PRICES)) assert.ok(p.cached_input <= p.input && p.input > 0 && p.output > 0, m);
  });

  it('prices cached input at the cached rate and counts reasoning as part of output (never twice)', () => {
    const cost = costOf(u(M, 400_000, M, 300_000), 'gpt-5-codex');
    assert.ok('usd' in cost);
    assert.equal(cost.usd, 0.6 * 1.25 + 0.4 * 0.125 + 10);
    assert.equal(priceUsage(u(21066, 2100, 135, 45), { input: 1.25, cached_input: 0.125, output: 10 }), 0.02532);
    // More cached than input (a malformed record) never makes input negative.
    assert.equal(priceUsage(u(100, 500, 0), { input: 1, cached_input: 0.1, output: 1 }), 100 * 0.1 / M);
  });

  it('resolves aliases, dated snapshots, provider prefixes and variants to their base model', () => {
    assert.deepEqual(priceCandidates('OpenAI/GPT-5-2025-08-07'), ['openai/gpt-5-2025-08-07', 'gpt-5-2025-08-07', 'gpt-5']);
    const cases: [string, string][] = [
      ['gpt-5-2025-08-07', 'gpt-5'],
      ['gpt-5-codex-latest', 'gpt-5-codex'],
      ['openai/gpt-5.2-codex', 'gpt-5.2-codex'],
      ['azure/o3-2025-04-16', 'o3'],
      ['gpt-5.4-codex', 'gpt-5.4'],
      ['gpt-5.5-codex', 'gpt-5.5'],
      ['gpt-5.3-codex-spark', 'gpt-5.3-codex'],
      ['gpt-5.1-chat-latest', 'gpt-5.1'],
      ['GPT-5-Codex', 'gpt-5-codex'],
      ['codex-mini-latest', 'codex-mini-latest'],
      ['gpt-4.1-20250414', 'gpt-4.1'],
    ];
    for (const [name, base] of cases) assert.equal(resolvePrice(name)?.model, base, name);
    // A suffix that changes the price is not stripped: better "unknown" than a wrong price.
    assert.equal(resolvePrice('o3-deep-research'), null);
    assert.equal(resolvePrice('gpt-5-codex-mini'), null);
  });

  it('shows an unknown model as "cost unknown" with a hint to add a price, never $0', () => {
    const cost = costOf(u(1000, 0, 10), 'gpt-9-ultra');
    assert.ok('unknown' in cost);
    assert.match(cost.reason, /no price for "gpt-9-ultra"/);
    assert.match(cost.reason, /codexSessions\.pricing/);
    const none = costOf(u(1000, 0, 10), null);
    assert.ok('unknown' in none && /does not record its model/.test(none.reason));
    assert.ok('unknown' in costOf(u(1, 0, 1), 'codex-auto-review'));
  });

  it('takes overrides and additions from the setting, for aliases too', () => {
    const parsed = parsePricingOverrides({ 'GPT-9-Ultra': { input: 3, cached_input: 0.3, output: 12 }, 'gpt-5': { input: 2, output: 20 } });
    assert.equal(parsed.ok, true);
    const own = parsed.value;
    assert.deepEqual(own['gpt-5'], { input: 2, cached_input: 2, output: 20 }); // no cache discount when left out
    const added = costOf(u(M, 0, M), 'gpt-9-ultra', own);
    assert.deepEqual(added, { usd: 15, model: 'gpt-9-ultra', source: 'setting' });
    assert.deepEqual(costOf(u(M, 0, 0), 'gpt-5-2025-08-07', own), { usd: 2, model: 'gpt-5', source: 'setting' });
    assert.deepEqual(costOf(u(M, 0, 0), 'gpt-5-codex', own), { usd: 1.25, model: 'gpt-5-codex', source: 'builtin' });
  });

  it('validates the setting with zod, keeping the valid entries and naming the bad ones', () => {
    assert.deepEqual(parsePricingOverrides(undefined), { ok: true, value: {} });
    assert.equal(parsePricingOverrides([1, 2]).ok, false);
    const bad = parsePricingOverrides({ good: { input: 1, cached_input: 0.1, output: 2 }, neg: { input: -1, output: 1 }, extra: { input: 1, output: 1, typo: 3 }, str: { input: '1', output: 1 } });
    assert.equal(bad.ok, false);
    assert.deepEqual(Object.keys(bad.value), ['good']);
    assert.ok(!bad.ok && /"neg"/.test(bad.error) && /"extra"/.test(bad.error) && /"str"/.test(bad.error));
  });

  it('PriceBook memoizes resolution and returns null for unpriced models', () => {
    const book = new PriceBook({ mine: { input: 1, cached_input: 1, output: 1 } });
    assert.equal(book.usd(u(M, 0, 0), 'mine'), 1);
    assert.equal(book.usd(u(M, 0, 0), 'gpt-5'), 1.25);
    assert.equal(book.usd(u(M, 0, 0), 'nope'), null);
    assert.equal(book.usd(u(M, 0, 0), null), null);
    assert.equal(book.resolve('gpt-5'), book.resolve('gpt-5'));
  });
});
