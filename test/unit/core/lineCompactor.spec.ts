// Very long lines are compacted while they stream in: long string values keep head and tail around an omission
// marker, the line stays valid JSON, and the item on it is shown (not lost to a "line too long" diagnostic).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ExecPipeline } from '../../../src/core/execPipeline';
import { LineCompactor } from '../../../src/core/lineCompactor';
import { parseRolloutText } from '../../../src/core/rolloutReplay';
import { omissionMarker } from '../../../src/shared/outputCap';
import type { CommandExecutionItem } from '../../../src/shared/threadModel';

/** Splits text into pieces at the given fractions. */
function pieces(text: string, cuts: number[]): string[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * text.length)))].sort((a, b) => a - b);
  const out: string[] = [];
  let prev = 0;
  for (const a of [...at, text.length]) {
    out.push(text.slice(prev, a));
    prev = a;
  }
  return out;
}

const MARKER = /\n… \[(\d+) characters omitted\] …\n/;

describe('long lines compacted as they stream', () => {
  it('every long string keeps a head and a tail of the original around a marker with the exact count; the rest is unchanged', () => {
    let compacted = 0;
    const unit = fc.constantFrom('a', 'é', '"', '\\', '\n', '\u0001', '😀', '\u2028', 'u', '0');
    const str = fc.oneof(fc.string({ unit, maxLength: 40 }), fc.string({ unit, minLength: 100, maxLength: 400 }));
    fc.assert(
      fc.property(fc.array(fc.oneof(str, fc.integer(), fc.constant(null)), { minLength: 1, maxLength: 6 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }), (values, cuts) => {
        const line = JSON.stringify({ type: 'x', values });
        const c = new LineCompactor(10_000_000, 120);
        for (const p of pieces(line, cuts)) c.push(p);
        const got = JSON.parse(c.finish()) as { type: string; values: unknown[] };
        assert.equal(got.type, 'x');
        let k = 0;
        values.forEach((v, i) => {
          const g = got.values[i];
          if (typeof v !== 'string' || g === v) {
            assert.deepEqual(g, v);
            // Kept whole only when short: the raw JSON of a string is compacted past maxString + its tail budget.
            if (typeof v === 'string') assert.ok(JSON.stringify(v).length - 2 <= 120 + 26, 'a long string was not compacted');
            return;
          }
          const m = MARKER.exec(g as string);
          assert.ok(m, 'a changed string carries the marker');
          const n = Number(m[1]);
          assert.equal(n, c.omitted[k++]);
          const head = (g as string).slice(0, m.index);
          const tail = (g as string).slice(m.index + m[0].length);
          assert.ok(v.startsWith(head) && v.endsWith(tail), 'head and tail come from the original');
          assert.equal(head.length + n + tail.length, v.length, 'the count is exact');
          assert.ok(head.length > 0 && tail.length > 0);
          assert.ok(!/[\uD800-\uDBFF]$/.test(head) && !/^[\uDC00-\uDFFF]/.test(tail), 'no character cut in half');
          compacted++;
        });
        assert.equal(k, c.omitted.length);
      }),
      { numRuns: 3000 },
    );
    assert.ok(compacted > 1000, `${compacted} strings compacted`);
  });

  it('a command output of 20 MB on one line: the item is shown, capped, and says how much was cut', () => {
    const out = `HEAD${'line of output\n'.repeat(1_400_000)}TAIL`;
    const item = { id: 'c', type: 'command_execution', command: 'cat big', aggregated_output: out, exit_code: 0, status: 'completed' };
    const p = new ExecPipeline();
    const text = `${JSON.stringify({ type: 'thread.started', thread_id: 't' })}\n{"type":"turn.started"}\n${JSON.stringify({ type: 'item.completed', item })}\n{"type":"turn.completed","usage":null}\n`;
    for (let i = 0; i < text.length; i += 65_536) p.write(Buffer.from(text.slice(i, i + 65_536)));
    const s = p.end();
    assert.equal(s.skipped_lines, 0);
    const c = s.items[0] as CommandExecutionItem;
    assert.ok(c.aggregated_output.startsWith('HEADline of output\n') && c.aggregated_output.endsWith('line of output\nTAIL'));
    assert.ok(c.aggregated_output.length <= 2_000_000, `${c.aggregated_output.length}`);
    assert.equal(c.output_truncated_chars, out.length - c.aggregated_output.length + omissionMarker(c.output_truncated_chars!).length);
    assert.ok(c.aggregated_output.includes(omissionMarker(c.output_truncated_chars!)));
    assert.equal(c.status, 'completed');
    assert.equal(s.status, 'completed');
  });

  it('a rollout tool output of 20 MB on one line: the command is shown with its exit code', () => {
    const big = 'x'.repeat(20_000_000);
    const lines = [
      { timestamp: 't', type: 'session_meta', payload: { id: '01a1fd26-0fa6-7ee1-8045-917ff34d0510', cwd: '/w', cli_version: '0.169.0' } },
      { timestamp: 't', type: 'response_item', payload: { type: 'function_call', name: 'shell', arguments: JSON.stringify({ command: ['cat', 'big'] }), call_id: 'c1' } },
      { timestamp: 't', type: 'response_item', payload: { type: 'function_call_output', call_id: 'c1', output: `Exit code: 0\nWall time: 1 seconds\nOutput:\n${big}` } },
    ].map((l) => JSON.stringify(l));
    const { state } = parseRolloutText(`${lines.join('\n')}\n`);
    assert.equal(state.skipped_lines, 0);
    const c = state.items.find((i) => i.type === 'command_execution') as CommandExecutionItem;
    assert.ok(c, JSON.stringify(state.items.map((i) => i.type)));
    assert.equal(c.exit_code, 0);
    assert.ok(c.aggregated_output.length <= 2_000_000);
    assert.ok((c.output_truncated_chars ?? 0) > 17_000_000, `${c.output_truncated_chars}`);
  });

  it('a line that does not start as JSON keeps a head and a tail of the original around the marker, counted exactly', () => {
    let compacted = 0;
    const unit = fc.constantFrom('a', 'é', '"', '\\', '{', '\u0001', '😀', ' ', '[', '0');
    const first = fc.constantFrom('x', 'é', '😀', '"', '0', 'n', '\u2028');
    fc.assert(
      fc.property(fc.constantFrom('', ' ', '\t ', '\r'), first, fc.oneof(fc.string({ unit, maxLength: 150 }), fc.string({ unit, minLength: 150, maxLength: 600 })), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }), (blank, start, rest, cuts) => {
        const line = `${blank}${start}${rest}`;
        const c = new LineCompactor(10_000_000, 120);
        for (const p of pieces(line, cuts)) c.push(p);
        const got = c.finish();
        const m = MARKER.exec(got);
        if (!m) {
          assert.equal(got, line, 'a short line is kept as it is');
          assert.ok(line.length - blank.length <= 120 + 26, 'a long line was not compacted');
          assert.deepEqual(c.omitted, []);
          return;
        }
        const n = Number(m[1]);
        const head = got.slice(0, m.index);
        const tail = got.slice(m.index + m[0].length);
        assert.ok(line.startsWith(head) && line.endsWith(tail), 'head and tail come from the original');
        assert.equal(head.length + n + tail.length, line.length, 'the count is exact');
        assert.deepEqual(c.omitted, [n]);
        assert.ok(head.length - blank.length <= 30 && tail.length <= 27, `kept ${head.length} + ${tail.length}`);
        assert.ok(!/[\uD800-\uDBFF]$/.test(head) && !/^[\uDC00-\uDFFF]/.test(tail), 'no character cut in half');
        compacted++;
      }),
      { numRuns: 3000 },
    );
    assert.ok(compacted > 1000, `${compacted} lines compacted`);
  });

  it('a line that starts as JSON after blanks is compacted as JSON, and a 50 MB line that is not JSON costs a few MB', () => {
    const c = new LineCompactor(10_000_000, 120);
    c.push(`  \t{"type":"x","text":"${'y'.repeat(500)}`);
    c.push(`${'z'.repeat(500)}"}`);
    const got = JSON.parse(c.finish()) as { type: string; text: string };
    assert.equal(got.type, 'x');
    assert.ok(got.text.startsWith('yyy') && got.text.endsWith('zzz') && MARKER.test(got.text));
    // 50 MB of text that is not JSON, 64 KiB at a time: kept to the cap, and skipped as one unreadable line.
    const p = new ExecPipeline();
    p.write('{"type":"thread.started","thread_id":"t"}\n{"type":"turn.started"}\n');
    const block = 'not json é '.repeat(6000);
    for (let i = 0; i < 800; i++) p.write(block);
    p.write('\n{"type":"item.completed","item":{"id":"a","type":"agent_message","text":"after"}}\n');
    const s = p.end();
    assert.equal(s.skipped_lines, 1);
    assert.deepEqual(s.items.map((i) => i.id), ['a']);
    assert.ok(s.diagnostics[0]!.raw.startsWith('not json é'), s.diagnostics[0]!.raw.slice(0, 40));
  });
});
