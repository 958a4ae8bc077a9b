import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, type CliRun } from '../../helpers/cliRun';
import { parseDay } from '../../../src/node/usageCommand';
import { makeCorpusCodexHome, removeHome } from '../../helpers/codexHome';
import { corpusAvailable } from '../../helpers/corpus';

(corpusAvailable() ? describe : describe.skip)('codex-sessions usage', () => {
  let home: string;
  let env: Record<string, string>;
  beforeEach(() => {
    home = makeCorpusCodexHome();
    env = { CODEX_HOME: home, XDG_CACHE_HOME: path.join(home, 'xdg-cache'), HOME: home };
  });
  afterEach(() => removeHome(home));

  const cli = (args: string[]): Promise<CliRun> => runCli(args, { cwd: home, env });

  it('--json: totals with the contract fields and rows, the cache under XDG_CACHE_HOME', async () => {
    const r = await cli(['usage', '--json']);
    assert.equal(r.code, 0, r.err);
    const o = JSON.parse(r.out) as { totals: Record<string, unknown>; rows: Record<string, unknown>[]; by: string; cost_basis: string };
    for (const k of ['input_tokens', 'cached_input_tokens', 'output_tokens', 'reasoning_output_tokens', 'cost_usd']) assert.equal(typeof o.totals[k], 'number', k);
    assert.deepEqual([o.totals.input_tokens, o.totals.cached_input_tokens, o.totals.output_tokens, o.totals.reasoning_output_tokens], [201682, 20100, 1379, 449]);
    assert.equal(o.by, 'day');
    assert.deepEqual(o.rows.map((x) => x.day), ['2026-11-21']);
    assert.match(o.cost_basis, /API-equivalent/);
    assert.equal(readdirSync(path.join(home, 'xdg-cache', 'codex-sessions')).length, 1);
    const warm = await cli(['usage', '--json']);
    assert.deepEqual(JSON.parse(warm.out), o);
  });

  it('prints a table with the estimate label, by model and by session; --since selects days', async () => {
    const day = await cli(['usage', '--no-cache']);
    assert.equal(day.code, 0, day.err);
    assert.match(day.out, /^day +sessions +input +cached +output +reasoning +cost\n/);
    assert.match(day.out, /\n2026-11-21 +9 +201,682 +20,100 +1,379 +449 +\$0\.4254\n/);
    assert.match(day.out, /API-equivalent estimate/);
    assert.match(day.out, /19 session\(s\) record no token counts/);
    assert.ok(!existsSync(path.join(home, 'xdg-cache')), '--no-cache writes no cache');
    const model = await cli(['usage', '--by', 'model', '--no-cache']);
    assert.match(model.out, /\ngpt-5\.5 +2 +45,154 /);
    const session = await cli(['usage', '--by', 'session', '--json', '--no-cache']);
    const rows = (JSON.parse(session.out) as { rows: { session_id: string; archived: boolean }[] }).rows;
    assert.equal(rows.length, 9);
    assert.equal(rows.filter((x) => x.archived).length, 4);
    const text = await cli(['usage', '--by', 'session', '--no-cache']);
    assert.match(text.out, /01a1fd26-0fa6 \(archived\) +gpt-5\.5 +24,088/);
    const none = await cli(['usage', '--since', '20991231', '--no-cache']);
    assert.equal(none.code, 0);
    assert.match(none.out, /No token usage/);
  });

  it('--pricing FILE prices an unknown model; bad options exit 2', async () => {
    const prices = path.join(home, 'prices.json');
    writeFileSync(prices, JSON.stringify({ 'gpt-5.5': { input: 10, cached_input: 1, output: 100 }, bad: { input: 'x' } }));
    const r = await cli(['usage', '--json', '--no-cache', '--pricing', prices]);
    assert.equal(r.code, 0);
    assert.match(r.err, /invalid pricing entries.*"bad"/);
    const o = JSON.parse(r.out) as { totals: { cost_usd: number } };
    assert.ok(o.totals.cost_usd > 0.5, String(o.totals.cost_usd));
    for (const args of [['usage', '--by', 'week'], ['usage', '--since', '2026-13-01'], ['usage', 'extra'], ['usage', '--pricing', path.join(home, 'missing.json')]]) {
      const bad = await cli(args);
      assert.equal(bad.code, 2, args.join(' '));
      assert.match(bad.err, /^codex-sessions: /);
    }
  });
});

describe('usage command dates', () => {
  it('takes YYYY-MM-DD and YYYYMMDD, rejects impossible dates', () => {
    assert.equal(parseDay('2026-02-28', '--since'), '2026-02-28');
    assert.equal(parseDay('20260228', '--since'), '2026-02-28');
    assert.throws(() => parseDay('2026-02-30', '--since'), /--since needs a date/);
    assert.throws(() => parseDay('yesterday', '--until'), /--until needs a date/);
  });
});
