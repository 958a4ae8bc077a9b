import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SessionIndex, type IndexProgress } from '../../../src/node/sessionIndex';
import { usageForSessions, usageReport, type UsageRow } from '../../../src/node/usageReport';
import { makeCorpusCodexHome, removeHome } from '../../helpers/codexHome';
import { corpusAvailable } from '../../helpers/corpus';

const MAIN = { input_tokens: 21066, cached_input_tokens: 2100, output_tokens: 135, reasoning_output_tokens: 45 };
const RESUMED = { input_tokens: 24088, cached_input_tokens: 2400, output_tokens: 176, reasoning_output_tokens: 56 };
const tokens = (r: { input_tokens: number; cached_input_tokens: number; output_tokens: number; reasoning_output_tokens: number }): typeof MAIN => ({
  input_tokens: r.input_tokens,
  cached_input_tokens: r.cached_input_tokens,
  output_tokens: r.output_tokens,
  reasoning_output_tokens: r.reasoning_output_tokens,
});

(corpusAvailable() ? describe : describe.skip)('usage report', () => {
  let home: string;
  beforeEach(() => (home = makeCorpusCodexHome()));
  afterEach(() => removeHome(home));

  it('totals every session of a CODEX_HOME once, by session, day and model, with the API-equivalent cost', async () => {
    const index = new SessionIndex({ codexHome: home });
    const bySession = await usageForSessions(index, { by: 'session' });
    // Main runs of 0.42 (exec and legacy --json), 0.45, 0.100, 0.169, and the four archived after-resume copies.
    assert.equal(bySession.rows.length, 9);
    const rows = bySession.rows as Extract<UsageRow, { session_id: string }>[];
    assert.deepEqual(rows.filter((r) => r.archived).map(tokens), [RESUMED, RESUMED, RESUMED, RESUMED]);
    assert.ok(rows.filter((r) => !r.archived).every((r) => JSON.stringify(tokens(r)) === JSON.stringify(MAIN)));
    const t = bySession.totals;
    assert.deepEqual(tokens(t), { input_tokens: 5 * 21066 + 4 * 24088, cached_input_tokens: 5 * 2100 + 4 * 2400, output_tokens: 5 * 135 + 4 * 176, reasoning_output_tokens: 5 * 45 + 4 * 56 });
    assert.equal(t.sessions, 9);
    assert.equal(t.sessions_without_usage, 19); // 0.1.x, 0.20 and failed runs: unknown, not 0
    assert.equal(t.cost_complete, true);
    assert.ok(Math.abs(t.cost_usd - 0.425436) < 1e-9, String(t.cost_usd));
    assert.match(bySession.cost_basis, /API-equivalent estimate/);
    const v169 = rows.find((r) => r.session_id.startsWith('01a1fd26-0fa6') && !r.archived)!;
    assert.deepEqual(v169.models, ['gpt-5.5']);
    assert.ok(Math.abs(v169.cost_usd! - (18966 * 5 + 2100 * 0.5 + 135 * 30) / 1e6) < 1e-12);

    const byDay = usageReport(index.sessions(), { by: 'day' });
    assert.deepEqual(byDay.rows.map((r) => ('day' in r ? [r.day, r.sessions] : null)), [['2026-11-21', 9]]);
    const byModel = usageReport(index.sessions(), { by: 'model' });
    assert.deepEqual(byModel.rows.map((r) => ('price_model' in r ? [r.model, r.sessions, r.input_tokens] : null)), [
      ['gpt-5.5', 2, 21066 + 24088],
      ['gpt-5-codex', 5, 3 * 21066 + 2 * 24088],
      ['gpt-5.2-codex', 2, 21066 + 24088],
    ]);
    for (const r of [byDay, byModel]) assert.deepEqual(r.totals, bySession.totals);
  });

  it('selects usage by the day it was recorded on (--since / --until)', async () => {
    const index = new SessionIndex({ codexHome: home });
    await index.refresh({ usage: true });
    const day = usageReport(index.sessions(), { by: 'day' }).rows[0]!;
    assert.ok('day' in day);
    assert.equal(usageReport(index.sessions(), { since: day.day }).totals.sessions, 9);
    const after = usageReport(index.sessions(), { since: '2099-01-01' });
    assert.deepEqual([after.rows.length, after.totals.input_tokens, after.totals.sessions_without_usage], [0, 0, 0]);
    assert.equal(usageReport(index.sessions(), { until: '2000-01-01' }).rows.length, 0);
  });

  it('shows tokens of a model without a price, with "cost unknown" and a hint; the setting prices it', async () => {
    const file = path.join(home, 'sessions/2026/11/21', readdirSync(path.join(home, 'sessions/2026/11/21')).find((f) => f.includes('01a1fd26-0fa6'))!);
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('"gpt-5.5"', '"gpt-9-preview"'));
    const index = new SessionIndex({ codexHome: home });
    const r = await usageForSessions(index, { by: 'model' });
    const row = r.rows.find((x) => 'price_model' in x && x.model === 'gpt-9-preview')!;
    assert.deepEqual([row.input_tokens, row.cost_usd], [21066, null]);
    assert.match(row.unpriced?.[0]?.hint ?? '', /codexSessions\.pricing/);
    assert.equal(r.totals.cost_complete, false);
    assert.deepEqual(r.totals.unpriced.map((u) => [u.model, u.input_tokens]), [['gpt-9-preview', 21066]]);
    const priced = usageReport(index.sessions(), { by: 'model', pricing: { 'gpt-9-preview': { input: 1, cached_input: 0.5, output: 2 } } });
    assert.equal(priced.totals.cost_complete, true);
    assert.ok(priced.totals.cost_usd > r.totals.cost_usd);
  });

  it('keeps usage in the index cache: a warm run reads no file, a grown or rezoned one is read again', async () => {
    const cacheFile = path.join(home, 'cache', 'index.json');
    const progress = async (): Promise<IndexProgress> => {
      let last: IndexProgress | undefined;
      const index = new SessionIndex({ codexHome: home, cacheFile });
      await index.refresh({ usage: true, onProgress: (p) => (last = p) });
      await index.save();
      return last!;
    };
    assert.deepEqual(await progress(), { done: 28, total: 28, read: 28, usageRead: 28 });
    assert.deepEqual(await progress(), { done: 28, total: 28, read: 0, usageRead: 0 });
    // A head-only refresh (the history tree) keeps the usage; a file that grew is read again for it.
    const index = new SessionIndex({ codexHome: home, cacheFile });
    await index.refresh();
    const grown = index.sessions().find((s) => s.usage?.total && !s.archived)!;
    appendFileSync(grown.path, `${JSON.stringify({ timestamp: '2026-11-21T09:00:00.000Z', type: 'event_msg', payload: { type: 'token_count', info: { total_token_usage: { input_tokens: 30000, cached_input_tokens: 3000, output_tokens: 200, reasoning_output_tokens: 60 } } } })}\n`);
    assert.deepEqual(await progress(), { done: 28, total: 28, read: 0, usageRead: 1 });
    const previous = process.env.TZ;
    process.env.TZ = 'Pacific/Honolulu'; // 08:xx UTC is the evening before there
    try {
      assert.equal((await progress()).usageRead, 28);
      const again = new SessionIndex({ codexHome: home, cacheFile });
      const r = await usageForSessions(again, { by: 'day' });
      assert.deepEqual(r.rows.map((x) => ('day' in x ? x.day : '')), ['2026-11-20']);
      assert.equal(r.totals.input_tokens, 4 * 21066 + 30000 + 4 * 24088);
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });
});
