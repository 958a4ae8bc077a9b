import assert from 'node:assert/strict';
import { ExecPipeline } from '../../../src/core/execPipeline';
import { ThreadReducer } from '../../../src/core/threadReducer';
import type { CommandExecutionItem, ThreadEvent, Usage } from '../../../src/shared/threadModel';

const u = (i: number, c = 0, o = 0, r = 0): Usage => ({ input_tokens: i, cached_input_tokens: c, output_tokens: o, reasoning_output_tokens: r });
const cmd = (id: string, extra: Partial<CommandExecutionItem> = {}): CommandExecutionItem => ({
  id, type: 'command_execution', command: 'ls', aggregated_output: '', exit_code: null, status: 'in_progress', ...extra,
});

describe('ThreadReducer', () => {
  it('keeps first-appearance order and merges later events for the same id', () => {
    const r = new ThreadReducer();
    r.applyAll([
      { type: 'turn.started' },
      { type: 'item.started', item: cmd('c1') },
      { type: 'item.completed', item: { id: 'm1', type: 'agent_message', text: 'hi' } },
      { type: 'item.completed', item: cmd('c1', { exit_code: 0, status: 'completed', aggregated_output: 'out' }) },
    ]);
    assert.deepEqual(r.state.items.map((i) => i.id), ['c1', 'm1']);
    assert.equal((r.state.items[0] as CommandExecutionItem).exit_code, 0);
  });

  it('appends output deltas to a running command', () => {
    const r = new ThreadReducer({ maxOutputChars: 10 });
    r.applyAll([{ type: 'item.started', item: cmd('c') }, { type: 'item.output_delta', item_id: 'c', delta: 'abc' }, { type: 'item.output_delta', item_id: 'c', delta: 'def' }]);
    assert.equal((r.state.items[0] as CommandExecutionItem).aggregated_output, 'abcdef');
    r.apply({ type: 'item.output_delta', item_id: 'c', delta: '0123456789' });
    const c = r.state.items[0] as CommandExecutionItem;
    assert.equal(c.output_truncated_chars, 6);
    assert.ok(c.aggregated_output.startsWith('ab') && c.aggregated_output.endsWith('23456789'));
    r.apply({ type: 'item.output_delta', item_id: 'c', delta: 'XY' });
    const c2 = r.state.items[0] as CommandExecutionItem;
    assert.equal(c2.output_truncated_chars, 8);
    assert.ok(c2.aggregated_output.endsWith('456789XY'));
    assert.equal(c2.aggregated_output.match(/omitted/g)?.length, 1);
    r.apply({ type: 'item.output_delta', item_id: 'unknown', delta: 'ignored' });
  });

  it('adds per-call usage, replaces per-process usage and subtracts thread totals of earlier runs', () => {
    const calls = new ThreadReducer();
    calls.applyAll([{ type: 'usage', usage: u(1011, 100, 20, 5), scope: 'call' }, { type: 'usage', usage: u(2011, 200, 21, 6), scope: 'call' }]);
    assert.deepEqual(calls.state.usage, u(3022, 300, 41, 11));

    const proc = new ThreadReducer();
    proc.applyAll([{ type: 'usage', usage: u(1011), scope: 'process' }, { type: 'usage', usage: u(1011), scope: 'process' }, { type: 'usage', usage: u(3022), scope: 'process' }]);
    assert.deepEqual(proc.state.usage, u(3022));

    const thread = new ThreadReducer({ threadUsageBaseline: u(21066) });
    thread.beginRun();
    thread.apply({ type: 'turn.completed', usage: u(24088), scope: 'thread' });
    assert.deepEqual(thread.state.usage, u(3022));
  });

  it('gives each turn its own usage and keeps a follow-up prompt with its turn', () => {
    const r = new ThreadReducer();
    const run = (prompt: string, events: ThreadEvent[]): void => {
      r.beginRun();
      r.applyAll([{ type: 'item.completed', item: { id: `${prompt}:p`, type: 'user_message', text: prompt } }, ...events, { type: 'run.ended', reason: 'exit', exit_code: 0 }]);
    };
    run('one', [{ type: 'thread.started', thread_id: 't' }, { type: 'turn.started' }, { type: 'turn.completed', usage: u(100, 0, 10), scope: 'process' }]);
    run('two', [{ type: 'thread.started', thread_id: 't' }, { type: 'turn.started' }, { type: 'turn.completed', usage: u(50, 0, 5), scope: 'process' }]);
    assert.deepEqual(r.state.turns.map((t) => [t.first_item, t.status, t.usage?.input_tokens]), [[0, 'completed', 100], [1, 'completed', 50]]);
    assert.deepEqual(r.state.usage, u(150, 0, 15));
  });

  it('ends an open run as cancelled, failed (timeout, exit code) or incomplete', () => {
    const end = (reason: 'cancelled' | 'timeout' | 'exit' | 'end_of_input', code: number | null, message?: string) => {
      const r = new ThreadReducer();
      r.applyAll([{ type: 'turn.started' }, { type: 'run.ended', reason, exit_code: code, ...(message ? { message } : {}) }]);
      return r.state;
    };
    assert.equal(end('cancelled', null).status, 'cancelled');
    const t = end('timeout', null, 'took too long');
    assert.equal(t.status, 'failed');
    assert.deepEqual(t.errors, ['took too long']);
    assert.equal(end('exit', 1).status, 'failed');
    assert.deepEqual(end('exit', 1).errors, ['codex exited with code 1.']);
    assert.equal(end('exit', 0).status, 'incomplete');
    assert.equal(end('end_of_input', null).status, 'incomplete');
  });

  it('does not change a finished turn when the process is stopped afterwards', () => {
    const r = new ThreadReducer();
    r.applyAll([{ type: 'turn.started' }, { type: 'turn.failed', error: { message: 'boom' } }, { type: 'run.ended', reason: 'cancelled', exit_code: null }]);
    assert.equal(r.state.status, 'failed');
    assert.deepEqual(r.state.errors, ['boom']);
  });

  it('keeps diagnostics bounded but counts them all', () => {
    const p = new ExecPipeline();
    for (let i = 0; i < 500; i++) p.writeLine('not json');
    const s = p.end();
    assert.equal(s.skipped_lines, 500);
    assert.equal(s.diagnostics.length, 200);
  });
});

describe('legacy output deltas', () => {
  it('decodes byte-array and base64 chunks, including a character split between chunks', () => {
    const bytes = [...new TextEncoder().encode('héllo ✓\n')];
    const ev = (chunk: unknown) => JSON.stringify({ id: '1', msg: { type: 'exec_command_output_delta', call_id: 'c', stream: 'stdout', chunk } });
    const seen: string[] = [];
    const p = new ExecPipeline({ onEvent: (e) => e.type === 'item.output_delta' && seen.push(e.delta) });
    p.writeLine(JSON.stringify({ id: '1', msg: { type: 'exec_command_begin', call_id: 'c', command: ['echo', 'héllo ✓'], cwd: '/w' } }));
    p.writeLine(ev(bytes.slice(0, 2))); // "h" and the first byte of "é"
    p.writeLine(ev(Buffer.from(bytes.slice(2)).toString('base64')));
    const s = p.end();
    assert.equal(seen.join(''), 'héllo ✓\n');
    const c = s.items[0] as CommandExecutionItem;
    assert.equal(c.aggregated_output, 'héllo ✓\n');
    assert.equal(c.command, "echo 'héllo ✓'");
    assert.equal(c.cwd, '/w');
  });

  it('maps MCP calls, web searches and approval requests of the EventMsg family', () => {
    const ev = (msg: object) => JSON.stringify({ id: '1', msg });
    const p = new ExecPipeline();
    p.writeLine(ev({ type: 'task_started' }));
    p.writeLine(ev({ type: 'mcp_tool_call_begin', call_id: 'm', invocation: { server: 'fs', tool: 'read', arguments: { p: 1 } } }));
    p.writeLine(ev({ type: 'mcp_tool_call_end', call_id: 'm', result: { Err: 'denied' } }));
    p.writeLine(ev({ type: 'web_search_end', call_id: 'w', query: 'codex' }));
    p.writeLine(ev({ type: 'exec_approval_request', call_id: 'x' }));
    p.writeLine(ev({ type: 'task_complete' }));
    const s = p.end();
    assert.deepEqual(s.items.map((i) => i.type), ['mcp_tool_call', 'web_search']);
    assert.deepEqual(s.items[0], { id: 'm', type: 'mcp_tool_call', server: 'fs', tool: 'read', arguments: { p: 1 }, result: null, error: { message: 'denied' }, status: 'failed' });
    assert.match(s.errors[0]!, /approval/);
    assert.equal(s.status, 'completed');
  });
});
