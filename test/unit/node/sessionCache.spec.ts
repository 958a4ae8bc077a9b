import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { INDEX_FORMAT, loadSessionCache, saveSessionCache } from '../../../src/node/sessionCache';
import type { SessionInfo } from '../../../src/node/sessionFiles';

describe('session index cache file (rows)', () => {
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
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { format: number; sessions: unknown[][] };
    assert.equal(raw.format, INDEX_FORMAT);
    assert.equal(raw.sessions[0]![0], ['sessions', '2026', '11', '21', NAME].join(path.sep), 'paths below the home are kept relative');
    const loaded = await loadSessionCache(file, home);
    assert.deepEqual([...loaded.values()], sessions);
  });

  it('drops a row that does not fit (one by one), a relative path outside the home, and a cache of another format', async () => {
    const good = info(path.join(home, 'sessions', NAME));
    await saveSessionCache(file, home, [good, info('relative/elsewhere/' + NAME)]);
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { sessions: unknown[][] };
    assert.equal(raw.sessions.length, 1, 'a relative path outside the home is not written');
    const bad = [...raw.sessions[0]!];
    bad[2] = 'large';
    const badUsage = [...raw.sessions[0]!, ['UTC', [1, 2, 3], [], null]];
    const badName = [...raw.sessions[0]!];
    badName[0] = 'sessions/notes.txt';
    writeFileSync(file, JSON.stringify({ ...raw, sessions: [bad, raw.sessions[0], badUsage, badName] }));
    assert.deepEqual([...(await loadSessionCache(file, home)).values()], [good]);
    writeFileSync(file, JSON.stringify({ ...raw, format: INDEX_FORMAT - 1 }));
    assert.equal((await loadSessionCache(file, home)).size, 0);
  });
});
