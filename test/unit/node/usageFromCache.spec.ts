// The command line's warm `usage`: a report from the index cache alone, read in place, only while the cache holds for
// every file; byte for byte what a refreshed index prints; and the refresh instead whenever anything changed.
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { racyWindow, walkHistory, type ListedDir } from '../../../src/node/historyListing';
import { defaultCacheFile } from '../../../src/node/sessionCache';
import { SessionIndex } from '../../../src/node/sessionIndex';
import { usageFromCache, usageJsonFromCache } from '../../../src/node/usageFromCache';
import { usageReport, type UsageReportOptions } from '../../../src/node/usageReport';
import { runCli } from '../../helpers/cliRun';
import { makeCorpusCodexHome, removeHome } from '../../helpers/codexHome';
import { corpusAvailable } from '../../helpers/corpus';

(corpusAvailable() ? describe : describe.skip)('usage from the cache alone (warm command line)', function () {
  this.timeout(60_000);
  let home: string;
  let env: Record<string, string>;
  let cacheFile: string;
  const racy = racyWindow.ms;
  beforeEach(() => {
    home = makeCorpusCodexHome();
    env = { CODEX_HOME: home, XDG_CACHE_HOME: path.join(home, 'xdg-cache'), HOME: home };
    cacheFile = defaultCacheFile(home, env);
    // The folders were just made: trust their times at once rather than waiting for them to age.
    racyWindow.ms = -60_000;
  });
  afterEach(() => {
    racyWindow.ms = racy;
    removeHome(home);
  });

  const cli = (args: string[]): Promise<{ code: number; out: string; err: string }> => runCli(args, { cwd: home, env });
  /** What a refreshed index reports (no cache involved). */
  async function indexReport(opts: UsageReportOptions): Promise<string> {
    const index = new SessionIndex({ codexHome: home, cacheFile: null, io: 'sync' });
    await index.refresh({ usage: true });
    return JSON.stringify(usageReport(index.sessions(), opts));
  }
  const day = (): string => path.join(home, 'sessions', '2026', '11', '21');

  it('reports exactly what a refreshed index reports, for every grouping, range and price', async () => {
    assert.equal((await cli(['usage'])).code, 0);
    const unknown = { 'gpt-5.5': { input: 3, cached_input: 0.3, output: 30 } };
    for (const opts of [{ by: 'session' }, { by: 'day' }, { by: 'model' }, { by: 'session', since: '2026-11-22' }, { by: 'day', until: '2026-11-21' }, { by: 'model', pricing: unknown }] as UsageReportOptions[]) {
      const warm = await usageFromCache(home, cacheFile, opts);
      assert.ok(warm, JSON.stringify(opts));
      assert.equal(JSON.stringify(warm), await indexReport(opts), JSON.stringify(opts));
    }
    // The command line's output, table and JSON, is the same with or without the cache.
    for (const args of [['--json', '--by', 'session'], ['--by', 'model'], ['--json', '--since', '2026-11-21']]) {
      assert.equal((await cli(['usage', ...args])).out, (await cli(['usage', ...args, '--no-cache'])).out, args.join(' '));
    }
  });

  it('prints the by-session report from the rows it keeps, totals added up from the figures it keeps per session', async () => {
    assert.equal((await cli(['usage', '--by', 'day'])).code, 0, 'a cache written by another report keeps the rows too');
    const kept = await usageJsonFromCache(home, cacheFile, { by: 'session' });
    assert.ok(kept);
    assert.equal(Buffer.concat(kept).toString(), `${await indexReport({ by: 'session' })}\n`);
    for (const opts of [{ by: 'day' }, { by: 'session', since: '2026-11-21' }, { by: 'session', pricing: { x: { input: 1, cached_input: 1, output: 1 } } }] as UsageReportOptions[]) {
      assert.equal(await usageJsonFromCache(home, cacheFile, opts), null, `not for ${JSON.stringify(opts)}`);
    }
  });

  it('adds up the totals session by session when a model has no price (no kept figures for those)', async () => {
    const file = some();
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('"gpt-5.5"', '"gpt-9-preview"'));
    assert.equal((await cli(['usage'])).code, 0);
    const kept = await usageJsonFromCache(home, cacheFile, { by: 'session' });
    assert.ok(kept);
    const printed = Buffer.concat(kept).toString();
    assert.equal(printed, `${await indexReport({ by: 'session' })}\n`);
    assert.match(printed, /"cost_complete":false,"unpriced":\[\{"model":"gpt-9-preview"/);
  });

  /** After `change`, the cache no longer holds; the command line still prints what a fresh index prints, and rewrites it. */
  async function afterChange(change: () => void, what: string, holdsAgain = true): Promise<void> {
    assert.equal((await cli(['usage'])).code, 0);
    assert.ok(await usageFromCache(home, cacheFile, { by: 'session' }), `${what}: holds before`);
    change();
    assert.equal(await usageFromCache(home, cacheFile, { by: 'session' }), null, `${what}: no longer holds`);
    const r = await cli(['usage', '--json', '--by', 'session']);
    assert.equal(r.out, `${await indexReport({ by: 'session' })}\n`, what);
    const again = await usageFromCache(home, cacheFile, { by: 'session' });
    if (!holdsAgain) return assert.equal(again, null, `${what}: a skipped entry is looked at on every run`);
    assert.ok(again, `${what}: holds again`);
    assert.equal(JSON.stringify(again), await indexReport({ by: 'session' }), `${what}: same again`);
  }

  const some = (): string => path.join(day(), readdirSync(day()).find((f) => f.includes('01a1fd26-0fa6'))!);
  const tokenCount = JSON.stringify({ timestamp: '2026-11-21T09:00:00.000Z', type: 'event_msg', payload: { type: 'token_count', info: { total_token_usage: { input_tokens: 30000, cached_input_tokens: 3000, output_tokens: 200, reasoning_output_tokens: 60 } } } });

  it('refreshes when a rollout grows (a resume appends to its file)', async () => {
    await afterChange(() => appendFileSync(some(), `${tokenCount}\n`), 'appended');
  });

  it('refreshes when a rollout is rewritten to the same size, when one is added, removed, or moved to the archive', async () => {
    await afterChange(() => utimesSync(some(), new Date(), new Date(Date.now() + 5000)), 'touched');
    await afterChange(() => copyFileSync(some(), path.join(day(), path.basename(some()).replace('T08-', 'T23-').replace('01a1fd26', '01a1fd99'))), 'added');
    await afterChange(() => unlinkSync(some()), 'removed');
    const other = path.join(day(), readdirSync(day())[0]!);
    await afterChange(() => renameSync(other, path.join(home, 'archived_sessions', path.basename(other))), 'archived');
  });

  it('refreshes for a new day folder, a folder gone, another time zone, and a damaged cache', async () => {
    const next = path.join(home, 'sessions', '2026', '11', '22');
    await afterChange(() => {
      mkdirSync(next);
      copyFileSync(some(), path.join(next, path.basename(some()).replace('2026-11-21', '2026-11-22').replace('01a1fd26', '01a1fd77')));
    }, 'new folder');
    await afterChange(() => rmSync(next, { recursive: true }), 'folder gone');
    const tz = process.env.TZ;
    try {
      await afterChange(() => (process.env.TZ = 'Pacific/Honolulu'), 'time zone');
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    await afterChange(() => writeFileSync(cacheFile, readFileSync(cacheFile).subarray(0, 1000)), 'cut cache');
  });

  it('refreshes on every run while an entry is skipped (a FIFO named like a rollout, a dangling link)', async function () {
    if (process.platform === 'win32') this.skip();
    await afterChange(() => execFileSync('mkfifo', [path.join(day(), 'rollout-2026-11-21T23-59-59-ffffffff-0000-0000-0000-000000000000.jsonl')]), 'fifo', false);
    rmSync(path.join(day(), 'rollout-2026-11-21T23-59-59-ffffffff-0000-0000-0000-000000000000.jsonl'));
    symlinkSync(path.join(home, 'nowhere.jsonl'), path.join(day(), 'rollout-2026-11-21T23-59-58-eeeeeeee-0000-0000-0000-000000000000.jsonl'));
    assert.equal((await cli(['usage'])).code, 0);
    assert.equal(await usageFromCache(home, cacheFile, { by: 'session' }), null, 'a dangling link is no session, and is looked at again');
  });

  it('lists only the folders that changed, and lists a folder again while its time is too recent to trust', async () => {
    const index = new SessionIndex({ codexHome: home, cacheFile: null, io: 'sync' });
    await index.refresh();
    const walk = async (previous: Map<string, ListedDir>): Promise<{ listing: Map<string, ListedDir>; reused: string[] }> => {
      const listing = new Map<string, ListedDir>();
      const reused: string[] = [];
      await walkHistory(home, { sync: true, previous }, (d, same) => {
        listing.set(d.path, d);
        if (same) reused.push(path.relative(home, d.path));
      });
      return { listing, reused };
    };
    const first = await walk(new Map());
    assert.deepEqual(first.reused, []);
    const second = await walk(first.listing);
    assert.deepEqual(second.reused.sort(), [...first.listing.keys()].map((p) => path.relative(home, p)).sort(), 'nothing changed: every folder reused');
    copyFileSync(some(), path.join(day(), path.basename(some()).replace('T08-', 'T22-').replace('01a1fd26', '01a1fd55')));
    const third = await walk(second.listing);
    assert.ok(!third.reused.includes(path.relative(home, day())), 'the folder that changed is listed');
    assert.ok(third.listing.get(day())!.files.some((f) => f.includes('01a1fd55')));
    assert.equal(third.reused.length, first.listing.size - 1, 'every other folder reused');
    // With the real window, folders modified a moment ago are never reused: a change within the clock's tick
    // would leave their time as it was.
    racyWindow.ms = racy;
    const fresh = await walk(new Map());
    assert.ok([...fresh.listing.values()].every((d) => !d.reusable));
    assert.deepEqual((await walk(fresh.listing)).reused, []);
  });
});
