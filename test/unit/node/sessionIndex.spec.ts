import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SessionIndex, type IndexProgress } from '../../../src/node/sessionIndex';
import { listSessionFiles, resolveCodexHome } from '../../../src/node/sessionFiles';
import { makeCorpusCodexHome, removeHome } from '../../helpers/codexHome';
import { corpusAvailable } from '../../helpers/corpus';

const PROMPT = 'Create notes.txt in the workspace, then edit it. Keep a short plan.';

(corpusAvailable() ? describe : describe.skip)('session index', () => {
  let home: string;
  let cache: string;
  beforeEach(() => {
    home = makeCorpusCodexHome();
    cache = path.join(home, 'cache', 'index.json');
  });
  afterEach(() => removeHome(home));

  async function refreshed(opts: { cacheFile?: string | null; headBytes?: number } = {}): Promise<{ index: SessionIndex; last: IndexProgress | undefined }> {
    const index = new SessionIndex({ codexHome: home, cacheFile: opts.cacheFile === undefined ? cache : opts.cacheFile, headBytes: opts.headBytes });
    let last: IndexProgress | undefined;
    await index.refresh({ onProgress: (p) => (last = p) });
    return { index, last };
  }

  it('builds the skeleton from file names alone: dated, flat and archived files, newest first', async () => {
    writeFileSync(path.join(home, 'sessions', 'notes.txt'), 'not a rollout');
    const files = await listSessionFiles(home);
    assert.equal(files.length, 28);
    assert.equal(files.filter((f) => f.archived).length, 5);
    assert.ok(files.some((f) => f.id === '4ce9d5a7-456e-49d8-8a03-ef9111ccdb69' && path.dirname(f.path) === path.join(home, 'sessions')), 'the flat 0.1.x file');
    assert.deepEqual(files.map((f) => f.local_time), [...files.map((f) => f.local_time)].sort().reverse());
    assert.equal(files[0]!.local_time, '2026-11-21T08:12:16');
    assert.equal((await listSessionFiles(home, { archived: false })).length, 23);
    assert.deepEqual(await listSessionFiles(path.join(home, 'nowhere')), []);
  });

  it('reads every session head once, then starts warm from the cache with stats only', async () => {
    const cold = await refreshed();
    assert.deepEqual(cold.last, { done: 28, total: 28, read: 28 });
    await cold.index.save();
    assert.ok(existsSync(cache));
    const s = cold.index.sessions().find((x) => x.id === '01a1fd26-0fa6-7ee1-8045-917ff34d0510' && !x.archived)!;
    assert.deepEqual(
      [s.title, s.cwd, s.cli_version, s.source, s.model, s.originator, s.family, s.complete, s.started_at],
      [PROMPT, '/home/dev/ws/0.169.0', '0.169.0', 'exec', 'gpt-5.5', 'codex_exec', 'envelope', true, '2026-11-21T08:08:12.464Z'],
    );
    const warm = await refreshed();
    assert.deepEqual(warm.last, { done: 28, total: 28, read: 0 });
    assert.deepEqual(warm.index.sessions(), cold.index.sessions());
  });

  it('keeps the metadata of a file that grew without reading it again, and reads new files', async () => {
    const { index } = await refreshed();
    const s = index.sessions().find((x) => x.cli_version === '0.45.0' && !x.archived && x.title === PROMPT)!;
    appendFileSync(s.path, '{"timestamp":"2026-11-21T09:00:00.000Z","type":"event_msg","payload":{"type":"agent_message","message":"more"}}\n');
    const grown = await index.update([s.path]);
    assert.equal(grown.changed.length, 1);
    assert.equal(grown.changed[0]!.title, PROMPT);
    assert.ok(grown.changed[0]!.size > s.size);
    appendFileSync(s.path, '{"timestamp":"2026-11-21T09:00:01.000Z","type":"event_msg","payload":{"type":"agent_message","message":"again"}}\n');
    let read = -1;
    const again = await index.refresh({ onProgress: (p) => (read = p.read) });
    assert.deepEqual([again.changed.length, read], [1, 0], 'a grown file with a complete head is not read again');

    const dir = path.join(home, 'sessions', '2026', '12', '01');
    mkdirSync(dir, { recursive: true });
    const fresh = path.join(dir, 'rollout-2026-12-01T10-00-00-aaaaaaaa-0000-0000-0000-000000000001.jsonl');
    writeFileSync(fresh, `${JSON.stringify({ id: 'aaaaaaaa-0000-0000-0000-000000000001', timestamp: '2026-12-01T10:00:00Z' })}\n${JSON.stringify({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'New one' }] })}\n`);
    const changes = await index.refresh();
    assert.deepEqual(changes.added.map((a) => a.title), ['New one']);
    assert.equal(changes.changed.length, 0);
    assert.equal(index.sessions()[0]!.path, fresh);

    unlinkSync(fresh);
    assert.deepEqual((await index.update([fresh])).removed, [fresh]);
    unlinkSync(s.path);
    assert.deepEqual((await index.refresh()).removed, [s.path]);
  });

  it('ignores a corrupt or foreign cache, and writes none without a cache file', async () => {
    mkdirSync(path.dirname(cache), { recursive: true });
    writeFileSync(cache, '{"format":1,"codex_home":"/elsewhere","sessions":[]}');
    assert.equal((await refreshed()).last?.read, 28);
    writeFileSync(cache, '{ broken');
    assert.equal((await refreshed()).last?.read, 28);
    rmSync(cache);
    const { index } = await refreshed({ cacheFile: null });
    await index.save();
    assert.ok(!existsSync(cache));
  });

  it('reads heads within a budget: a late first prompt is found with a bigger one', async () => {
    const dir = path.join(home, 'sessions', '2026', '12', '02');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'rollout-2026-12-02T10-00-00-bbbbbbbb-0000-0000-0000-000000000002.jsonl');
    const injected = JSON.stringify({ type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: `<user_instructions>\n${'x'.repeat(20_000)}\n</user_instructions>` }] } });
    const lines = [
      JSON.stringify({ timestamp: '2026-12-02T10:00:00Z', type: 'session_meta', payload: { id: 'bbbbbbbb-0000-0000-0000-000000000002', cwd: '/late', cli_version: '0.60.0', source: 'vscode', originator: 'codex_vscode' } }),
      ...Array.from({ length: 10 }, () => injected),
      JSON.stringify({ type: 'turn_context', payload: { model: 'gpt-5', cwd: '/late' } }),
      JSON.stringify({ type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Finally the prompt' }] } }),
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const small = (await refreshed({ cacheFile: null, headBytes: 64 * 1024 })).index.get(file)!;
    assert.deepEqual([small.title, small.complete, small.cwd, small.source], [null, false, '/late', 'ide']);
    const big = (await refreshed({ cacheFile: null })).index.get(file)!;
    assert.deepEqual([big.title, big.complete, big.model], ['Finally the prompt', true, 'gpt-5']);
  });

  it('finds sessions by id or id prefix', async () => {
    const { index } = await refreshed({ cacheFile: null });
    assert.equal(index.find('01a1fd24-c4dc').length, 2); // live and archived
    assert.equal(index.find('01A1FD24-C8F3-7CE2-A276-77A954D59BD0').length, 1);
    assert.equal(index.find('zzz').length, 0);
  });

  it('stops a refresh when cancelled', async () => {
    const index = new SessionIndex({ codexHome: home, cacheFile: null, concurrency: 1 });
    const ac = new AbortController();
    await assert.rejects(index.refresh({ signal: ac.signal, onSession: () => ac.abort() }));
    assert.ok(index.sessions().length < 28);
  });

  it('resolves CODEX_HOME like the CLI: the setting, else the variable, else ~/.codex', () => {
    assert.equal(resolveCodexHome('/x', { CODEX_HOME: '/y' }), '/x');
    assert.equal(resolveCodexHome('', { CODEX_HOME: '/y' }), '/y');
    assert.ok(resolveCodexHome(undefined, {}).endsWith(`${path.sep}.codex`));
    assert.ok(!resolveCodexHome('~/c', {}).startsWith('~'));
  });
});
