import assert from 'node:assert/strict';
import type { ThreadJson } from '../../src/core/threadJson';
import type { ThreadEvent } from '../../src/shared/threadModel';
import { assistantMessage, execCommand, reasoningItem } from './fakeModelServer';
import { cleanup, cliOptions, codexEnv, fakeServer, runCli } from './harness';

function lastJson(stdout: string): ThreadJson {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as ThreadJson;
}

describe('codex-sessions run / resume with the real codex binary', function () {
  this.timeout(120_000);
  afterEach(cleanup);

  it('runs a scripted session: messages, reasoning, a succeeding and a failing command, usage', async () => {
    const server = await fakeServer([
      [reasoningItem('**Looking around**'), assistantMessage('Let me look.'), execCommand('echo hello-from-test', { callId: 'c1' })],
      [execCommand('ls /definitely-missing-dir', { callId: 'c2' })],
      [assistantMessage('Done: one worked, one failed.')],
    ]);
    const env = codexEnv(server);
    const r = await runCli(['run', '--json', ...cliOptions(env), 'Say hello then fail once.']);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split('\n').slice(0, -1).map((l) => JSON.parse(l) as ThreadEvent);
    assert.ok(events.some((e) => e.type === 'item.started' && e.item.type === 'command_execution'), 'live item.started events');
    const t = lastJson(r.stdout);
    assert.equal(t.status, 'completed');
    assert.match(t.thread_id ?? '', /^[0-9a-f-]{36}$/);
    const kinds = t.items.filter((i) => i.type !== 'error').map((i) => i.type);
    assert.deepEqual(kinds, ['user_message', 'reasoning', 'agent_message', 'command_execution', 'command_execution', 'agent_message']);
    const cmds = t.items.filter((i) => i.type === 'command_execution');
    assert.deepEqual(cmds.map((c) => c.type === 'command_execution' && [c.exit_code, c.status]), [[0, 'completed'], [2, 'failed']]);
    assert.ok(cmds[0]?.type === 'command_execution' && cmds[0].aggregated_output.includes('hello-from-test'));
    // Three model calls: 1011 + 2011 + 3011 input tokens.
    assert.deepEqual(t.usage, { input_tokens: 6033, cached_input_tokens: 600, output_tokens: 63, reasoning_output_tokens: 18 });
    assert.equal(server.requests[1]?.functionCallOutputs[0]?.callId, 'c1');
    assert.equal(t.skipped_lines, 0);
    assert.equal(t.unknown_events, 0);
  });

  for (const [name, turn, pattern] of [
    ['HTTP 401', { status: 401, body: JSON.stringify({ error: { message: 'Incorrect API key provided: sk-test.', type: 'invalid_request_error', code: 'invalid_api_key' } }) }, /401/],
    ['HTTP 429', { status: 429, body: JSON.stringify({ error: { message: 'Rate limit reached', type: 'rate_limit_exceeded' } }) }, /429/],
    ['response.failed', { failed: { code: 'server_error', message: 'The model broke (test).' } }, /The model broke \(test\)/],
  ] as const) {
    it(`reports ${name} as a failed task with the CLI's message and exit code 1`, async () => {
      const server = await fakeServer([turn]);
      const env = codexEnv(server);
      const r = await runCli(['run', '--json', ...cliOptions(env), 'Say hi.']);
      assert.equal(r.code, 1);
      const t = lastJson(r.stdout);
      assert.equal(t.status, 'failed');
      assert.match(t.errors.at(-1) ?? '', pattern);
      assert.match(r.stderr, /the task failed: /);
    });
  }

  it('resumes the thread: the model sees the history and usage counts only the new run', async () => {
    const server = await fakeServer([
      [assistantMessage('First answer.')],
      [execCommand('echo second-run', { callId: 'c9' })],
      [assistantMessage('Second answer.')],
    ]);
    const env = codexEnv(server);
    const first = lastJson((await runCli(['run', '--json', ...cliOptions(env), 'First question'])).stdout);
    assert.equal(first.status, 'completed');
    assert.equal(first.usage?.input_tokens, 1011);
    const r = await runCli(['resume', first.thread_id!, '--json', ...cliOptions(env), 'Second question']);
    assert.equal(r.code, 0, r.stderr);
    const second = lastJson(r.stdout);
    assert.equal(second.thread_id, first.thread_id);
    assert.equal(second.status, 'completed');
    const history = JSON.stringify(server.requests[1]?.body);
    assert.ok(history.includes('First question') && history.includes('First answer.'), 'the resumed request carries the earlier turn');
    assert.ok(second.items.some((i) => i.type === 'command_execution' && i.aggregated_output.includes('second-run')));
    // Calls 2 and 3 only (2011 + 3011); codex itself reports the thread total 6033.
    assert.equal(second.usage?.input_tokens, 5022);
    assert.equal(second.usage?.output_tokens, 21 + 22);
  });
});

describe('node dist/cli.js parse-exec on every corpus file', function () {
  this.timeout(120_000);
  it('prints a thread object with the right status and items for each', async () => {
    const { corpusFiles, corpusFile, corpusVersions, corpusAvailable } = await import('../helpers/corpus');
    assert.ok(corpusAvailable(), 'the version corpus (../shared/corpus) is needed');
    let n = 0;
    for (const v of corpusVersions()) {
      for (const f of corpusFiles(v).filter((x) => /^(exec|proto).*\.(jsonl|txt)$/.test(x) && !x.includes('stdin'))) {
        const r = await runCli(['parse-exec', corpusFile(v, f), '--json']);
        assert.equal(r.code, 0, `${v}/${f}: ${r.stderr}`);
        const t = lastJson(r.stdout);
        const isError = f.includes('error');
        assert.equal(t.status, isError ? 'failed' : 'completed', `${v}/${f}`);
        assert.equal(t.skipped_lines + t.unknown_events, 0, `${v}/${f}`);
        const cmds = t.items.filter((i) => i.type === 'command_execution').length;
        assert.equal(cmds, isError ? 0 : f.includes('resume') ? 1 : 2, `${v}/${f}`);
        n++;
      }
    }
    assert.ok(n >= 25);
  });
});
