import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { runTask } from '../../src/node/codexTask';
import { isAlive } from '../../src/node/processTree';
import type { ThreadEvent } from '../../src/shared/threadModel';
import { execCommand } from './fakeModelServer';
import { CLI, CODEX, cleanup, cliOptions, codexEnv, eventually, fakeServer, processesMatching } from './harness';
import { makeCorpusCodexHome, removeHome } from '../helpers/codexHome';

describe('stopping codex leaves nothing behind (real codex binary)', function () {
  this.timeout(120_000);
  afterEach(cleanup);

  it('cancels in the middle of a long command: status cancelled, no codex or child process left', async () => {
    const marker = `sleep 97.${process.pid}`;
    const server = await fakeServer([[execCommand(marker, { callId: 'long', yieldTimeMs: 30_000 })]]);
    const env = codexEnv(server);
    const controller = new AbortController();
    const seen: ThreadEvent[] = [];
    const started = Date.now();
    const result = await runTask({
      prompt: 'Run a long command.', cwd: env.workspace, codexPath: CODEX, model: 'gpt-5-codex', bypassApprovals: true,
      extraArgs: env.extraArgs, extraEnv: env.extraEnv, signal: controller.signal, killGraceMs: 1500,
      onEvent: (e) => {
        seen.push(e);
        // Stop once the command really runs (its process is in the table).
        if (e.type === 'item.started' && e.item.type === 'command_execution') {
          void eventually(() => processesMatching(marker).length > 0, 10_000).then(() => controller.abort());
        }
      },
    });
    assert.equal(result.reason, 'cancelled');
    assert.equal(result.state.status, 'cancelled');
    assert.ok(Date.now() - started < 30_000, 'stopped long before the command would end');
    assert.ok(result.pids.length >= 2, `codex and its children were tracked: ${result.pids.join(',')}`);
    assert.ok(await eventually(() => processesMatching(marker).length === 0), `left running: ${processesMatching(marker).join(',')}`);
    assert.deepEqual(result.pids.filter(isAlive), []);
    assert.deepEqual(processesMatching(`127.0.0.1:${server.port}`), []);
    assert.ok(seen.some((e) => e.type === 'item.started' && e.item.type === 'command_execution'));
  });

  it('ends an idle run (the model stops answering) with a clear reason and nothing left', async () => {
    const server = await fakeServer([{ hang: true }]);
    const env = codexEnv(server, { streamIdleTimeoutMs: 120_000 });
    const result = await runTask({
      prompt: 'Hello?', cwd: env.workspace, codexPath: CODEX, model: 'gpt-5-codex', bypassApprovals: true,
      extraArgs: env.extraArgs, extraEnv: env.extraEnv, idleTimeoutMs: 2000, killGraceMs: 1000,
    });
    assert.equal(result.reason, 'idle_timeout');
    assert.equal(result.state.status, 'failed');
    assert.match(result.state.errors.at(-1) ?? '', /printed nothing for 2 s \(idle timeout\)/);
    assert.deepEqual(result.pids.filter(isAlive), []);
    assert.equal(server.requests.length, 1);
  });

  it('ends a run at the hard timeout', async () => {
    const marker = `sleep 98.${process.pid}`;
    const server = await fakeServer([[execCommand(marker, { callId: 'long', yieldTimeMs: 30_000 })]]);
    const env = codexEnv(server);
    const result = await runTask({
      prompt: 'Run a long command.', cwd: env.workspace, codexPath: CODEX, model: 'gpt-5-codex', bypassApprovals: true,
      extraArgs: env.extraArgs, extraEnv: env.extraEnv, timeoutMs: 4000, killGraceMs: 1000,
    });
    assert.equal(result.reason, 'timeout');
    assert.equal(result.state.status, 'failed');
    assert.match(result.state.errors.at(-1) ?? '', /longer than 4 s/);
    assert.ok(await eventually(() => processesMatching(marker).length === 0));
  });

  it('Ctrl-C on `codex-sessions run` cancels cleanly: status cancelled, exit 1, no process left', async () => {
    const marker = `sleep 99.${process.pid}`;
    const server = await fakeServer([[execCommand(marker, { callId: 'long', yieldTimeMs: 30_000 })]]);
    const env = codexEnv(server);
    const child = spawn(process.execPath, [CLI, 'run', '--json', ...cliOptions(env), 'Run a long command.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    assert.ok(await eventually(() => processesMatching(marker).length > 0, 30_000), 'the command started');
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 1);
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as { status: string };
    assert.equal(last.status, 'cancelled');
    assert.ok(await eventually(() => processesMatching(marker).length === 0), `left running: ${processesMatching(marker).join(',')}`);
    // codex's own argv names the fake server's port: no codex process may be left.
    assert.ok(await eventually(() => processesMatching(`127.0.0.1:${server.port}`).length === 0));
  });
});

describe('a closed stdout (`codex-sessions … | head`)', function () {
  this.timeout(120_000);
  afterEach(cleanup);

  it('stops `run` as Ctrl-C would when its reader goes away: exit 1, no process left, no EPIPE crash', async () => {
    const marker = `sleep 96.${process.pid}`;
    const server = await fakeServer([[execCommand(marker, { callId: 'long', yieldTimeMs: 30_000 })]]);
    const env = codexEnv(server);
    const child = spawn(process.execPath, [CLI, 'run', '--json', ...cliOptions(env), 'Run a long command.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    assert.ok(await eventually(() => processesMatching(marker).length > 0, 30_000), 'the command started');
    child.stdout.destroy(); // the reader is gone: the next write fails with EPIPE
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 1);
    assert.doesNotMatch(stderr, /EPIPE|Unhandled/);
    assert.ok(await eventually(() => processesMatching(marker).length === 0), `left running: ${processesMatching(marker).join(',')}`);
    assert.ok(await eventually(() => processesMatching(`127.0.0.1:${server.port}`).length === 0));
  });

  it('ends `list` quietly with exit 0 when its reader stops after a line', async () => {
    const home = makeCorpusCodexHome();
    try {
      const child = spawn(process.execPath, [CLI, 'list', '--codex-home', home, '--no-cache'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((r) => child.on('close', r));
      assert.deepEqual([code, stderr], [0, '']);
    } finally {
      removeHome(home);
    }
  });
});
