import assert from 'node:assert/strict';
import { ExecPipeline, parseExecText } from '../../../src/core/execPipeline';
import type { CommandExecutionItem } from '../../../src/shared/threadModel';

const line = (o: unknown): string => JSON.stringify(o);
const started = line({ type: 'thread.started', thread_id: 't1' });
const turn = line({ type: 'turn.started' });
const msg = (id: string, text: string): string => line({ type: 'item.completed', item: { id, type: 'agent_message', text } });
const done = line({ type: 'turn.completed', usage: { input_tokens: 10, cached_input_tokens: 2, output_tokens: 3 } });

describe('bad exec input never throws and keeps what is valid', () => {
  it('skips a non-JSON preamble and malformed lines, counting and keeping them', () => {
    const s = parseExecText(['Reading prompt from stdin...', started, '{"type":"turn.started"', turn, msg('a', 'hi'), 'garbage}', done].join('\n'));
    assert.equal(s.status, 'completed');
    assert.equal(s.skipped_lines, 3);
    assert.deepEqual(s.items.map((i) => i.id), ['a']);
    assert.deepEqual(s.diagnostics.map((d) => [d.line, d.kind]), [[1, 'skipped_line'], [3, 'skipped_line'], [6, 'skipped_line']]);
    assert.match(s.diagnostics[1]!.reason, /malformed JSON/);
    assert.equal(s.diagnostics[0]!.raw, 'Reading prompt from stdin...');
  });

  it('counts unknown event and item types and goes on', () => {
    const s = parseExecText([started, turn, line({ type: 'thread.compacted' }), line({ type: 'item.completed', item: { id: 'x', type: 'collab_tool_call', tool: 'spawn' } }), msg('a', 'still here'), done].join('\n'));
    assert.equal(s.unknown_events, 2);
    assert.equal(s.skipped_lines, 0);
    assert.equal(s.items.length, 1);
    assert.match(s.diagnostics[1]!.reason, /unknown item type "collab_tool_call"/);
  });

  it('reports a known item with a broken shape as a skipped line', () => {
    const s = parseExecText([started, turn, line({ type: 'item.completed', item: { id: 'c', type: 'command_execution', command: 42 } }), done].join('\n'));
    assert.equal(s.skipped_lines, 1);
    assert.match(s.diagnostics[0]!.reason, /command_execution item: command/);
  });

  it('treats JSON that is not an object (arrays, numbers, null) as skipped', () => {
    const s = parseExecText(['[1,2]', '42', 'null', '"text"', started].join('\n'));
    assert.equal(s.skipped_lines, 4);
    assert.equal(s.thread_id, 't1');
  });

  it('accepts CRLF line endings, blank lines and a missing final newline', () => {
    const s = parseExecText([started, '', turn, msg('a', 'crlf'), done].join('\r\n'));
    assert.equal(s.status, 'completed');
    assert.equal(s.skipped_lines, 0);
    assert.equal(s.items[0]!.type === 'agent_message' && s.items[0].text, 'crlf');
  });

  it('marks a stream cut mid-line as incomplete and keeps every complete item', () => {
    const full = [started, turn, msg('a', 'one'), msg('b', 'two'), done].join('\n');
    const cut = full.slice(0, full.indexOf('"two"') + 3);
    const s = parseExecText(cut);
    assert.equal(s.status, 'incomplete');
    assert.deepEqual(s.items.map((i) => i.id), ['a']);
    assert.equal(s.skipped_lines, 1);
  });

  it('survives NUL bytes, deep nesting and invalid UTF-8', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const p = new ExecPipeline();
    p.write(`${started}\n\u0000\u0000\n${deep}\n`);
    p.write(new Uint8Array([0xff, 0xfe, 0x7b, 0x0a]));
    p.write(`${turn}\n${msg('a', 'after')}\n${done}\n`);
    const s = p.end();
    assert.equal(s.status, 'completed');
    assert.equal(s.items.length, 1);
    assert.equal(s.skipped_lines, 3);
  });

  it('cuts a line longer than the limit and reports it instead of holding it', () => {
    const p = new ExecPipeline({ maxLineChars: 1000 });
    p.write(`${started}\n${turn}\n`);
    p.write(msg('big', 'x'.repeat(5000)));
    p.write(`\n${msg('a', 'small')}\n${done}\n`);
    const s = p.end();
    assert.equal(s.skipped_lines, 1);
    assert.match(s.diagnostics[0]!.reason, /longer than the limit, \d+ characters cut/);
    assert.ok(s.diagnostics[0]!.raw.length < 1000);
    assert.deepEqual(s.items.map((i) => i.id), ['a']);
  });

  it('treats error events as non-fatal and only turn.failed as fatal', () => {
    const retry = line({ type: 'error', message: 'Reconnecting... 1/5 (boom)' });
    const s = parseExecText([started, turn, retry, msg('a', 'recovered'), done].join('\n'));
    assert.equal(s.status, 'completed');
    assert.deepEqual(s.errors, ['Reconnecting... 1/5 (boom)']);
    const f = parseExecText([started, turn, retry, line({ type: 'turn.failed', error: { message: 'boom' } })].join('\n'));
    assert.equal(f.status, 'failed');
    assert.deepEqual(f.errors, ['Reconnecting... 1/5 (boom)', 'boom']);
  });

  it('caps huge command output, keeping head and tail and saying how much was dropped', () => {
    const out = `HEAD${'y'.repeat(3_000_000)}TAIL`;
    const s = parseExecText([started, turn, line({ type: 'item.completed', item: { id: 'c', type: 'command_execution', command: 'cat big', aggregated_output: out, exit_code: 0, status: 'completed' } }), done].join('\n'), { maxOutputChars: 100_000 });
    const c = s.items[0] as CommandExecutionItem;
    assert.ok(c.aggregated_output.startsWith('HEAD'));
    assert.ok(c.aggregated_output.endsWith('TAIL'));
    assert.ok(c.aggregated_output.length < 100_100);
    assert.equal(c.output_truncated_chars, out.length - 100_000);
    assert.match(c.aggregated_output, /characters omitted/);
  });

  it('never throws on a thousand random mutations of a real stream', () => {
    const base = [started, turn, msg('a', 'é ✓ 😀'), line({ type: 'item.started', item: { id: 'c', type: 'command_execution', command: 'ls', status: 'in_progress' } }), done].join('\n');
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 1000; i++) {
      const chars = [...base];
      for (let k = 0; k < 5; k++) chars.splice(rnd(chars.length), rnd(3), String.fromCharCode(rnd(128)));
      const s = parseExecText(chars.join(''));
      assert.ok(['completed', 'failed', 'incomplete'].includes(s.status));
    }
  });
});
