import assert from 'node:assert/strict';
import fc from 'fast-check';
import { inputNotices, PanelFeed, type PanelMeta } from '../../../src/core/panelFeed';
import { parseRolloutText } from '../../../src/core/rolloutReplay';
import { corpusFile, rolloutFiles } from '../../helpers/corpus';
import { readFileSync } from 'node:fs';
import { ThreadReducer } from '../../../src/core/threadReducer';
import { appendCapped } from '../../../src/shared/outputCap';
import type { HostMessage } from '../../../src/shared/protocol';
import type { CommandExecutionItem, ThreadEvent, ThreadItem, TurnState } from '../../../src/shared/threadModel';

/**
 * The page's side of the protocol, as src/webview/main.ts applies it (items by index, `keepOutput`, appends capped
 * like the host's copy, `piece`s concatenated), without the DOM.
 */
class PageModel {
  items: ThreadItem[] = [];
  turns: TurnState[] = [];
  constructor(private readonly max: number) {}

  apply(m: HostMessage): void {
    if (m.type === 'reset') {
      this.items = [...m.items];
      this.turns = m.turns;
    } else if (m.type === 'update') {
      for (const { index, item, keepOutput } of m.items) {
        assert.ok(index <= this.items.length, `update at ${index} leaves a hole after ${this.items.length} items`);
        const had = this.items[index];
        this.items[index] = keepOutput && had?.type === 'command_execution' && item.type === 'command_execution'
          ? { ...item, aggregated_output: had.aggregated_output, output_truncated_chars: had.output_truncated_chars }
          : item;
      }
      if (m.turns) this.turns = m.turns;
    } else if (m.type === 'append') {
      const i = this.items.findIndex((x) => x.id === m.itemId);
      const item = this.items[i];
      assert.ok(item?.type === 'command_execution', `append to ${m.itemId}, which the page does not have`);
      if (m.piece) this.items[i] = { ...item, aggregated_output: item.aggregated_output + m.text };
      else {
        const { text, dropped } = appendCapped(item.aggregated_output, item.output_truncated_chars ?? 0, m.text, this.max);
        this.items[i] = { ...item, aggregated_output: text, ...(dropped ? { output_truncated_chars: dropped } : {}) };
      }
    }
  }
}

const META: PanelMeta = {
  header: { title: 't', status: 'running', runningSince: null, elapsedMs: 0, usage: null, costUsd: null, canFollowUp: false, canStop: true, replay: false },
  failure: null,
  notices: { skipped_lines: 0, unknown_events: 0 },
};

const cmd = (id: string, extra: Partial<CommandExecutionItem> = {}): CommandExecutionItem => ({
  id, type: 'command_execution', command: 'make', aggregated_output: '', exit_code: null, status: 'in_progress', ...extra,
});

/** Normalizes an item for comparison (an absent and an undefined `output_truncated_chars` are the same to the page). */
function norm(items: readonly ThreadItem[]): unknown[] {
  return items.map((i) => (i.type === 'command_execution' ? { ...i, output_truncated_chars: i.output_truncated_chars ?? 0 } : i));
}

/** A host (reducer + feed) and a page, with the frames that went between them. */
class Rig {
  readonly reducer: ThreadReducer;
  readonly feed: PanelFeed;
  page: PageModel;
  readonly frames: HostMessage[][] = [];

  constructor(readonly opts: { max: number; budget: number; piece: number }) {
    this.reducer = new ThreadReducer({ maxOutputChars: opts.max });
    this.feed = new PanelFeed({ budget: opts.budget, piece: opts.piece });
    this.page = new PageModel(opts.max);
  }

  event(e: ThreadEvent): void {
    this.reducer.apply(e);
    this.feed.event(e);
  }

  frame(): HostMessage[] {
    const out = this.feed.frame(this.reducer.state, META);
    for (const m of out) this.page.apply(structuredClone(m));
    if (out.length) this.frames.push(out);
    return out;
  }

  drain(limit = 100_000): void {
    for (let k = 0; this.feed.busy; k++) {
      assert.ok(k < limit, 'the feed never drains');
      this.frame();
    }
  }

  assertInSync(): void {
    assert.deepEqual(norm(this.page.items), norm(this.reducer.state.items));
    assert.deepEqual(this.page.turns, this.reducer.state.turns);
  }
}

describe('PanelFeed', () => {
  it('sends a big thread as a small reset and then updates that extend it in order, within the budget', () => {
    const rig = new Rig({ max: 2_000_000, budget: 256_000, piece: 128_000 });
    for (let i = 0; i < 10_000; i++) rig.event({ type: 'item.completed', item: { id: `m${i}`, type: 'agent_message', text: `message ${i} `.repeat(20) } });
    rig.drain();
    rig.assertInSync();
    assert.equal(rig.frames[0]?.[0]?.type, 'reset');
    assert.ok(rig.frames.length > 5, `${rig.frames.length} frames`);
    for (const f of rig.frames) assert.ok(JSON.stringify(f).length < 300_000, `a frame of ${JSON.stringify(f).length} chars`);
    assert.equal(rig.frames.slice(1).every((f) => f.every((m) => m.type === 'update')), true);
  });

  it('sends a long output as a prefix and pieces, and the page ends with exactly the host output', () => {
    const rig = new Rig({ max: 2_000_000, budget: 256_000, piece: 128_000 });
    rig.frame();
    const big = 'x'.repeat(1_500_000) + 'END';
    rig.event({ type: 'item.completed', item: cmd('c', { aggregated_output: big, exit_code: 0, status: 'completed' }) });
    rig.drain();
    rig.assertInSync();
    const sizes = rig.frames.map((f) => JSON.stringify(f).length);
    assert.ok(Math.max(...sizes) < 300_000, `largest frame ${Math.max(...sizes)}`);
    assert.ok(rig.frames.flat().some((m) => m.type === 'append' && m.piece), 'pieces were used');
  });

  it('streams deltas as appends and completes the item without resending the output the page has', () => {
    const rig = new Rig({ max: 2_000_000, budget: 256_000, piece: 128_000 });
    rig.event({ type: 'item.started', item: cmd('c') });
    rig.frame();
    let all = '';
    for (let k = 0; k < 50; k++) {
      const d = `line ${k}\n`.repeat(1000);
      all += d;
      rig.event({ type: 'item.output_delta', item_id: 'c', delta: d });
      rig.frame();
    }
    const before = rig.frames.length;
    rig.event({ type: 'item.completed', item: cmd('c', { aggregated_output: all, exit_code: 0, status: 'completed' }) });
    rig.drain();
    rig.assertInSync();
    const completion = rig.frames.slice(before).flat();
    const update = completion.find((m) => m.type === 'update');
    assert.ok(update?.type === 'update');
    assert.equal(update.items[0]?.keepOutput, true);
    assert.equal((update.items[0]?.item as CommandExecutionItem).aggregated_output, '');
    assert.ok(JSON.stringify(completion).length < 2000, 'the completion is small');
  });

  it('resends the output when the completed item carries a different one', () => {
    const rig = new Rig({ max: 2_000_000, budget: 256_000, piece: 128_000 });
    rig.event({ type: 'item.started', item: cmd('c') });
    rig.frame();
    rig.event({ type: 'item.output_delta', item_id: 'c', delta: 'partial' });
    rig.frame();
    rig.event({ type: 'item.completed', item: cmd('c', { aggregated_output: 'the final output', exit_code: 1, status: 'failed' }) });
    rig.drain();
    rig.assertInSync();
    assert.equal((rig.page.items[0] as CommandExecutionItem).aggregated_output, 'the final output');
  });

  it('turns a burst of output bigger than the cap into one capped resend', () => {
    const rig = new Rig({ max: 2_000_000, budget: 256_000, piece: 128_000 });
    rig.event({ type: 'item.started', item: cmd('c') });
    rig.frame();
    rig.event({ type: 'item.output_delta', item_id: 'c', delta: 'y'.repeat(30_000_000) });
    rig.drain();
    rig.assertInSync();
    const chars = rig.frames.reduce((n, f) => n + JSON.stringify(f).length, 0);
    assert.ok(chars < 2_200_000, `${chars} chars sent for a 2 M capped output`);
    assert.ok((rig.page.items[0] as CommandExecutionItem).output_truncated_chars! > 27_000_000);
  });

  it('sends nothing when nothing changed, and turns only when they changed', () => {
    const rig = new Rig({ max: 1000, budget: 1000, piece: 100 });
    rig.event({ type: 'turn.started' });
    rig.event({ type: 'item.completed', item: { id: 'a', type: 'agent_message', text: 'hi' } });
    assert.equal(rig.frame()[0]?.type, 'reset');
    assert.deepEqual(rig.frame(), []);
    rig.event({ type: 'item.completed', item: { id: 'b', type: 'agent_message', text: 'there' } });
    const [m] = rig.frame();
    assert.ok(m?.type === 'update' && m.turns === undefined, 'no turns when they did not change');
    rig.event({ type: 'turn.completed', usage: { input_tokens: 5, cached_input_tokens: 0, output_tokens: 1, reasoning_output_tokens: 0 }, scope: 'process' });
    const [t] = rig.frame();
    assert.ok(t?.type === 'update' && t.turns?.length === 1);
    rig.assertInSync();
  });

  it('starts over after reset (page reloaded) and ends in sync', () => {
    const rig = new Rig({ max: 1000, budget: 500, piece: 100 });
    for (let i = 0; i < 40; i++) rig.event({ type: 'item.completed', item: cmd(`c${i}`, { aggregated_output: 'o'.repeat(i * 20), exit_code: 0, status: 'completed' }) });
    rig.frame();
    rig.frame();
    rig.feed.reset();
    rig.page = new PageModel(1000);
    rig.drain();
    rig.assertInSync();
  });

  it('keeps the page equal to the host for any interleaving of events and frames (property)', () => {
    type Op = { k: 'start' | 'complete' | 'message' | 'frame' | 'reset'; n: number } | { k: 'delta'; n: number; len: number } | { k: 'completeWith'; n: number; len: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ k: fc.constantFrom('start', 'complete', 'message', 'frame', 'reset'), n: fc.nat(5) }) as fc.Arbitrary<Op>,
      fc.record({ k: fc.constant('delta' as const), n: fc.nat(5), len: fc.nat(900) }),
      fc.record({ k: fc.constant('completeWith' as const), n: fc.nat(5), len: fc.nat(700) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), fc.integer({ min: 50, max: 800 }), fc.integer({ min: 10, max: 200 }), (ops, budget, piece) => {
        const rig = new Rig({ max: 600, budget, piece });
        const started = new Set<number>();
        let text = 0;
        for (const o of ops) {
          const id = `c${o.n}`;
          const chars = (len: number): string => String.fromCharCode(97 + (text++ % 26)).repeat(len);
          if (o.k === 'frame') rig.frame();
          else if (o.k === 'reset') {
            rig.feed.reset();
            rig.page = new PageModel(600);
          } else if (o.k === 'start') {
            rig.event({ type: 'item.started', item: cmd(id) });
            started.add(o.n);
          } else if (o.k === 'message') rig.event({ type: 'item.completed', item: { id: `m${text++}`, type: 'agent_message', text: 'm' } });
          else if (!started.has(o.n)) continue;
          else if (o.k === 'delta') rig.event({ type: 'item.output_delta', item_id: id, delta: chars(o.len) });
          else if (o.k === 'complete') {
            const cur = rig.reducer.state.items.find((x) => x.id === id) as CommandExecutionItem;
            rig.event({ type: 'item.completed', item: { ...cur, exit_code: 0, status: 'completed' } });
          } else if (o.k === 'completeWith') rig.event({ type: 'item.completed', item: cmd(id, { aggregated_output: chars(o.len), exit_code: 0, status: 'completed' }) });
        }
        rig.drain();
        rig.assertInSync();
      }),
      { numRuns: 400 },
    );
  });

  it('tells the page when the input was cut short, and what the first problem was', () => {
    const file = rolloutFiles(corpusFile('0.169.0', 'sessions'))[0]!;
    const text = readFileSync(file, 'utf8');
    const whole = parseRolloutText(text).state;
    assert.deepEqual(inputNotices(whole), { skipped_lines: 0, unknown_events: 0 });
    const cut = parseRolloutText(text.slice(0, Math.floor(text.length / 2))).state;
    const n = inputNotices(cut);
    assert.equal(n.cut_short, true);
    assert.equal(n.skipped_lines, 1);
    assert.match(n.first_problem ?? '', /^line \d+: the input ends inside this line: it was cut short/);
  });
});
