import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scanRolloutUsage } from '../../../src/core/rolloutUsage';
import { readRolloutHead } from '../../../src/node/rolloutReader';
import { readRolloutHeadAndUsage, readRolloutUsage } from '../../../src/node/sessionUsage';
import { corpusRollouts } from '../../helpers/codexHome';
import { corpusAvailable } from '../../helpers/corpus';

(corpusAvailable() ? describe : describe.skip)('reading rollout usage from disk', () => {
  it('async and blocking reads give the scanner\'s figures, and one read gives the same head as readRolloutHead', async () => {
    for (const r of corpusRollouts()) {
      const expected = scanRolloutUsage(readFileSync(r.file));
      for (const sync of [false, true]) {
        const { zone, ...usage } = await readRolloutUsage(r.file, { sync });
        assert.deepEqual(usage, expected, r.file);
        assert.equal(typeof zone, 'string');
        const both = await readRolloutHeadAndUsage(r.file, 1024 * 1024, { sync });
        const head = await readRolloutHead(r.file);
        assert.deepEqual(both.head.session, head.session, r.file);
        assert.equal(both.head.complete, head.complete, r.file);
        assert.deepEqual(both.usage.total, expected.total);
      }
    }
  });

  it('stats a file it was given no size for once open, and refuses a FIFO or a folder without waiting on it', async function () {
    this.timeout(10_000);
    const r = corpusRollouts()[0]!;
    const sized = await readRolloutHeadAndUsage(r.file, 1024 * 1024, { sync: true, size: statSync(r.file).size });
    assert.equal(sized.stat, undefined);
    const st = statSync(r.file);
    const unsized = await readRolloutHeadAndUsage(r.file, 1024 * 1024, { sync: true });
    assert.deepEqual(unsized.stat, { size: st.size, mtimeMs: st.mtimeMs });
    assert.deepEqual(unsized.usage, sized.usage);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'codex-usage-odd-'));
    try {
      execFileSync('mkfifo', [path.join(dir, 'fifo')]);
      // A writer never comes: a plain open would block this thread (and the test) for ever.
      await assert.rejects(readRolloutHeadAndUsage(path.join(dir, 'fifo'), 1024, { sync: true }), /^Error: not a regular file$/);
      await assert.rejects(readRolloutHeadAndUsage(dir, 1024, { sync: true }), (e: NodeJS.ErrnoException) => e.code === 'EISDIR');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts the records that straddle the chunks of a file larger than one read (a carried line start is a copy)', async function () {
    this.timeout(30_000);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'codex-usage-chunks-'));
    try {
      // Per-call figures (added up, not a running total): a record lost at a chunk boundary would show in the sum.
      const call = (n: number): string => JSON.stringify({
        timestamp: `2026-11-21T08:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}.${String(n).padStart(6, '0')}Z`,
        type: 'event_msg',
        payload: { type: 'token_count', info: { last_token_usage: { input_tokens: 1000, cached_input_tokens: 0, output_tokens: 1, reasoning_output_tokens: 0, total_tokens: 1001 } } },
      });
      const lines = [JSON.stringify({ timestamp: '2026-11-21T08:00:00.000Z', type: 'session_meta', payload: { id: 'big', cli_version: '0.169.0' } })];
      let calls = 0;
      for (let size = 0; size < 17.5 * 1024 * 1024; calls++) {
        const filler = JSON.stringify({ timestamp: '2026-11-21T08:00:00.000Z', type: 'response_item', payload: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'z'.repeat(900 + (calls % 97)) }] } });
        lines.push(filler, call(calls));
        size += filler.length + 260;
      }
      const file = path.join(dir, 'rollout-2026-11-21T08-00-00-big.jsonl');
      writeFileSync(file, `${lines.join('\n')}\n`);
      const expected = { input_tokens: calls * 1000, cached_input_tokens: 0, output_tokens: calls, reasoning_output_tokens: 0 };
      for (const sync of [false, true]) assert.deepEqual((await readRolloutUsage(file, { sync })).total, expected, `sync: ${sync}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads files larger than one read in chunks, and keeps the head budget', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'codex-usage-big-'));
    try {
      const main = corpusRollouts().find((r) => r.version === '0.169.0' && r.run === 'sessions')!.file;
      const lines = readFileSync(main, 'utf8').split('\n').filter(Boolean);
      // 20 MB of tool output between the head and the token records.
      const big = JSON.stringify({ timestamp: '2026-11-21T08:08:12.600Z', type: 'response_item', payload: { type: 'function_call_output', call_id: 'x', output: 'y'.repeat(20 * 1024 * 1024) } });
      const file = path.join(dir, 'rollout-2026-11-21T08-08-12-01a1fd26-0fa6-7ee1-8045-917ff34d0510.jsonl');
      writeFileSync(file, [...lines.slice(0, 12), big, ...lines.slice(12)].join('\n') + '\n');
      const expected = { input_tokens: 21066, cached_input_tokens: 2100, output_tokens: 135, reasoning_output_tokens: 45 };
      for (const sync of [false, true]) {
        assert.deepEqual((await readRolloutUsage(file, { sync })).total, expected);
        const both = await readRolloutHeadAndUsage(file, 4096, { sync }); // a budget smaller than the session_meta line
        assert.deepEqual(both.usage.total, expected);
        assert.equal(both.head.complete, false);
        assert.equal(both.head.session.title, null);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
