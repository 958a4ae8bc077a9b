import assert from 'node:assert/strict';
import { breakdownOfSlices } from '../../../src/core/usageStatus';
import { TaskSession } from '../../../src/node/taskSession';
import type { Usage } from '../../../src/shared/threadModel';

const u = (input: number, cached: number, output: number): Usage => ({ input_tokens: input, cached_input_tokens: cached, output_tokens: output, reasoning_output_tokens: 0 });

function session(model?: string): TaskSession {
  return new TaskSession({ id: 't', cwd: '/tmp', title: 'a task', settings: () => ({ ...(model ? { model } : {}) }), replay: true });
}

describe('TaskSession header: tokens and estimated cost', () => {
  it('prices the thread with its model (gpt-5-codex: $1.25 / $0.125 / $10 per 1M)', () => {
    const s = session();
    s.applyEvents([{ type: 'thread.meta', meta: { model: 'gpt-5-codex' } }, { type: 'usage', usage: u(1_000_000, 200_000, 100_000), scope: 'thread' }]);
    const h = s.header();
    assert.deepEqual(h.usage, u(1_000_000, 200_000, 100_000));
    // 800k uncached × 1.25 + 200k cached × 0.125 + 100k × 10, per 1M
    assert.ok(Math.abs((h.costUsd ?? 0) - (1.0 + 0.025 + 1.0)) < 1e-9, String(h.costUsd));
  });

  it('uses the model setting when the stream names none, and overrides from the pricing setting', () => {
    const s = session('my-model');
    s.applyEvents([{ type: 'usage', usage: u(1_000_000, 0, 0), scope: 'thread' }]);
    assert.equal(s.header().costUsd, null, 'an unknown model has no cost, never $0');
    s.pricing = () => ({ 'my-model': { input: 2, cached_input: 0.2, output: 8 } });
    assert.equal(s.header().costUsd, 2);
  });

  it("takes the rollout file's figure while it is ahead of the stream, and says so to listeners", () => {
    const s = session();
    s.applyEvents([{ type: 'thread.meta', meta: { model: 'gpt-5-codex' } }]);
    assert.equal(s.header().usage, null);
    let told = 0;
    s.onEvent((e) => e === null && told++);
    const file = breakdownOfSlices([{ model: 'gpt-5-codex', day: '2026-11-21', usage: u(1011, 100, 20) }]);
    s.setRolloutUsage(file);
    s.setRolloutUsage(breakdownOfSlices([{ model: 'gpt-5-codex', day: '2026-11-21', usage: u(1011, 100, 20) }]));
    assert.equal(told, 1, 'an unchanged figure is not announced again');
    assert.deepEqual(s.header().usage, u(1011, 100, 20));
    assert.ok((s.header().costUsd ?? 0) > 0);
    // The stream's turn-end total catches up and passes it: the larger figure wins.
    s.applyEvents([{ type: 'usage', usage: u(3033, 300, 60), scope: 'thread' }]);
    assert.deepEqual(s.header().usage, u(3033, 300, 60));
  });
});
