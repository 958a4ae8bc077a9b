import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runCli, type CliRun } from '../../helpers/cliRun';
import { makeCorpusCodexHome, removeHome } from '../../helpers/codexHome';
import { corpusAvailable } from '../../helpers/corpus';

const PROMPT = 'Create notes.txt in the workspace, then edit it. Keep a short plan.';

(corpusAvailable() ? describe : describe.skip)('codex-sessions list, show, search', () => {
  let home: string;
  let env: Record<string, string>;
  beforeEach(() => {
    home = makeCorpusCodexHome();
    env = { CODEX_HOME: home, XDG_CACHE_HOME: path.join(home, 'xdg-cache'), HOME: home };
  });
  afterEach(() => removeHome(home));

  const cli = (args: string[], cwd = home): Promise<CliRun> => runCli(args, { cwd, env });

  it('list --json: every session newest first, with the contract fields, and a cache under XDG_CACHE_HOME', async () => {
    const r = await cli(['list', '--json']);
    assert.equal(r.code, 0, r.err);
    const list = JSON.parse(r.out) as Record<string, unknown>[];
    assert.equal(list.length, 28);
    for (const s of list) assert.deepEqual(Object.keys(s), ['id', 'path', 'started_at', 'cwd', 'title', 'cli_version', 'source']);
    assert.deepEqual(list[0], {
      id: '01a1fd29-c81f-7000-aab3-de67a4672712',
      path: path.join(home, 'sessions/2026/11/21/rollout-2026-11-21T08-12-16-01a1fd29-c81f-7000-aab3-de67a4672712.jsonl'),
      started_at: '2026-11-21T08:12:16.294Z',
      cwd: '/home/dev/ws/0.169.0-err',
      title: 'Say hi.',
      cli_version: '0.169.0',
      source: 'exec',
    });
    const times = list.map((s) => Date.parse(String(s.started_at)));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    assert.equal(readdirSync(path.join(home, 'xdg-cache', 'codex-sessions')).length, 1);
  });

  it('list --cwd keeps sessions started in the folder or below it; --all and the default keep all', async () => {
    const r = await cli(['list', '--json', '--cwd', '/home/dev/ws/0.45.0/']);
    const list = JSON.parse(r.out) as { cwd: string; title: string }[];
    assert.deepEqual(list.map((s) => [s.cwd, s.title]), [['/home/dev/ws/0.45.0', PROMPT], ['/home/dev/ws/0.45.0', PROMPT]]);
    assert.equal(JSON.parse((await cli(['list', '--json', '--cwd', '/home/dev'])).out).length, 19); // all that recorded a folder
    assert.equal(JSON.parse((await cli(['list', '--json', '--all', '--no-cache'])).out).length, 28);
    const text = await cli(['list', '--cwd', '/nowhere', '--no-cache']);
    assert.equal(text.out, '');
    assert.match(text.err, /no sessions/);
  });

  it('list prints one line per session and takes --codex-home', async () => {
    env = { HOME: home, XDG_CACHE_HOME: path.join(home, 'xdg-cache') };
    const r = await cli(['list', '--codex-home', home, '--no-cache']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^2026-11-21 \d\d:\d\d {2}01a1fd29-c81f-7000-aab3-de67a4672712 {2}exec {6}Say hi\.\n {4}\/home\/dev\/ws\/0\.169\.0-err\n/);
    assert.match(r.out, /exec,archived {2}Create notes\.txt/);
    assert.ok(!existsSync(path.join(home, 'xdg-cache')), '--no-cache writes no cache');
  });

  it('show --json: the thread object plus the session, with the real prompts only', async () => {
    const r = await cli(['show', '01a1fd26-0fa6', '--json']);
    assert.equal(r.code, 0, r.err);
    const o = JSON.parse(r.out) as { items: { type: string; text?: string }[]; session: unknown; usage: unknown; status: string; family: string };
    assert.deepEqual(o.session, { id: '01a1fd26-0fa6-7ee1-8045-917ff34d0510', started_at: '2026-11-21T08:08:12.464Z', cwd: '/home/dev/ws/0.169.0', cli_version: '0.169.0', model: 'gpt-5.5', title: PROMPT });
    assert.deepEqual(o.items.filter((i) => i.type === 'user_message').map((i) => i.text), [PROMPT]); // the live file, not the archived copy
    assert.deepEqual(o.usage, { input_tokens: 21066, cached_input_tokens: 2100, output_tokens: 135, reasoning_output_tokens: 45 });
    assert.deepEqual([o.status, o.family], ['completed', 'rollout-envelope']);
    for (const k of ['thread_id', 'errors', 'skipped_lines', 'unknown_events', 'meta', 'diagnostics']) assert.ok(k in o, k);
  });

  it('show takes a path, and exports Markdown', async () => {
    const file = path.join(home, 'archived_sessions', 'rollout-2026-11-21T08-06-47-01a1fd24-c4dc-7282-a54b-3259905e0165.jsonl');
    const r = await cli(['show', path.relative(home, file), '--markdown']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^# Create notes\.txt in the workspace/);
    assert.match(r.out, /\*\*Tokens:\*\* 24,088 in/);
    assert.match(r.out, /```diff\n@@\n-first line\n\+first line \(edited\)\n\+second line\n```/);
    assert.match(r.out, /- \[x\] Inspect workspace\n- \[x\] Create notes\.txt\n- \[ \] Verify result/);
    const text = await cli(['show', file]);
    assert.match(text.out, /✗ \$ ls \/definitely-missing-dir \(exit 2\)/);
  });

  it('show explains unknown and ambiguous ids, and bad flags', async () => {
    assert.match((await cli(['show', 'nope'])).err, /no session "nope"/);
    const amb = await cli(['show', '01a1fd2']);
    assert.equal(amb.code, 2);
    assert.match(amb.err, /matches \d+ sessions/);
    assert.equal((await cli(['show'])).code, 2);
    assert.equal((await cli(['show', 'x', '--json', '--markdown'])).code, 2);
    assert.equal((await cli(['list', '--all', '--cwd', '.'])).code, 2);
    assert.equal((await cli(['search'])).code, 2);
  });

  it('search --json: sessions with their matching snippets', async () => {
    const r = await cli(['search', 'third', 'line', '--json']);
    assert.equal(r.code, 0, r.err);
    const hits = JSON.parse(r.out) as { id: string; title: string; matches: { kind: string; snippet: string; line: number }[] }[];
    assert.equal(hits.length, 5); // the archived after-resume copies
    assert.ok(hits.every((h) => h.title === PROMPT && h.matches.some((m) => m.kind === 'prompt' && m.snippet === 'Now append a third line to notes.txt.')));
    const text = await cli(['search', 'hello-from-codex']);
    assert.match(text.out, /\n {4}command: echo hello-from-codex && ls\n/);
    const none = await cli(['search', 'zebra-unicorn']);
    assert.deepEqual([none.code, none.out], [0, '']);
  });
});
