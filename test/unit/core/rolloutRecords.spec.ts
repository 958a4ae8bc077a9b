import assert from 'node:assert/strict';
import { parseRolloutText, RolloutReplay } from '../../../src/core/rolloutReplay';
import { ThreadReducer } from '../../../src/core/threadReducer';
import type { CommandExecutionItem, FileChangeItem, McpToolCallItem, ThreadItem, ThreadState } from '../../../src/shared/threadModel';

/* Hand-made rollout records for shapes the corpus does not hold (other tools, other CLI generations, odd endings). */

let t = 0;
const rec = (type: string, payload: unknown): string => JSON.stringify({ timestamp: `2026-01-01T00:00:${String(t++ % 60).padStart(2, '0')}.000Z`, type, payload });
const meta = (cli = '0.59.0', extra: Record<string, unknown> = {}): string =>
  rec('session_meta', { id: 'sess-1', timestamp: '2026-01-01T00:00:00.000Z', cwd: '/w', originator: 'codex_cli_rs', cli_version: cli, source: 'cli', ...extra });
const user = (text: string): string => rec('response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const assistant = (text: string): string => rec('response_item', { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
const call = (name: string, args: unknown, id: string): string => rec('response_item', { type: 'function_call', name, arguments: JSON.stringify(args), call_id: id });
const output = (id: string, out: unknown): string => rec('response_item', { type: 'function_call_output', call_id: id, output: out });
const event = (payload: Record<string, unknown>): string => rec('event_msg', payload);
const total = (input: number, output = 10): string => event({ type: 'token_count', info: { total_token_usage: { input_tokens: input, cached_input_tokens: 0, output_tokens: output, reasoning_output_tokens: 0 } } });

function run(...lines: string[]): ThreadState {
  return parseRolloutText(lines.join('\n')).state;
}

const items = <T extends ThreadItem['type']>(s: ThreadState, type: T) => s.items.filter((i) => i.type === type) as Extract<ThreadItem, { type: T }>[];

describe('rollout records', () => {
  describe('commands', () => {
    it('reads the "Exit code / Wall time / Output" text of shell_command', () => {
      const s = run(meta(), user('go'), call('shell_command', { command: 'make', workdir: '/w/sub' }, 'c1'), output('c1', 'Exit code: 1\nWall time: 0.2 seconds\nTotal output lines: 1\nOutput:\nboom\n'));
      const [c] = items(s, 'command_execution') as [CommandExecutionItem];
      assert.deepEqual([c.command, c.cwd, c.exit_code, c.status, c.aggregated_output, c.duration_ms], ['make', '/w/sub', 1, 'failed', 'boom\n', 200]);
    });

    it('follows a unified-exec process through write_stdin to its exit', () => {
      const s = run(
        meta('0.100.0'),
        user('go'),
        call('exec_command', { cmd: 'npm test' }, 'c1'),
        output('c1', 'Chunk ID: a\nWall time: 1.0 seconds\nProcess running with session ID 7\nOriginal token count: 2\nOutput:\nstarting\n'),
        call('write_stdin', { session_id: 7, chars: '' }, 'c2'),
        output('c2', 'Chunk ID: b\nWall time: 2.0 seconds\nProcess exited with code 0\nOriginal token count: 1\nOutput:\ndone\n'),
      );
      assert.equal(s.items.length, 2);
      const [c] = items(s, 'command_execution') as [CommandExecutionItem];
      assert.deepEqual([c.command, c.status, c.exit_code, c.aggregated_output], ['npm test', 'completed', 0, 'starting\ndone\n']);
    });

    it('reads local_shell_call with a JSON output, and plain error text as a failure', () => {
      const s = run(
        meta(),
        user('go'),
        rec('response_item', { type: 'local_shell_call', call_id: 'l1', status: 'completed', action: { type: 'exec', command: ['ls', '-la'], working_directory: '/w' } }),
        output('l1', JSON.stringify({ output: 'total 0\n', metadata: { exit_code: 0, duration_seconds: 0.5 } })),
        call('shell', { command: ['bash', '-lc', 'rm -rf /'] }, 'c2'),
        output('c2', 'exec command rejected by user'),
      );
      const [a, b] = items(s, 'command_execution') as [CommandExecutionItem, CommandExecutionItem];
      assert.deepEqual([a.command, a.exit_code, a.status, a.duration_ms, a.cwd], ['ls -la', 0, 'completed', 500, '/w']);
      assert.deepEqual([b.command, b.exit_code, b.status], ['rm -rf /', null, 'failed']);
    });

    it('takes a command the CLI recorded itself (0.169 CommandExecution) even without the call', () => {
      const item = { type: 'CommandExecution', id: 'u1', command: ['/bin/bash', '-lc', 'git status'], cwd: 'file:///w', status: 'completed', aggregated_output: 'clean\n', exit_code: 0, duration: { secs: 1, nanos: 500_000_000 } };
      const s = run(meta('0.169.0'), event({ type: 'task_started' }), event({ type: 'item_completed', item }), event({ type: 'task_complete', last_agent_message: null }));
      const [c] = items(s, 'command_execution') as [CommandExecutionItem];
      assert.deepEqual([c.command, c.cwd, c.exit_code, c.aggregated_output, c.duration_ms], ["/bin/bash -lc 'git status'", '/w', 0, 'clean\n', 1500]);
    });

    it('completes calls from the CLI\'s own command and patch events', () => {
      const s = run(
        meta('0.60.0'),
        event({ type: 'task_started' }),
        user('go'),
        call('shell', { command: ['bash', '-lc', 'cargo build'] }, 'c1'),
        event({ type: 'exec_command_begin', call_id: 'c1', command: ['bash', '-lc', 'cargo build'], cwd: '/w' }),
        event({ type: 'exec_command_end', call_id: 'c1', stdout: 'ok\n', stderr: 'warn\n', exit_code: 0, duration: { secs: 2, nanos: 0 } }),
        output('c1', 'Exit code: 0\nWall time: 2 seconds\nOutput:\n(truncated)'),
        event({ type: 'exec_command_end', call_id: 'solo', stdout: '', stderr: 'denied', exit_code: 1 }),
        event({ type: 'patch_apply_begin', call_id: 'p1', auto_approved: true, changes: { '/w/a.txt': { add: { content: 'A\n' } } } }),
        event({ type: 'patch_apply_end', call_id: 'p1', success: false, stderr: 'no' }),
        event({ type: 'plan_update', plan: [{ step: 'x', status: 'completed' }] }),
        event({ type: 'web_search_end', call_id: 'w1', query: 'rust book' }),
        event({ type: 'stream_error', message: 'Reconnecting... 1/5' }),
        event({ type: 'thread_settings_applied', thread_settings: { model: 'gpt-9', cwd: '/w' } }),
        event({ type: 'task_complete', last_agent_message: null }),
      );
      const [c1, solo] = items(s, 'command_execution') as [CommandExecutionItem, CommandExecutionItem];
      assert.deepEqual([c1.command, c1.aggregated_output, c1.exit_code, c1.status, c1.duration_ms, c1.cwd], ['cargo build', 'ok\nwarn\n', 0, 'completed', 2000, '/w']);
      assert.deepEqual([solo.aggregated_output, solo.exit_code, solo.status], ['denied', 1, 'failed']);
      assert.deepEqual(items(s, 'file_change').map((f) => [f.status, f.changes]), [['failed', [{ path: '/w/a.txt', kind: 'add', diff: 'A\n' }]]]);
      assert.deepEqual(items(s, 'todo_list')[0]?.items.map((x) => x.text), ['x']);
      assert.equal(items(s, 'web_search')[0]?.query, 'rust book');
      assert.deepEqual([s.errors, s.meta.model, s.status], [['Reconnecting... 1/5'], 'gpt-9', 'completed']);
    });

    it('keeps calls that reuse a call id apart', () => {
      const s = run(meta(), user('go'), call('shell', { command: ['true'] }, 'x'), output('x', 'Exit code: 0\nOutput:\n'), call('shell', { command: ['false'] }, 'x'), output('x', 'Exit code: 1\nOutput:\n'));
      assert.deepEqual(items(s, 'command_execution').map((c) => [c.id, c.command, c.exit_code]), [['x', 'true', 0], ['x#2', 'false', 1]]);
    });
  });

  describe('patches', () => {
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+hello\n*** Update File: b.txt\n*** Move to: c.txt\n@@\n-x\n+y\n*** Delete File: d.txt\n*** End Patch\n';
    const expected = [
      { path: '/w/a.txt', kind: 'add', diff: 'hello\n' },
      { path: '/w/b.txt', kind: 'update', move_path: '/w/c.txt', diff: '@@\n-x\n+y\n' },
      { path: '/w/d.txt', kind: 'delete' },
    ];
    const shapes: [string, string][] = [
      ['the shell tool argv', call('shell', { command: ['apply_patch', patch] }, 'p')],
      ['a bash heredoc', call('shell', { command: ['bash', '-lc', `apply_patch <<'EOF'\n${patch}EOF\n`] }, 'p')],
      ['shell_command with cd and a heredoc', call('shell_command', { command: `cd /w && apply_patch <<"PATCH"\n${patch}PATCH` }, 'p')],
      ['the apply_patch function', call('apply_patch', { input: patch }, 'p')],
      ['the custom tool', rec('response_item', { type: 'custom_tool_call', name: 'apply_patch', input: patch, call_id: 'p' })],
    ];
    for (const [what, line] of shapes) {
      it(`is a file change, not a command, through ${what}`, () => {
        const s = run(meta(), user('go'), line, output('p', 'Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following files:\n'));
        assert.equal(items(s, 'command_execution').length, 0);
        const [f] = items(s, 'file_change') as [FileChangeItem];
        assert.equal(f.status, 'completed');
        assert.deepEqual(f.changes, expected);
      });
    }

    it('fails when the patch did not apply', () => {
      const s = run(meta(), user('go'), call('apply_patch', { input: patch }, 'p'), output('p', 'error: Failed to find expected lines in b.txt'));
      assert.equal(items(s, 'file_change')[0]?.status, 'failed');
    });
  });

  describe('plans and other tools', () => {
    const plan = { explanation: 'why', plan: [{ step: 'a', status: 'completed' }, { step: 'b', status: 'pending' }] };

    it('shows an accepted plan as the turn to-do list, and not a rejected one', () => {
      const ok = run(meta(), user('go'), call('update_plan', plan, 'u'), output('u', 'Plan updated'));
      assert.deepEqual(items(ok, 'todo_list')[0]?.items, [{ text: 'a', completed: true, status: 'completed' }, { text: 'b', completed: false, status: 'pending' }]);
      const rejected = run(meta('0.169.0'), user('go'), call('update_plan', plan, 'u'), output('u', 'unsupported call: update_plan'));
      assert.equal(items(rejected, 'todo_list').length, 0);
    });

    it('shows MCP and other tools as tool calls with their result', () => {
      const s = run(meta(), user('go'), call('mcp__github__get_issue', { n: 1 }, 'm'), output('m', 'issue #1'), web());
      const [m] = items(s, 'mcp_tool_call') as [McpToolCallItem];
      assert.deepEqual([m.server, m.tool, m.arguments, m.result, m.status], ['github', 'get_issue', { n: 1 }, 'issue #1', 'completed']);
      assert.equal(items(s, 'web_search')[0]?.query, 'codex rollout');
    });
    const web = (): string => rec('response_item', { type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'codex rollout' } });
  });

  describe('messages', () => {
    it('leaves out injected context and takes the IDE request as the title', () => {
      const ide = '# Context from my IDE setup:\n\n## Active file: src/a.ts\n\n## My request for Codex:\nFix   the bug\n';
      const r = parseRolloutText(
        [
          meta(),
          rec('response_item', { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'be nice' }] }),
          user('<user_instructions>\nrules\n</user_instructions>'),
          user('# AGENTS.md instructions for /w\n\n<INSTRUCTIONS>\nx\n</INSTRUCTIONS>'),
          user('<environment_context>\n  <cwd>/w</cwd>\n</environment_context>'),
          event({ type: 'user_message', message: '<environment_context>x</environment_context>', kind: 'environment_context' }),
          user('<user_shell_command>\nls\n</user_shell_command>'),
          user(ide),
          event({ type: 'user_message', message: ide, kind: 'plain' }),
        ].join('\n'),
      );
      assert.deepEqual(items(r.state, 'user_message').map((u) => u.text), [ide]);
      assert.equal(r.session.title, 'Fix the bug');
    });

    it('shows a message recorded only as an event or only as a response item once', () => {
      const s = run(meta(), event({ type: 'user_message', message: 'hi', kind: 'plain' }), event({ type: 'agent_message', message: 'hello' }), assistant('again'));
      assert.deepEqual(s.items.map((i) => ('text' in i ? i.text : '')), ['hi', 'hello', 'again']);
    });

    it('finds the folder of the oldest rollouts in the environment context', () => {
      const bare = (text: string): string => JSON.stringify({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
      const r = parseRolloutText([JSON.stringify({ id: 'old', timestamp: '2025-08-01T00:00:00Z' }), bare('<environment_context>\n  <cwd>/proj</cwd>\n</environment_context>'), bare('hi')].join('\n'));
      assert.deepEqual([r.session.family, r.session.cwd, r.session.title], ['bare', '/proj', 'hi']);
    });
  });

  describe('turns', () => {
    it('fails a turn on an error event followed by task_complete, and on turn_aborted', () => {
      const s = run(meta('0.100.0'), event({ type: 'task_started' }), user('a'), event({ type: 'error', message: 'quota exceeded' }), event({ type: 'task_complete', last_agent_message: null }), event({ type: 'task_started' }), user('b'), event({ type: 'turn_aborted', reason: 'interrupted' }));
      assert.deepEqual(s.turns.map((x) => [x.status, x.error]), [['failed', 'quota exceeded'], ['failed', 'The turn was aborted (interrupted).']]);
    });

    it('keeps a prompt recorded just before its turn start in that turn, and ends a turn its process never finished', () => {
      const s = run(meta('0.100.0'), user('a'), event({ type: 'task_started' }), assistant('1'), event({ type: 'task_started' }), user('b'), assistant('2'), event({ type: 'task_complete', last_agent_message: '2' }));
      assert.deepEqual(s.turns.map((x) => [x.first_item, x.status, x.error]), [[0, 'failed', 'The turn ended without a result (codex stopped).'], [2, 'completed', undefined]]);
    });

    it('leaves a turn without its end incomplete when the CLI records turn ends', () => {
      const s = run(meta('0.100.0'), event({ type: 'task_started' }), user('a'), assistant('working'));
      assert.equal(s.status, 'incomplete');
    });
  });

  describe('usage', () => {
    it('takes cumulative totals once, however often they are repeated', () => {
      assert.equal(run(meta(), user('a'), total(100), total(100), total(300), total(300)).usage?.input_tokens, 300);
    });

    it('adds the processes of a file resumed by a process-scoped CLI (a total going down, or a new session_meta)', () => {
      assert.equal(run(meta('0.45.0'), user('a'), total(1000), total(3000), user('b'), total(500), total(700)).usage?.input_tokens, 3700);
      assert.equal(run(meta('0.59.0'), user('a'), total(1000), meta('0.59.0'), user('b'), total(1200)).usage?.input_tokens, 2200);
    });

    it('takes thread totals (0.80+) as they are, and hands them on for a later resume', () => {
      const lines = [meta('0.100.0'), user('a'), total(1000), meta('0.100.0'), user('b'), total(1500)];
      assert.equal(run(...lines).usage?.input_tokens, 1500);
      // Replay, then a live resume reporting the thread total: only the new calls count on top.
      const reducer = new ThreadReducer();
      const replay = new RolloutReplay(reducer);
      replay.write(lines.join('\n'));
      replay.end();
      reducer.beginRun();
      reducer.apply({ type: 'turn.started' });
      reducer.apply({ type: 'turn.completed', usage: { input_tokens: 1800, cached_input_tokens: 0, output_tokens: 30, reasoning_output_tokens: 0 }, scope: 'thread' });
      assert.equal(reducer.state.usage?.input_tokens, 1800);
      assert.equal(reducer.state.turns.at(-1)?.usage?.input_tokens, 300);
    });

    it('adds flat per-call counts of older CLIs', () => {
      const flat = (n: number): string => event({ type: 'token_count', input_tokens: n, cached_input_tokens: 0, output_tokens: 1, reasoning_output_tokens: 0, total_tokens: n + 1 });
      assert.equal(run(meta('0.30.0'), user('a'), flat(10), flat(20)).usage?.input_tokens, 30);
    });
  });

  it('reports records of unknown kinds and shows the rest', () => {
    const s = run(meta(), user('a'), rec('mystery', {}), event({ type: 'brand_new_event' }), rec('response_item', { type: 'hologram' }), event({ type: 'item_completed', item: { type: 'Teleport', id: 'x' } }), assistant('done'));
    assert.equal(s.unknown_events, 4);
    assert.deepEqual(s.items.map((i) => i.type), ['user_message', 'agent_message']);
  });
});

