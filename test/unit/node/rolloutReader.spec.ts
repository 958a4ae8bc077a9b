import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ThreadReducer } from '../../../src/core/threadReducer';
import { readRolloutHead, replayRollout } from '../../../src/node/rolloutReader';
import { corpusRollouts } from '../../helpers/codexHome';
import { corpusAvailable } from '../../helpers/corpus';

(corpusAvailable() ? describe : describe.skip)('rollout reader', () => {
  const resumed = (v: string): string => corpusRollouts().find((r) => r.version === v && r.run === 'sessions-after-resume')!.file;

  it('reads only the head it needs', async () => {
    const file = resumed('0.169.0');
    const head = await readRolloutHead(file);
    assert.equal(head.complete, true);
    assert.equal(head.session.title, 'Create notes.txt in the workspace, then edit it. Keep a short plan.');
    assert.ok(head.bytes < statSync(file).size, `${head.bytes} bytes read of ${statSync(file).size}`);
    const tiny = await readRolloutHead(file, { maxBytes: 1000 });
    assert.deepEqual([tiny.complete, tiny.bytes, tiny.session.title], [false, 1000, null]);
  });

  it('replays a file into a reducer with progress, exactly like parsing its text', async () => {
    const file = resumed('0.45.0');
    const progress: number[] = [];
    const reducer = new ThreadReducer();
    const r = await replayRollout(file, reducer, { onProgress: (done, total) => progress.push(done / total) });
    assert.equal(r.state, reducer.state);
    assert.equal(progress.at(-1), 1);
    assert.equal(r.state.usage?.input_tokens, 24088);
    assert.equal(r.session.id, '01a1fd24-c4dc-7282-a54b-3259905e0165');
    assert.equal(r.state.status, 'completed');
  });

  it('stops when cancelled, and fails on a missing file', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(replayRollout(resumed('0.45.0'), new ThreadReducer(), { signal: ac.signal }));
    await assert.rejects(replayRollout('/definitely/missing.jsonl', new ThreadReducer()), /ENOENT/);
    await assert.rejects(readRolloutHead('/definitely/missing.jsonl'), /ENOENT/);
  });

  it('reads a file without a final line break, and an empty file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rollout-'));
    try {
      const file = path.join(dir, 'r.jsonl');
      writeFileSync(file, `${JSON.stringify({ id: 'x', timestamp: '2026-01-01T00:00:00Z' })}\n${JSON.stringify({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'last line' }] })}`);
      assert.equal((await readRolloutHead(file)).session.title, 'last line');
      assert.equal((await replayRollout(file, new ThreadReducer())).state.items.length, 1);
      writeFileSync(file, '');
      const empty = await replayRollout(file, new ThreadReducer());
      assert.deepEqual([empty.state.items.length, empty.session.family], [0, 'unknown']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
