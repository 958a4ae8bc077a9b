import assert from 'node:assert/strict';
import { Throttle, type ThrottleClock } from '../../../src/core/throttle';
import { breakdownOf, costText, liveBreakdown, statusText, statusTooltip, type StatusInput } from '../../../src/core/usageStatus';
import { COST_BASIS } from '../../../src/node/usageReport';

const U = (input: number, cached: number, output: number, reasoning: number) => ({ input_tokens: input, cached_input_tokens: cached, output_tokens: output, reasoning_output_tokens: reasoning });

describe('usage status bar text and tooltip', () => {
  it('prices a live task at its model (gpt-5-codex: $1.25 / $0.125 / $10 per 1M)', () => {
    const b = liveBreakdown(U(1_000_000, 400_000, 100_000, 20_000), 'gpt-5-codex')!;
    // 600K uncached × 1.25 + 400K cached × 0.125 + 100K out × 10, per 1M
    assert.equal(b.usd, 0.75 + 0.05 + 1);
    assert.equal(b.complete, true);
    const text = statusText({ kind: 'live', tasks: [{ title: 't', breakdown: b }] });
    assert.equal(text, '$(sync~spin) 1.1M tok · $1.80');
  });

  it('an unknown model shows tokens and "cost unknown", never $0', () => {
    const b = liveBreakdown(U(5000, 0, 300, 0), 'my-private-model')!;
    assert.equal(b.complete, false);
    assert.equal(costText(b), 'cost unknown');
    const input: StatusInput = { kind: 'live', tasks: [{ title: 'Fix <the> *bug*', breakdown: b }] };
    assert.equal(statusText(input), '$(sync~spin) 5.3K tok · cost unknown');
    assert.doesNotMatch(statusText(input), /\$0/);
    const md = statusTooltip(input, COST_BASIS);
    assert.match(md, /Fix \\<the\\> \\\*bug\\\*/, 'the title is escaped');
    assert.match(md, /my\\-private\\-model \| (&nbsp;)+5\.3K \| (&nbsp;)+cost unknown/);
    assert.match(md, /codexSessions\\\.pricing/, 'a hint says how to add a price');
    // No model at all: still unknown, not free.
    assert.equal(costText(liveBreakdown(U(10, 0, 1, 0), undefined)!), 'cost unknown');
  });

  it('before the first tokens, a running task says so; several tasks add up', () => {
    assert.equal(statusText({ kind: 'live', tasks: [{ title: 'a', breakdown: null }] }), '$(sync~spin) Codex running');
    const a = liveBreakdown(U(1000, 0, 0, 0), 'gpt-5')!;
    const b = liveBreakdown(U(2000, 0, 0, 0), 'unknown-x')!;
    assert.equal(statusText({ kind: 'live', tasks: [{ title: 'a', breakdown: a }, { title: 'b', breakdown: b }] }), '$(sync~spin) 3.0K tok · <$0.01+ (2 tasks)');
  });

  it("today's summary: text, per-model table, the four counts and the estimate label", () => {
    const breakdown = breakdownOf([
      { model: 'gpt-5', usage: U(200_000, 50_000, 10_000, 4_000), usd: 0.3 },
      { model: 'gpt-5-codex', usage: U(900_000, 100_000, 30_000, 9_000), usd: 1.4 },
    ]);
    assert.deepEqual(breakdown.usage, U(1_100_000, 150_000, 40_000, 13_000));
    assert.deepEqual(breakdown.models.map((m) => m.model), ['gpt-5-codex', 'gpt-5'], 'largest first');
    const input: StatusInput = { kind: 'summary', scope: 'today', breakdown, sessions: 3 };
    assert.equal(statusText(input), '$(graph) 1.1M tok · $1.70 today');
    assert.equal(statusText({ ...input, scope: 'workspace' }), '$(graph) 1.1M tok · $1.70 today (workspace)');
    const md = statusTooltip(input, COST_BASIS);
    for (const row of ['| Input | 1,100,000 |', '| &nbsp;&nbsp;cached | 150,000 |', '| Output | 40,000 |', '| &nbsp;&nbsp;reasoning | 13,000 |', '| **Total** | **1,140,000** |', '| gpt\\-5\\-codex | &nbsp;&nbsp;&nbsp;930K | &nbsp;&nbsp;&nbsp;$1.40 |', '| gpt\\-5 | &nbsp;&nbsp;&nbsp;210K | &nbsp;&nbsp;&nbsp;$0.30 |']) assert.ok(md.includes(row), `${row} in\n${md}`);
    assert.match(md, /3 sessions/);
    assert.match(md, /API\\-equivalent estimate/);
    assert.match(md, /\(command:codexSessions\.showUsageReport\)/);
  });

  it('a day without usage is 0 tokens and $0 (nothing to price), not "unknown"', () => {
    const input: StatusInput = { kind: 'summary', scope: 'today', breakdown: breakdownOf([]), sessions: 0 };
    assert.equal(statusText(input), '$(graph) 0 tok · $0 today');
  });
});

/** A clock the test moves by hand. */
class FakeClock implements ThrottleClock {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 1;
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown): void => void (this.timers = this.timers.filter((x) => x.id !== id));
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = end;
  }
}

describe('Throttle', () => {
  it('runs at once, then at most once per interval, always ending with a trailing run', () => {
    const clock = new FakeClock();
    const runs: number[] = [];
    const th = new Throttle(() => runs.push(clock.t), 250, clock);
    th.call();
    assert.deepEqual(runs, [0], 'leading run');
    // A burst of 100 token events over 1 s.
    for (let i = 0; i < 100; i++) {
      clock.advance(10);
      th.call();
    }
    clock.advance(1000);
    assert.deepEqual(runs, [0, 250, 500, 750, 1000, 1250], 'the call at 1000 ms, just after a run, gets its trailing run');
    for (let i = 1; i < runs.length; i++) assert.ok(runs[i]! - runs[i - 1]! >= 250);
    assert.equal(th.pending, false);
  });

  it('a call after a quiet period runs at once; dispose drops a waiting run', () => {
    const clock = new FakeClock();
    let n = 0;
    const th = new Throttle(() => n++, 250, clock);
    th.call();
    clock.advance(5000);
    th.call();
    assert.equal(n, 2);
    th.call();
    assert.equal(th.pending, true);
    th.dispose();
    clock.advance(1000);
    th.call();
    assert.equal(n, 2);
  });
});
