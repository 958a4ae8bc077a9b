import assert from 'node:assert/strict';
import { UsageLedger } from '../../../src/core/usageLedger';
import type { Usage } from '../../../src/shared/threadModel';

const u = (i: number, o = 0): Usage => ({ input_tokens: i, cached_input_tokens: 0, output_tokens: o, reasoning_output_tokens: 0 });

describe('usage ledger', () => {
  it('adds per-call figures, replaces process totals, and measures thread totals against the earlier run', () => {
    const calls = new UsageLedger();
    calls.add(u(1011, 20), 'call');
    assert.deepEqual(calls.add(u(2011, 21), 'call'), u(3022, 41));

    const processes = new UsageLedger();
    processes.add(u(1000), 'process');
    processes.add(u(3000), 'process');
    processes.beginRun(); // a resume: its own process total starts again
    assert.deepEqual(processes.add(u(500), 'process'), u(3500));

    const thread = new UsageLedger(u(21066, 135)); // resumed from history; 0.80+ reports the thread's running total
    assert.deepEqual(thread.add(u(24088, 176), 'thread'), u(3022, 41));
    thread.beginRun();
    assert.deepEqual(thread.add(u(25099, 196), 'thread'), u(4033, 61));
  });

  it('takes a thread total below the previous one as a new count, never as negative or lost usage', () => {
    const l = new UsageLedger();
    l.add(u(1000, 10), 'thread');
    l.add(u(3000, 30), 'thread');
    assert.deepEqual(l.add(u(500, 5), 'thread'), u(3500, 35));
    assert.deepEqual(l.add(u(900, 9), 'thread'), u(3900, 39));
    // A live resume after such a history is measured against the CLI's own last figure.
    l.beginRun();
    assert.deepEqual(l.add(u(1000, 10), 'thread'), u(4000, 40));
  });
});
