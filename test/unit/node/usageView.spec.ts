import assert from 'node:assert/strict';
import { SessionIndex } from '../../../src/node/sessionIndex';
import { usageReport } from '../../../src/node/usageReport';
import { rangeStart, usageView } from '../../../src/node/usageView';
import { stackByModel } from '../../../src/shared/usageChart';
import { removeHome } from '../../helpers/codexHome';
import { generateUsageHome, type UsageHome } from '../../helpers/usageHome';

describe('usage report view (what the report page shows)', () => {
  let g: UsageHome;
  let index: SessionIndex;
  before(async () => {
    g = generateUsageHome(120, 5);
    index = new SessionIndex({ codexHome: g.home, cacheFile: null });
    await index.refresh({ usage: true });
  });
  after(() => removeHome(g.home));

  // The generator spreads sessions over 2026-10-01 … 2026-10-21 (UTC), some resumed up to days later.
  const today = '2026-11-05';

  it('"all": totals equal the command line report, the chart cells add up to them, sessions listed once', () => {
    const sessions = index.sessions();
    const v = usageView(sessions, { range: 'all', scope: 'all', today, hasWorkspace: false });
    const cli = usageReport(sessions, { since: v.from, until: today }).totals;
    assert.equal(v.totals.input_tokens, cli.input_tokens);
    assert.equal(v.totals.cached_input_tokens, cli.cached_input_tokens);
    assert.equal(v.totals.output_tokens, cli.output_tokens);
    assert.equal(v.totals.reasoning_output_tokens, cli.reasoning_output_tokens);
    assert.equal(v.totals.tokens, cli.input_tokens + cli.output_tokens);
    assert.ok(Math.abs(v.totals.usd - cli.cost_usd) < 1e-9);
    assert.equal(v.totals.sessions, g.sessions - g.withoutUsage);
    assert.equal(v.totals.sessions_without_usage, g.withoutUsage);
    assert.equal(v.cells.reduce((a, c) => a + c.tokens, 0), v.totals.tokens);
    assert.ok(Math.abs(v.cells.reduce((a, c) => a + (c.usd ?? 0), 0) - v.totals.usd) < 1e-6);
    assert.equal(v.models.reduce((a, m) => a + m.tokens, 0), v.totals.tokens);
    assert.ok(v.from >= '2026-09-30' && v.from <= '2026-10-01', `first day ${v.from}`);
    // The chart over the same cells keeps every token.
    const chart = stackByModel(v.cells, v.from, v.to, 'tokens');
    assert.equal(chart.buckets.reduce((a, b) => a + b.total, 0), v.totals.tokens);
  });

  it('top lists: by cost and by tokens, sorted, at most 10, with titles and cwd', () => {
    const v = usageView(index.sessions(), { range: 'all', scope: 'all', today, hasWorkspace: false });
    assert.equal(v.topByCost.length, 10);
    assert.equal(v.topByTokens.length, 10);
    for (let i = 1; i < 10; i++) {
      assert.ok(v.topByCost[i - 1]!.usd! >= v.topByCost[i]!.usd!);
      assert.ok(v.topByTokens[i - 1]!.tokens >= v.topByTokens[i]!.tokens);
    }
    const all = usageReport(index.sessions(), { by: 'session' }).rows;
    const maxTokens = Math.max(...all.map((r) => r.input_tokens + r.output_tokens));
    assert.equal(v.topByTokens[0]!.tokens, maxTokens);
    assert.match(v.topByTokens[0]!.cwd ?? '', /^\/home\/dev\/p\d$/);
    assert.match(v.topByTokens[0]!.title ?? '', /^Task \d+\.0$/);
    assert.ok(index.get(v.topByTokens[0]!.path), 'the path is the index key the page sends back');
  });

  it('a 30-day window counts only the days in it', () => {
    const v = usageView(index.sessions(), { range: '30', scope: 'all', today: '2026-10-31', hasWorkspace: true });
    assert.equal(v.from, '2026-10-02');
    assert.equal(rangeStart('90', '2026-10-31', []), '2026-08-03');
    const cli = usageReport(index.sessions(), { since: '2026-10-02', until: '2026-10-31' }).totals;
    assert.equal(v.totals.input_tokens, cli.input_tokens);
    assert.ok(v.cells.every((c) => c.day >= '2026-10-02' && c.day <= '2026-10-31'));
    const everything = usageView(index.sessions(), { range: 'all', scope: 'all', today: '2026-10-31', hasWorkspace: true });
    assert.ok(v.totals.tokens < everything.totals.tokens, 'October 1 is left out');
  });

  it('an unknown model is "cost unknown" in cells, models and top lists, never $0', () => {
    const sessions = index.sessions().map((s) => (s.usage ? { ...s, usage: { ...s.usage, slices: s.usage.slices.map((sl) => ({ ...sl, model: sl.model === 'gpt-5' ? 'secret-model' : sl.model })) } } : s));
    const v = usageView(sessions, { range: 'all', scope: 'all', today, hasWorkspace: false });
    assert.equal(v.totals.cost_complete, false);
    assert.ok(v.totals.unpriced.some((u) => u.model === 'secret-model' && /codexSessions\.pricing/.test(u.hint)));
    assert.ok(v.cells.filter((c) => c.model === 'secret-model').every((c) => c.usd === null));
    assert.equal(v.models.find((m) => m.model === 'secret-model')?.usd, null);
    assert.ok(v.topByCost.every((r) => r.usd !== null), 'unknown costs are not ranked by cost');
    // With a price in the setting, the same tokens are priced.
    const priced = usageView(sessions, { range: 'all', scope: 'all', today, hasWorkspace: false, pricing: { 'secret-model': { input: 1, cached_input: 0.1, output: 2 } } });
    assert.equal(priced.totals.cost_complete, true);
    assert.ok(priced.totals.usd > v.totals.usd);
  });
});
