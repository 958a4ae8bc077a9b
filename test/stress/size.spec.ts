// The largest size cases (npm run test:stress): a command output of 100 MB (on one line, and as 1,600 streamed
// deltas), and a 1 GB rollout generated on disk under os.tmpdir() (deleted after), replayed and indexed. Each prints
// its figures; bounds are in test/helpers/bigInput.ts (BOUNDS) and below for the 1 GB file.
import assert from 'node:assert/strict';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { ExecPipeline } from '../../src/core/execPipeline';
import { ThreadReducer } from '../../src/core/threadReducer';
import { readRolloutHead, replayRollout } from '../../src/node/rolloutReader';
import { SessionIndex } from '../../src/node/sessionIndex';
import type { CommandExecutionItem } from '../../src/shared/threadModel';
import { BOUNDS, CHUNK, checkBounds, checkCapped, DONE, feed, generated, MB, START, StepTimer } from '../helpers/bigInput';
import { corpusAvailable, corpusFile } from '../helpers/corpus';
import { measure, turn } from '../helpers/measure';

/** Bounds of the 1 GB rollout: the state holds every item (~45,000 here), so it may keep more than a single line. */
const GB_BOUNDS = { ...BOUNDS, keptMb: 256, peakMb: 512 };

describe('stress: 100 MB outputs and a 1 GB rollout', function () {
  this.timeout(900_000);

  it('a command output of 100 MB on one line (codex exec --json item.completed)', async () => {
    const size = 100 * MB;
    const steps = new StepTimer();
    const m = await measure((sample) =>
      feed(new ExecPipeline(), generated(`${START}{"type":"item.completed","item":{"id":"c","type":"command_execution","command":"yes","aggregated_output":"HEAD`, size, 'line of output\\n', `TAIL","exit_code":0,"status":"completed"}}${DONE}`), sample, steps),
    );
    checkBounds('100 MB output, one line', m, steps);
    // In the line each "\n" is two characters: the output holds 15 characters per 16 of the line.
    checkCapped(m.value.items[0] as CommandExecutionItem, 8 + (size / 16) * 15);
    assert.equal(m.value.status, 'completed');
  });

  it('a command output of 100 MB streamed as 1,600 output deltas, then ended with the whole output', async () => {
    const size = 100 * MB;
    const deltas = size / CHUNK;
    const piece = Buffer.alloc(CHUNK, 'z');
    function* stream(): Generator<Buffer> {
      yield Buffer.from('{"id":"0","msg":{"type":"task_started"}}\n{"id":"0","msg":{"type":"exec_command_begin","call_id":"c","command":["yes"],"cwd":"/w"}}\n');
      for (let i = 0; i < deltas; i++) {
        const bytes = i === 0 ? Buffer.concat([Buffer.from('HEAD'), piece.subarray(4)]) : i === deltas - 1 ? Buffer.concat([piece.subarray(4), Buffer.from('TAIL')]) : piece;
        yield Buffer.from(`{"id":"0","msg":{"type":"exec_command_output_delta","call_id":"c","stream":"stdout","chunk":"${bytes.toString('base64')}"}}\n`);
      }
      yield* generated('{"id":"0","msg":{"type":"exec_command_end","call_id":"c","stdout":"HEAD', size - 8, 'z', 'TAIL","stderr":"","exit_code":0}}\n{"id":"0","msg":{"type":"task_complete"}}\n');
    }
    let midway: CommandExecutionItem | undefined;
    const steps = new StepTimer();
    const m = await measure(async (sample) => {
      const p = new ExecPipeline();
      let n = 0;
      for (const c of stream()) {
        steps.start();
        p.write(c);
        steps.stop();
        if (++n === deltas + 1) midway = structuredClone(p.reducer.state.items[0] as CommandExecutionItem);
        if (n % 16 === 0) sample();
        await turn();
      }
      return p.end();
    });
    checkBounds('100 MB output, deltas', m, steps);
    assert.ok(midway && (midway.output_truncated_chars ?? 0) > 90 * MB && midway.aggregated_output.startsWith('HEAD'), 'capped while streaming');
    checkCapped(m.value.items[0] as CommandExecutionItem, size);
    assert.equal((m.value.items[0] as CommandExecutionItem).exit_code, 0);
  });

  (corpusAvailable() ? it : it.skip)('a 1 GB rollout: replayed and indexed from disk with bounded memory and no freeze', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'stress-1g-'));
    try {
      const day = path.join(home, 'sessions', '2026', '11', '21');
      mkdirSync(day, { recursive: true });
      const file = path.join(day, 'rollout-2026-11-21T08-08-12-01a1fd26-0fa6-7ee1-8045-917ff34d0510.jsonl');
      // A real 0.169 session: its first line, then its turn repeated with fresh call ids, each with an encrypted
      // reasoning blob as recent CLIs store (200 KB, nothing to show), and once a 100 MB tool output on one line.
      const lines = readFileSync(path.join(corpusFile('0.169.0', 'sessions'), '2026', '11', '21', path.basename(file)), 'utf8').split('\n').filter(Boolean);
      const turnText = `${lines.slice(1).join('\n')}\n`;
      const pad = `${JSON.stringify({ timestamp: '2026-11-21T08:08:13.000Z', type: 'response_item', payload: { type: 'reasoning', summary: [], content: null, encrypted_content: 'gAAAAB'.repeat(34_000) } })}\n`;
      const target = 1024 * MB;
      const t0 = performance.now();
      const out = createWriteStream(file);
      const write = async (s: string | Buffer): Promise<void> => {
        if (!out.write(s)) await once(out, 'drain');
      };
      await write(`${lines[0]}\n`);
      let reps = 0;
      let written = lines[0]!.length + 1;
      let bigDone = false;
      while (written < target) {
        const t = turnText.replace(/"call_(\d+)"/g, `"call_${reps}_$1"`);
        await write(t);
        await write(pad);
        written += Buffer.byteLength(t) + pad.length;
        reps++;
        if (!bigDone && written > target / 2) {
          bigDone = true;
          await write(`${JSON.stringify({ timestamp: 't', type: 'response_item', payload: { type: 'function_call', name: 'shell', arguments: JSON.stringify({ command: ['cat', 'big'] }), call_id: 'call_big' } })}\n`);
          for (const c of generated('{"timestamp":"t","type":"response_item","payload":{"type":"function_call_output","call_id":"call_big","output":"Exit code: 0\\nWall time: 1 seconds\\nOutput:\\nHEAD', 100 * MB, 'y', 'TAIL"}}\n')) await write(c);
          written += 100 * MB;
        }
      }
      out.end();
      await once(out, 'finish');
      const bytes = statSync(file).size;
      console.log(`      generated ${(bytes / MB).toFixed(0)} MB (${reps} turns) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      assert.ok(bytes >= target);

      const steps = new StepTimer();
      const m = await measure(async (sample) => {
        steps.start();
        let n = 0;
        const r = await replayRollout(file, new ThreadReducer(), {
          onProgress: () => {
            steps.stop();
            if (++n % 64 === 0) sample();
            steps.start();
          },
        });
        return r.state;
      });
      checkBounds(`replay of 1 GB (${(bytes / MB / (m.ms / 1000)).toFixed(0)} MB/s, ${m.value.items.length} items)`, m, steps, GB_BOUNDS);
      assert.equal(m.value.skipped_lines, 0);
      assert.equal(m.value.status, 'completed');
      assert.ok(m.value.turns.length >= reps, `${m.value.turns.length} turns`);
      const big = m.value.items.find((i) => i.type === 'command_execution' && i.command.includes('cat big')) as CommandExecutionItem;
      checkCapped(big, 100 * MB + 8);
      assert.equal(m.value.items.filter((i) => i.type === 'command_execution').length, 2 * reps + 1);

      const head = await readRolloutHead(file);
      assert.equal(head.complete, true);
      assert.ok(head.bytes < 1024 * 1024);

      // The index reads the file whole for its usage: its steps are internal, so the event-loop delay is the bound.
      const im = await measure(async () => {
        const index = new SessionIndex({ codexHome: home, cacheFile: null });
        await index.refresh({ usage: true });
        return index.sessions();
      });
      checkBounds('index with usage of the 1 GB file', im, null, GB_BOUNDS);
      assert.equal(im.value.length, 1);
      assert.ok((im.value[0]!.usage?.total?.input_tokens ?? 0) > 0);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
