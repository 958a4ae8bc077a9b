import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { INDEX_FORMAT, loadSessionCache, saveSessionCache } from '../../../src/node/sessionCache';
import type { SessionInfo } from '../../../src/node/sessionFiles';

describe('session index cache file (columns)', () => {
  let dir: string;
  let home: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'codex-cache-'));
    home = path.join(dir, 'home');
    file = path.join(dir, 'cache', 'index.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const info = (p: string, extra: Partial<SessionInfo> = {}): SessionInfo => ({
    path: p,
    id: '01a1fd24-c4dc-7ce2-a276-77a954d59bd0',
    local_time: '2026-11-21T08:08:12',
    archived: false,
    started_at: '2026-11-21T08:08:12.600Z',
    cwd: '/work',
    cli_version: '0.169.0',
    originator: 'codex_exec',
    source: 'exec',
    model: 'gpt-5-codex',
    title: 'Fix the "tests"\nnow',
    family: 'envelope',
    size: 1234,
    mtime_ms: 1795261913549.1675,
    complete: true,
    ...extra,
  });
  const NAME = 'rollout-2026-11-21T08-08-12-01a1fd24-c4dc-7ce2-a276-77a954d59bd0.jsonl';

  it('gives back what was saved: usage with slices of an unnamed model, archived, a file outside the home', async () => {
    const usage = { input_tokens: 1011, cached_input_tokens: 100, output_tokens: 20, reasoning_output_tokens: 5 };
    const sessions = [
      info(path.join(home, 'sessions', '2026', '11', '21', NAME), {
        usage: { zone: 'Europe/Berlin', total: usage, slices: [{ model: null, day: '2026-11-21', usage }, { model: 'o3', day: '2026-11-22', usage }], last_activity: '2026-11-22T00:00:01Z' },
      }),
      info(path.join(home, 'archived_sessions', NAME), { archived: true, started_at: null, cwd: null, model: null, title: null, family: 'bare', complete: false, usage: { zone: 'UTC', total: null, slices: [], last_activity: null } }),
      info(path.join(dir, 'elsewhere', NAME)),
    ];
    await saveSessionCache(file, home, sessions);
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { format: number; files: string[]; strings: string[] };
    assert.equal(raw.format, INDEX_FORMAT);
    assert.equal(raw.files[0], ['sessions', '2026', '11', '21', NAME].join(path.sep), 'paths below the home are kept relative');
    assert.equal(raw.strings.filter((v) => v === 'gpt-5-codex').length, 1, 'each string once');
    const loaded = await loadSessionCache(file, home);
    assert.deepEqual([...loaded.values()], sessions);
  });

  it('drops a session that does not fit (one by one), a relative path outside the home, and a cache of another format or shape', async () => {
    const usage = { input_tokens: 1011, cached_input_tokens: 100, output_tokens: 20, reasoning_output_tokens: 5 };
    const good = (i: number): SessionInfo =>
      info(path.join(home, 'sessions', NAME.replace('08-08-12', `08-08-1${i}`)), { local_time: `2026-11-21T08:08:1${i}`, usage: { zone: 'UTC', total: usage, slices: [{ model: 'gpt-5', day: '2026-11-21', usage }], last_activity: null } });
    await saveSessionCache(file, home, [good(0), info('relative/elsewhere/' + NAME), good(1), good(2), good(3), good(4), good(5)]);
    type Raw = { format: number; strings: unknown[]; files: unknown[]; numbers: unknown[]; meta: unknown[]; usage: unknown[] };
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Raw;
    assert.equal(raw.files.length, 6, 'a relative path outside the home is not written');
    assert.equal(raw.usage.length % 6, 0);
    const per = raw.usage.length / 6; // every session's usage has the same length here
    const damaged = structuredClone(raw);
    damaged.numbers[2] = 'large'; // session 1's size
    damaged.usage[2 * per + 3] = 2; // session 2: neither 0 nor 1 before the total
    damaged.files[3] = 'sessions/notes.txt'; // session 3: not a rollout's name
    damaged.meta[4 * 10 + 6] = damaged.strings.indexOf('gpt-5'); // session 4: a model where the source goes
    damaged.usage[5 * per + 2] = 9999; // session 5: last_activity is no string of the table
    writeFileSync(file, JSON.stringify(damaged));
    assert.deepEqual([...(await loadSessionCache(file, home)).values()], [good(0)]);
    for (const broken of [{ ...raw, format: INDEX_FORMAT - 1 }, { ...raw, meta: raw.meta.slice(1) }, { ...raw, strings: [...raw.strings, 7] }, { ...raw, usage: 'none' }]) {
      writeFileSync(file, JSON.stringify(broken));
      assert.equal((await loadSessionCache(file, home)).size, 0);
    }
    // Indexes that name no string of the table (array keys, fractions, out of range) and counts that are no counts.
    for (const [column, at, value] of [
      ['meta', 0, 'length'], ['meta', 1, '__proto__'], ['meta', 5, 'map'], ['meta', 2, 0.5], ['meta', 3, raw.strings.length], ['meta', 4, 'INFINITY'],
      ['usage', 2, 'at'], ['usage', 4, 1.5], ['usage', 5, 'INFINITY'], ['numbers', 0, -1], ['numbers', 1, 'INFINITY'],
    ] as const) {
      const hostile = structuredClone(raw);
      (hostile[column] as unknown[])[at] = value;
      // JSON has no Infinity, but JSON.parse reads 1e400 as one.
      writeFileSync(file, JSON.stringify(hostile).replace('"INFINITY"', '1e400'));
      const loaded = [...(await loadSessionCache(file, home)).values()];
      assert.equal(loaded.length, 5, `${column}[${at}] = ${String(value)}`);
      assert.ok(loaded.every((s) => typeof s.title === 'string' && typeof s.size === 'number' && Number.isFinite(s.mtime_ms)));
    }
    // A usage column cut short: the sessions before the cut stand.
    writeFileSync(file, JSON.stringify({ ...raw, usage: raw.usage.slice(0, 2 * per + 2) }));
    assert.equal((await loadSessionCache(file, home)).size, 2);
  });
});
