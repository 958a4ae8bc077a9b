import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { listSessionFiles } from '../../../src/node/sessionFiles';
import { searchSessions } from '../../../src/node/sessionSearch';
import { makeCorpusCodexHome, removeHome } from '../../helpers/codexHome';
import { corpusAvailable } from '../../helpers/corpus';

(corpusAvailable() ? describe : describe.skip)('session search', () => {
  let home: string;
  before(() => (home = makeCorpusCodexHome()));
  after(() => removeHome(home));

  it('finds commands and outputs once per session, with snippets', async () => {
    const files = await listSessionFiles(home);
    const progress: number[] = [];
    const streamed: string[] = [];
    const hits = await searchSessions(files, 'DEFINITELY-missing', { onProgress: (p) => progress.push(p.filesDone), onHit: (h) => streamed.push(h.session.path) });
    // Every main run ran the failing ls: 8 live (0.1.x proto and 0.42 legacy JSON included), 5 archived after-resume copies.
    assert.equal(hits.length, 13);
    assert.deepEqual(new Set(streamed), new Set(hits.map((h) => h.session.path)));
    assert.equal(progress.at(-1), files.length);
    const h169 = hits.find((h) => h.session.id === '01a1fd26-0fa6-7ee1-8045-917ff34d0510' && !h.session.archived)!;
    assert.deepEqual(h169.matches.map((m) => [m.kind, m.snippet]), [
      ['command', 'ls /definitely-missing-dir'],
      ['output', "ls: cannot access '/definitely-missing-dir': No such file or directory"],
    ]);
    const m = h169.matches[1]!;
    assert.equal(m.snippet.slice(m.match[0], m.match[1]), 'definitely-missing');
  });

  it('searches prompts, messages and patches but not the injected instructions', async () => {
    const files = await listSessionFiles(home);
    assert.equal((await searchSessions(files, 'A skill is a set of local instructions')).length, 0);
    assert.equal((await searchSessions(files, 'Say hi')).length, 14); // the error runs
    const patch = await searchSessions(files, 'first line (edited)');
    assert.ok(patch.every((h) => h.matches.some((x) => x.kind === 'patch' || x.kind === 'output')));
    assert.deepEqual(await searchSessions(files, '   '), []);
  });

  it('finds text with quotes and backslashes inside tool arguments', async () => {
    const dir = path.join(home, 'sessions', '2027', '01', '01');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'rollout-2027-01-01T00-00-00-cccccccc-0000-0000-0000-000000000003.jsonl');
    const line = (payload: unknown): string => JSON.stringify({ timestamp: '2027-01-01T00:00:00Z', type: 'response_item', payload });
    writeFileSync(
      file,
      [
        JSON.stringify({ timestamp: '2027-01-01T00:00:00Z', type: 'session_meta', payload: { id: 'cccccccc-0000-0000-0000-000000000003' } }),
        line({ type: 'function_call', name: 'shell', arguments: JSON.stringify({ command: ['bash', '-lc', 'grep -r "say \\"hi\\"" C:\\src'] }), call_id: 'c' }),
      ].join('\n'),
    );
    const hits = await searchSessions(await listSessionFiles(home), 'say \\"hi\\"" C:\\src');
    assert.equal(hits.length, 1);
    assert.equal(hits[0]!.matches[0]!.kind, 'command');
  });

  it('caps matches per session and stops when cancelled', async () => {
    const files = await listSessionFiles(home);
    const [capped] = await searchSessions(files.filter((f) => f.archived && f.id.startsWith('01a1fd26')), 'line', { maxMatches: 2 });
    assert.deepEqual([capped!.matches.length, capped!.more], [2, true]);
    const ac = new AbortController();
    await assert.rejects(searchSessions(files, 'hi', { signal: ac.signal, concurrency: 1, onProgress: () => ac.abort() }));
  });
});
