// Size limits of the data path, measured: a single 50 MB line (a command output, garbage, a rollout tool output read
// from disk), fed in 64 KiB chunks with a turn of the event loop between them as a real stream arrives. Bounds (see
// BOUNDS in test/helpers/bigInput.ts): the longest synchronous step < 100 ms of CPU, event-loop delay < 400 ms wall
// (shared machine), the state keeps < 32 MB, the heap peaks < 160 MB above its start; the item carries the truncation
// the panel shows. The 100 MB outputs and the 1 GB rollout are in test/stress (npm run test:stress).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExecPipeline, parseExecText } from '../../../src/core/execPipeline';
import { ThreadReducer } from '../../../src/core/threadReducer';
import { replayRollout } from '../../../src/node/rolloutReader';
import { omissionMarker } from '../../../src/shared/outputCap';
import type { CommandExecutionItem } from '../../../src/shared/threadModel';
import { checkBounds, checkCapped, DONE, feed, generated, MB, START, StepTimer } from '../../helpers/bigInput';
import { measure } from '../../helpers/measure';

describe('size limits: 50 MB lines', function () {
  this.timeout(120_000);

  it('a single 50 MB line holding a command output', async () => {
    const steps = new StepTimer();
    const m = await measure((sample) =>
      feed(new ExecPipeline(), generated(`${START}{"type":"item.completed","item":{"id":"c","type":"command_execution","command":"cat big","aggregated_output":"HEAD`, 50 * MB, 'y', `TAIL","exit_code":0,"status":"completed"}}${DONE}`), sample, steps),
    );
    checkBounds('50 MB line', m, steps);
    checkCapped(m.value.items[0] as CommandExecutionItem, 50 * MB + 8);
    assert.equal(m.value.status, 'completed');
  });

  it('a single 50 MB line that is not JSON: reported with a short excerpt, the stream goes on', async () => {
    const steps = new StepTimer();
    const m = await measure((sample) =>
      feed(new ExecPipeline(), generated(START, 50 * MB, 'not json \u00e9 ', `\n{"type":"item.completed","item":{"id":"a","type":"agent_message","text":"after"}}${DONE}`), sample, steps),
    );
    checkBounds('50 MB garbage line', m, steps);
    assert.equal(m.value.skipped_lines, 1);
    assert.ok(m.value.diagnostics[0]!.raw.length < 600);
    assert.deepEqual(m.value.items.map((i) => i.id), ['a']);
  });

  it('a rollout with a 50 MB tool output line, replayed from disk', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'size-limits-'));
    try {
      const file = path.join(dir, 'rollout-2026-11-21T08-00-00-01a1fd26-0fa6-7ee1-8045-917ff34d0510.jsonl');
      const head = [
        { timestamp: 't', type: 'session_meta', payload: { id: '01a1fd26-0fa6-7ee1-8045-917ff34d0510', cwd: '/w', cli_version: '0.169.0' } },
        { timestamp: 't', type: 'response_item', payload: { type: 'function_call', name: 'shell', arguments: JSON.stringify({ command: ['cat', 'big'] }), call_id: 'c1' } },
      ].map((l) => JSON.stringify(l)).join('\n');
      writeFileSync(file, Buffer.concat([...generated(`${head}\n{"timestamp":"t","type":"response_item","payload":{"type":"function_call_output","call_id":"c1","output":"Exit code: 0\\nWall time: 1 seconds\\nOutput:\\nHEAD`, 50 * MB, 'y', 'TAIL"}}\n')]));
      const steps = new StepTimer();
      const m = await measure(async () => {
        steps.start();
        const r = await replayRollout(file, new ThreadReducer(), { onProgress: () => (steps.stop(), steps.start()) });
        return r.state;
      });
      checkBounds('50 MB rollout line', m, steps);
      const c = m.value.items.find((i) => i.type === 'command_execution') as CommandExecutionItem;
      checkCapped(c, 50 * MB + 8);
      assert.equal(c.exit_code, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a streamed output replaced by the final one', () => {
  const begin = '{"id":"0","msg":{"type":"task_started"}}\n{"id":"0","msg":{"type":"exec_command_begin","call_id":"c","command":["yes"],"cwd":"/w"}}';
  const delta = (text: string): string => `{"id":"0","msg":{"type":"exec_command_output_delta","call_id":"c","stream":"stdout","chunk":"${Buffer.from(text).toString('base64')}"}}`;
  const end = (stdout: string): string => `{"id":"0","msg":{"type":"exec_command_end","call_id":"c","stdout":"${stdout}","stderr":"","exit_code":0}}`;

  it('keeps no stale cut count when the final output is short', () => {
    const s = parseExecText([begin, ...Array.from({ length: 20 }, (_, i) => delta(`chunk ${i} ${'x'.repeat(100)}\n`)), end('final, short')].join('\n'), { maxOutputChars: 1000 });
    const c = s.items[0] as CommandExecutionItem;
    assert.equal(c.aggregated_output, 'final, short');
    assert.equal(c.output_truncated_chars, undefined, 'the panel must not announce a cut the text does not have');
  });

  it('counts the cut of a long final output afresh', () => {
    const s = parseExecText([begin, ...Array.from({ length: 20 }, () => delta('y'.repeat(100))), end('z'.repeat(3000))].join('\n'), { maxOutputChars: 1000 });
    const c = s.items[0] as CommandExecutionItem;
    assert.equal(c.output_truncated_chars, 2000);
    assert.ok(c.aggregated_output.includes(omissionMarker(2000)));
  });
});
