/**
 * Proves the fake model server against the REAL codex binary (node_modules/.bin/codex, 0.169.x):
 * codex exec --json ... talks to 127.0.0.1 only, with a fresh CODEX_HOME and workspace per test.
 *
 * Run: npx mocha --import=tsx --timeout 120000 test/integration/fakeModelServer.spec.ts
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  assistantMessage, codexProviderArgs, execCommand, reasoningItem, startFakeModelServer,
  type CodexProviderOptions, type FakeModelServer, type FakeTurn,
} from './fakeModelServer';

const REPO = typeof __dirname === 'string' ? path.resolve(__dirname, '..', '..') : process.cwd();
const CODEX = process.env.CODEX_BIN ?? path.join(REPO, 'node_modules', '.bin', 'codex');
const RUN_LIMIT_MS = 60_000;

type JsonEvent = { type: string; [key: string]: unknown };
type Item = { id: string; type: string; [key: string]: unknown };

interface CodexRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  events: JsonEvent[];
  ms: number;
  codexHome: string;
}

/** Temp dirs and servers made by the current test, removed in afterEach. */
const cleanups: (() => Promise<void> | void)[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startServer(script: FakeTurn[]): Promise<FakeModelServer> {
  const server = await startFakeModelServer(script);
  cleanups.push(() => server.close());
  return server;
}

/** Runs `codex exec --json ... -` with the prompt on stdin; never rejects, kills codex after RUN_LIMIT_MS. */
function runCodex(server: FakeModelServer, prompt: string, provider: CodexProviderOptions = {}): Promise<CodexRun> {
  const codexHome = tempDir('codex-home-');
  const workspace = tempDir('codex-ws-');
  const args = [
    'exec', '--json', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox',
    '-m', 'gpt-5-codex', ...codexProviderArgs(server, provider), '-',
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, OPENAI_API_KEY: 'sk-test', CODEX_HOME: codexHome, HOME: tempDir('codex-user-') };
  delete env.OPENAI_BASE_URL;
  const started = Date.now();
  const child = spawn(CODEX, args, { cwd: workspace, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  child.stdin.on('error', () => undefined);
  child.stdin.end(`${prompt}\n`);
  const killer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
  return new Promise((resolve) => {
    child.on('error', (err) => { stderr += `spawn ${CODEX} failed: ${String(err)}\n`; });
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      const events = stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as JsonEvent);
      resolve({ code, signal, stdout, stderr, events, ms: Date.now() - started, codexHome });
    });
  });
}

const completedItems = (run: CodexRun): Item[] =>
  run.events.filter((e) => e.type === 'item.completed').map((e) => e.item as Item);

/** The `turn.failed` message, asserting the run failed the way a fatal model error should. */
function failure(run: CodexRun): string {
  const failed = run.events.find((e) => e.type === 'turn.failed');
  assert.ok(failed, `expected turn.failed, got:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.equal(run.code, 1, 'codex exec exits 1 after turn.failed');
  assert.ok(!run.events.some((e) => e.type === 'turn.completed'));
  assert.ok(!run.events.some((e) => e.type === 'error' && String(e.message).startsWith('Reconnecting')),
    'no retries expected');
  return String((failed.error as { message?: unknown } | undefined)?.message);
}

describe('fakeModelServer + real codex exec', function () {
  this.timeout(120_000);

  afterEach(async () => {
    for (const clean of cleanups.splice(0).reverse()) await clean();
  });

  it('drives a scripted session: reasoning, message, two commands, final answer, usage', async () => {
    const server = await startServer([
      [reasoningItem('Planning the checks'), assistantMessage('Let me look.'), execCommand('echo hi', { callId: 'c1' })],
      [execCommand('ls /definitely-missing-dir', { callId: 'c2' })],
      [assistantMessage('All done.')],
    ]);
    const run = await runCodex(server, 'check things');
    assert.equal(run.code, 0, run.stderr);

    const first = run.events[0];
    assert.equal(first?.type, 'thread.started');
    assert.ok(run.events.some((e) => e.type === 'turn.started'));
    const items = completedItems(run);
    assert.deepEqual(items.find((i) => i.type === 'reasoning')?.text, 'Planning the checks');
    assert.deepEqual(items.filter((i) => i.type === 'agent_message').map((i) => i.text), ['Let me look.', 'All done.']);
    const commands = items.filter((i) => i.type === 'command_execution');
    assert.equal(commands.length, 2);
    assert.match(String(commands[0]?.command), /echo hi/);
    assert.equal(commands[0]?.exit_code, 0);
    assert.equal(commands[0]?.status, 'completed');
    assert.equal(commands[0]?.aggregated_output, 'hi\n');
    assert.match(String(commands[1]?.command), /definitely-missing-dir/);
    assert.equal(commands[1]?.exit_code, 2);
    assert.equal(commands[1]?.status, 'failed');

    // Usage is summed over the 3 model calls: defaultUsage(1..3).
    const done = run.events.find((e) => e.type === 'turn.completed');
    assert.deepEqual(done?.usage, {
      input_tokens: 1011 + 2011 + 3011, cached_input_tokens: 100 + 200 + 300, cache_write_input_tokens: 0,
      output_tokens: 20 + 21 + 22, reasoning_output_tokens: 5 + 6 + 7,
    });

    // What codex sent: auth, classic tools, and the tool output of each call in the next request.
    assert.equal(server.requests.length, 3);
    const [r0, r1, r2] = server.requests;
    assert.equal(r0?.authorization, 'Bearer sk-test');
    assert.ok(r0?.toolNames.includes('exec_command'), `tools: ${r0?.toolNames.join(', ')}`);
    assert.deepEqual(r0?.functionCallOutputs, []);
    assert.deepEqual(r1?.functionCallOutputs.map((o) => o.callId), ['c1']);
    assert.match(String(r1?.functionCallOutputs[0]?.output), /exited with code 0[\s\S]*hi/);
    assert.deepEqual(r2?.functionCallOutputs.map((o) => o.callId), ['c1', 'c2']);
    assert.match(String(r2?.functionCallOutputs[1]?.output), /exited with code 2/);
    assert.ok((r1?.inputCount ?? 0) > (r0?.inputCount ?? 0), 'full history is re-sent each call');
    assert.deepEqual(server.otherRequests, []);

    // A rollout named after the thread id lands under $CODEX_HOME/sessions.
    const threadId = String(first?.thread_id);
    const sessions = path.join(run.codexHome, 'sessions');
    assert.ok(existsSync(sessions));
    const files = readdirSync(sessions, { recursive: true }).map(String);
    assert.ok(files.some((f) => f.endsWith(`${threadId}.jsonl`)), files.join('\n'));
  });

  it('HTTP 401 fails the turn at once', async () => {
    const server = await startServer([{ status: 401 }]);
    const run = await runCodex(server, 'hi');
    assert.match(failure(run), /401/);
    assert.equal(server.requests.length, 1);
    assert.ok(run.ms < 15_000, `took ${run.ms} ms`);
  });

  it('HTTP 429 (even with retry-after) fails the turn at once', async () => {
    const server = await startServer([{ status: 429, headers: { 'retry-after': '1' } }]);
    const run = await runCodex(server, 'hi');
    assert.match(failure(run), /429/);
    assert.equal(server.requests.length, 1);
  });

  it('response.failed fails the turn with the server message', async () => {
    const server = await startServer([{ failed: { code: 'server_error', message: 'the fake model broke' } }]);
    const run = await runCodex(server, 'hi');
    assert.match(failure(run), /the fake model broke/);
    assert.equal(server.requests.length, 1);
  });

  it('HTTP 500 fails the turn (codex shows a generic "high demand" message)', async () => {
    const server = await startServer([{ status: 500 }]);
    const run = await runCodex(server, 'hi');
    assert.match(failure(run), /high demand|500/);
    assert.equal(server.requests.length, 1);
  });

  it('a stream dropped mid-way keeps the items already sent, then fails', async () => {
    const server = await startServer([{ dropMidStream: [assistantMessage('partial answer')] }]);
    const run = await runCodex(server, 'hi');
    assert.match(failure(run), /stream disconnected/);
    assert.deepEqual(completedItems(run).filter((i) => i.type === 'agent_message').map((i) => i.text),
      ['partial answer']);
  });

  it('a hanging stream hits stream_idle_timeout_ms', async () => {
    const server = await startServer([{ hang: true }]);
    const run = await runCodex(server, 'hi', { streamIdleTimeoutMs: 1500 });
    assert.match(failure(run), /idle timeout/);
  });

  it('a delayed turn still completes', async () => {
    const server = await startServer([{ delayMs: 1000, items: [assistantMessage('late but fine')] }]);
    const run = await runCodex(server, 'hi');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(completedItems(run).filter((i) => i.type === 'agent_message').map((i) => i.text),
      ['late but fine']);
  });

  it('close() ends a hanging request promptly', async () => {
    const server = await startFakeModelServer([{ hang: true }]);
    const res = await fetch(`${server.url}/responses`, { method: 'POST', body: '{"input":[]}' });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const reading = res.text().then(() => 'ended', () => 'aborted');
    const t0 = Date.now();
    await server.close();
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(await reading, 'aborted');
  });
});
