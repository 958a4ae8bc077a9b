import assert from 'node:assert/strict';
import { parseExecText } from '../../../src/core/execPipeline';

const ev = (type: string, item: object) => JSON.stringify({ type, item });

describe('thread-family item kinds', () => {
  it('maps every item kind of the current schema into the model', () => {
    const s = parseExecText([
      JSON.stringify({ type: 'thread.started', thread_id: 't' }),
      JSON.stringify({ type: 'turn.started' }),
      ev('item.started', { id: 'm', type: 'mcp_tool_call', server: 'docs', tool: 'search', arguments: { q: 'x' }, status: 'in_progress' }),
      ev('item.completed', { id: 'm', type: 'mcp_tool_call', server: 'docs', tool: 'search', arguments: { q: 'x' }, result: { content: [{ type: 'text', text: 'r' }] }, error: null, status: 'completed' }),
      ev('item.completed', { id: 'w', type: 'web_search', id2: 1, query: 'codex cli' }),
      ev('item.completed', { id: 'w2', type: 'web_search', action: { type: 'search', query: 'from action' } }),
      ev('item.started', { id: 'td', type: 'todo_list', items: [{ text: 'a', completed: false }] }),
      ev('item.updated', { id: 'td', type: 'todo_list', items: [{ text: 'a', completed: true }, { text: 'b', completed: false }] }),
      ev('item.completed', { id: 'e', type: 'error', message: 'model warning' }),
      ev('item.completed', { id: 'p', type: 'plan', text: '1. do it' }),
      ev('item.completed', { id: 'f', type: 'file_change', changes: [{ path: 'gone.txt', kind: 'delete' }, { path: 'b.txt', kind: { type: 'update', move_path: null } }], status: 'failed' }),
      ev('item.completed', { id: 'c', type: 'command_execution', command: ['bash', '-lc', 'echo hi'], aggregated_output: 'hi\n', exit_code: 0, status: 'declined' }),
      JSON.stringify({ type: 'turn.completed', usage: { input_tokens: 5, cached_input_tokens: 1, output_tokens: 2, reasoning_output_tokens: 1 } }),
    ].join('\n'));
    assert.equal(s.unknown_events, 0);
    assert.equal(s.skipped_lines, 0);
    assert.deepEqual(s.items.map((i) => i.type), ['mcp_tool_call', 'web_search', 'web_search', 'todo_list', 'error', 'plan', 'file_change', 'command_execution']);
    const [mcp, w1, w2, todo, , , fc, cmd] = s.items;
    assert.equal(mcp?.type === 'mcp_tool_call' && mcp.status, 'completed');
    assert.deepEqual(mcp?.type === 'mcp_tool_call' && mcp.result, { content: [{ type: 'text', text: 'r' }] });
    assert.equal(w1?.type === 'web_search' && w1.query, 'codex cli');
    assert.equal(w2?.type === 'web_search' && w2.query, 'from action');
    assert.deepEqual(todo?.type === 'todo_list' && todo.items.map((t) => t.completed), [true, false]);
    assert.deepEqual(fc?.type === 'file_change' && fc.changes.map((c) => c.kind), ['delete', 'update']);
    assert.equal(fc?.type === 'file_change' && fc.status, 'failed');
    assert.equal(cmd?.type === 'command_execution' && cmd.command, 'bash -lc \'echo hi\'');
    assert.equal(cmd?.type === 'command_execution' && cmd.status, 'declined');
    assert.deepEqual(s.usage, { input_tokens: 5, cached_input_tokens: 1, output_tokens: 2, reasoning_output_tokens: 1 });
  });
});
