import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LiveRolloutUsage } from '../../../src/node/liveUsage';
import { corpusAvailable, corpusFile, rolloutFiles } from '../../helpers/corpus';

(corpusAvailable() ? describe : describe.skip)('LiveRolloutUsage (a running thread read from its growing rollout file)', () => {
  let home: string;
  beforeEach(() => (home = mkdtempSync(path.join(os.tmpdir(), 'live-usage-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('follows a 0.169 rollout as codex writes it: the usage record before the command ends, then the totals', async () => {
    const source = rolloutFiles(corpusFile('0.169.0', 'sessions'))[0]!;
    const lines = readFileSync(source, 'utf8').split('\n').filter(Boolean);
    const id = /-([0-9a-f-]{36})\.jsonl$/.exec(source)![1]!;
    const dir = path.join(home, 'sessions', '2026', '11', '21');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, path.basename(source));
    const live = new LiveRolloutUsage(home, 60_000);
    assert.equal(await live.read(id), null, 'no file yet');

    const firstRecord = lines.findIndex((l) => l.includes('"token_usage_record"'));
    writeFileSync(file, `${lines.slice(0, firstRecord).join('\n')}\n`);
    assert.equal(await live.read(id), null, 'not looked for again before the pause is over (no directory walk per poll)');
    const polling = new LiveRolloutUsage(home, 0);
    assert.equal(await polling.read(id), null, 'the file, but no tokens yet');
    appendFileSync(file, `${lines[firstRecord]}\n`);
    const first = await polling.read(id);
    // The mock's first call: input 1011 (100 cached), output 20 (5 reasoning), by gpt-5.5.
    assert.deepEqual(first?.total, { input_tokens: 1011, cached_input_tokens: 100, output_tokens: 20, reasoning_output_tokens: 5 });
    assert.equal(first?.slices[0]?.model, 'gpt-5.5');
    assert.equal(await polling.read(id), first, 'unchanged file: not read again');

    appendFileSync(file, `${lines.slice(firstRecord + 1).join('\n')}\n`);
    const all = await polling.read(id);
    assert.ok(all!.total!.input_tokens > 1011, 'later calls counted once the file grew');
    assert.deepEqual(all!.total, (await new LiveRolloutUsage(home).read(id))!.total, 'same as a fresh read of the whole file');
    rmSync(file);
    assert.equal(await polling.read(id), null, 'gone (archived): null until found again');
  });
});
