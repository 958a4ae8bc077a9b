import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { classifyFailure, type ClassifiedFailure } from '../../src/core/failure';
import type { RunResult } from '../../src/node/codexRunner';
import { prepareRun, type TaskOptions } from '../../src/node/codexTask';
import { startDetached } from '../../src/node/detachedRun';
import { runCodex } from '../../src/node/codexRunner';
import { isAlive } from '../../src/node/processTree';
import type { ThreadEvent } from '../../src/shared/threadModel';
import { assistantMessage, execCommand, type CodexProviderOptions, type FakeTurn, type RecordedRequest } from './fakeModelServer';
import { CODEX, REPO, cleanup, codexEnv, eventually, fakeServer, processesMatching, tempDir } from './harness';

type Script = FakeTurn[] | ((req: RecordedRequest, index: number) => FakeTurn);

/** How one faulty run ended. */
interface Outcome {
  result: RunResult;
  failure: ClassifiedFailure | null;
  ms: number;
  port: number;
  events: ThreadEvent[];
  requests: number;
}

/**
 * Faults around a real codex 0.169 run, each ending in a clear task state with nothing left in the process table:
 * the model server stops answering, cuts a stream, answers 500 forever; codex is killed; codex floods stdout; a
 * command ignores SIGTERM and the user stops the task.
 */
const HOST = path.join(REPO, 'dist', 'taskHost.cjs');

for (const mode of ['in-process runner', 'detached task host (as in VS Code)'] as const) describe(`process faults with the real codex binary: ${mode}`, function () {
  this.timeout(120_000);
  afterEach(cleanup);
  const figures: string[] = [];
  after(() => console.log(`      end states:\n${figures.map((f) => `        ${f}`).join('\n')}`));

  type RunOpts = Omit<Partial<TaskOptions>, 'onEvent'> & { provider?: CodexProviderOptions; onEvent?: (e: ThreadEvent, port: number) => void };

  async function run(script: Script, opts: RunOpts = {}): Promise<Outcome> {
    const server = await fakeServer(script);
    const { provider, onEvent, ...rest } = opts;
    const env = codexEnv(server, provider);
    const events: ThreadEvent[] = [];
    const started = Date.now();
    const runOpts = await prepareRun({
      prompt: 'Do the thing.', cwd: env.workspace, codexPath: CODEX, model: 'gpt-5-codex', bypassApprovals: true,
      extraArgs: env.extraArgs, extraEnv: env.extraEnv, killGraceMs: 1000,
      ...rest,
      onEvent: (e) => {
        events.push(e);
        onEvent?.(e, server.port);
      },
    });
    const result = mode === 'in-process runner'
      ? await runCodex(runOpts)
      : await startDetached(runOpts, { runDir: path.join(tempDir('cs-run-'), 'run-1'), hostScript: HOST });
    assert.ok(result, 'the run ended (not detached)');
    const ms = Date.now() - started;
    const failure = classifyFailure(result.state, result);
    return { result, failure, ms, port: server.port, events, requests: server.requests.length };
  }

  function note(name: string, o: Outcome): void {
    figures.push(`${mode}: ${name}: ${o.result.state.status} / ${o.failure?.kind ?? '-'} (${o.result.reason}) in ${(o.ms / 1000).toFixed(1)} s, ${o.requests} request(s); "${o.failure?.detail.split('\n')[0]?.slice(0, 100) ?? ''}"`);
  }

  /** Nothing of the run is left: no tracked pid alive, no process naming the fake server's port or the marker. */
  async function nothingLeft(o: Outcome, marker?: string): Promise<void> {
    assert.ok(await eventually(() => o.result.pids.filter(isAlive).length === 0), `tracked pids alive: ${o.result.pids.filter(isAlive).join(',')}`);
    assert.ok(await eventually(() => processesMatching(`127.0.0.1:${o.port}`).length === 0), `codex left: ${processesMatching(`127.0.0.1:${o.port}`).join(',')}`);
    if (marker) assert.ok(await eventually(() => processesMatching(marker).length === 0), `children left: ${processesMatching(marker).join(',')}`);
  }

  it('the server stops answering after a first command: the idle timeout ends the task', async () => {
    const marker = `echo idle-${process.pid}`;
    const o = await run([[execCommand(marker, { callId: 'c1' })], { hang: true }], { idleTimeoutMs: 2500, provider: { streamIdleTimeoutMs: 120_000 } });
    note('server stops answering', o);
    assert.equal(o.result.state.status, 'failed');
    assert.equal(o.result.reason, 'idle_timeout');
    assert.equal(o.failure?.kind, 'timeout');
    assert.match(o.failure?.detail ?? '', /printed nothing for 3 s \(idle timeout\)/);
    assert.ok(o.result.state.items.some((i) => i.type === 'command_execution' && i.status === 'completed'), 'the first command is kept');
    assert.equal(o.requests, 2);
    await nothingLeft(o, marker);
  });

  it('the server closes the connection mid-stream: the task fails with the transport error, kind server', async () => {
    const o = await run([{ dropMidStream: [assistantMessage('half an answer')] }], { timeoutMs: 60_000 });
    note('connection closed mid-stream', o);
    assert.equal(o.result.state.status, 'failed');
    assert.equal(o.failure?.kind, 'server');
    assert.match(o.failure?.detail ?? '', /stream disconnected before completion/);
    await nothingLeft(o);
  });

  it('the server cuts every stream and codex reconnects until it gives up: retries shown, then a server failure', async () => {
    const o = await run(() => ({ dropMidStream: [assistantMessage('again half an answer')] }), { timeoutMs: 60_000, provider: { streamMaxRetries: 2 } });
    note('every stream cut, 2 reconnects', o);
    assert.equal(o.result.state.status, 'failed');
    assert.equal(o.failure?.kind, 'server');
    assert.equal(o.requests, 3, 'one request and two reconnects');
    assert.ok(o.result.state.errors.filter((e) => /Reconnecting\.\.\. [12]\/2/.test(e)).length === 2, o.result.state.errors.join(' | '));
    assert.match(o.failure?.detail ?? '', /stream disconnected before completion/);
    await nothingLeft(o);
  });

  it('the server answers 500 until codex gives up (its own retry limit): the task fails, kind server', async () => {
    const o = await run(() => ({ status: 500 }), { timeoutMs: 60_000, provider: { requestMaxRetries: 2 } });
    note('500 until codex gives up', o);
    assert.equal(o.result.state.status, 'failed');
    assert.equal(o.result.reason, 'exit');
    assert.equal(o.failure?.kind, 'server');
    assert.match(o.failure?.detail ?? '', /high demand|500|server/i);
    assert.equal(o.requests, 3, 'one request and two retries');
    await nothingLeft(o);
  });

  it('the server answers 500 forever and codex retries without end: the hard timeout ends the task', async () => {
    const o = await run(() => ({ status: 500 }), { timeoutMs: 6000, provider: { requestMaxRetries: 1000, streamMaxRetries: 1000 } });
    note('500 forever', o);
    assert.equal(o.result.state.status, 'failed');
    assert.equal(o.result.reason, 'timeout');
    assert.equal(o.failure?.kind, 'timeout');
    assert.match(o.failure?.detail ?? '', /longer than 6 s \(timeout\)/);
    assert.ok(o.requests >= 3, `codex kept retrying: ${o.requests} requests`);
    assert.ok(o.ms < 6000 + 3 * 1000 + 2000, `ended within the timeout and the kill grace: ${o.ms} ms`);
    await nothingLeft(o);
  });

  /** Once a command with `marker` really runs (it is in the process table), calls `then`. */
  function whenRunning(marker: string, then: () => void): (e: ThreadEvent) => void {
    let armed = true;
    return (e) => {
      if (armed && e.type === 'item.started' && e.item.type === 'command_execution') {
        armed = false;
        void eventually(() => processesMatching(marker).length > 0, 10_000).then(then);
      }
    };
  }

  it('codex is killed with SIGKILL mid-turn: crashed, its command is not left running', async () => {
    const marker = `sleep 91.${process.pid}`;
    let killed: number[] = [];
    let onEvent: ((e: ThreadEvent) => void) | undefined;
    const o = await run([[execCommand(marker, { callId: 'long', yieldTimeMs: 30_000 })]], {
      timeoutMs: 60_000,
      onEvent: (e, port) => {
        onEvent ??= whenRunning(marker, () => {
          killed = processesMatching(`127.0.0.1:${port}`);
          for (const pid of killed) process.kill(pid, 'SIGKILL');
        });
        onEvent(e);
      },
    });
    note('codex SIGKILLed', o);
    assert.ok(killed.length > 0, 'codex was found and killed');
    assert.equal(o.result.state.status, 'failed');
    assert.equal(o.result.signal, 'SIGKILL');
    assert.equal(o.failure?.kind, 'crash');
    assert.match(o.failure?.detail ?? '', /codex was killed by SIGKILL/);
    assert.equal(o.failure?.title, 'codex crashed');
    await nothingLeft(o, marker);
  });

  if (mode !== 'in-process runner') {
    it('the task host is killed with SIGKILL mid-command: interrupted, and the follower stops the codex it left behind', async () => {
      const marker = `sleep 94.${process.pid}`;
      const server = await fakeServer([[execCommand(marker, { callId: 'long', yieldTimeMs: 30_000 })]]);
      const env = codexEnv(server);
      const runDir = path.join(tempDir('cs-run-'), 'run-1');
      const opts = await prepareRun({ prompt: 'Run long.', cwd: env.workspace, codexPath: CODEX, model: 'gpt-5-codex', bypassApprovals: true, extraArgs: env.extraArgs, extraEnv: env.extraEnv, killGraceMs: 1000 });
      const started = Date.now();
      const running = startDetached(opts, { runDir, hostScript: HOST });
      assert.ok(await eventually(() => processesMatching(marker).length > 0, 30_000), 'the command runs');
      const hostPid = Number(readFileSync(path.join(runDir, 'host.pid'), 'utf8'));
      process.kill(hostPid, 'SIGKILL');
      const result = await running;
      assert.ok(result);
      const o: Outcome = { result, failure: classifyFailure(result.state, result), ms: Date.now() - started, port: server.port, events: [], requests: server.requests.length };
      note('task host SIGKILLed', o);
      assert.equal(result.state.status, 'incomplete');
      assert.equal(result.reason, 'end_of_input');
      assert.match(result.state.errors.at(-1) ?? '', /interrupted: its process ended without reporting how/);
      assert.ok(result.pids.length >= 2, `codex and its command were found: ${result.pids.join(',')}`);
      await nothingLeft(o, marker);
    });
  }

  it('a command ignores SIGTERM and the user stops the task: cancelled, the command is killed', async () => {
    const marker = `sleep 92.${process.pid}`;
    const controller = new AbortController();
    const o = await run([[execCommand(`trap '' TERM INT HUP; ${marker}; echo survived`, { callId: 'stubborn', yieldTimeMs: 30_000 })]], {
      signal: controller.signal,
      onEvent: whenRunning(marker, () => controller.abort()),
    });
    note('command ignores SIGTERM, user stops', o);
    assert.equal(o.result.state.status, 'cancelled');
    assert.equal(o.result.reason, 'cancelled');
    assert.equal(o.failure?.kind, 'cancelled');
    assert.ok(o.ms < 30_000);
    await nothingLeft(o, marker);
  });

  it('a command prints 300 MB: codex caps it, the task completes with the end of the output, memory bounded', async () => {
    const marker = `flood-${process.pid}`;
    const peak = rssSampler();
    try {
      const o = await run([[execCommand(`yes ${marker} | head -c 300000000; echo done-${marker}`, { callId: 'flood', yieldTimeMs: 60_000 })], [assistantMessage('Flooded.')]], { timeoutMs: 100_000 });
      note('a command prints 300 MB', o);
      assert.equal(o.result.state.status, 'completed');
      const cmd = o.result.state.items.find((i) => i.type === 'command_execution');
      assert.ok(cmd?.type === 'command_execution' && cmd.exit_code === 0);
      assert.ok(cmd.aggregated_output.length < 4_000_000, `output kept: ${cmd.aggregated_output.length}`);
      assert.match(cmd.aggregated_output, new RegExp(`done-${marker}\\n?$`));
      const grew = peak.stop();
      figures.push(`${mode}: 300 MB command: ${cmd.aggregated_output.length} chars kept, RSS +${(grew / 1e6).toFixed(0)} MB`);
      assert.ok(grew < 200e6, `RSS grew by ${grew}`);
      await nothingLeft(o, marker);
    } finally {
      peak.stop();
    }
  });

  it('codex floods its own stdout (40 commands of 1 MB each in one turn): every item arrives, memory bounded', async () => {
    const marker = `flood2-${process.pid}`;
    const rounds = 40;
    const peak = rssSampler();
    try {
      const o = await run(
        (_req, i) => (i < rounds ? [execCommand(`yes ${marker}-${i} | head -c 1100000; echo end-${i}`, { callId: `f${i}`, yieldTimeMs: 30_000 })] : [assistantMessage('All done.')]),
        { timeoutMs: 100_000, idleTimeoutMs: 30_000 },
      );
      note(`${rounds} × 1 MB commands`, o);
      assert.equal(o.result.state.status, 'completed');
      const cmds = o.result.state.items.filter((i) => i.type === 'command_execution');
      assert.equal(cmds.length, rounds);
      cmds.forEach((c, i) => {
        assert.ok(c.type === 'command_execution' && c.exit_code === 0 && c.aggregated_output.includes(`end-${i}`), `command ${i}`);
      });
      const bytes = o.events.reduce((n, e) => n + (e.type === 'item.completed' && e.item.type === 'command_execution' ? e.item.aggregated_output.length : 0), 0);
      const grew = peak.stop();
      figures.push(`${mode}: ${rounds} × 1 MB commands: ${(bytes / 1e6).toFixed(0)} MB of output through codex's stdout, RSS +${(grew / 1e6).toFixed(0)} MB`);
      assert.ok(bytes > rounds * 1e6);
      assert.ok(grew < 400e6, `RSS grew by ${grew}`);
      await nothingLeft(o, marker);
    } finally {
      peak.stop();
    }
  });
});

/** Samples this process's RSS every 50 ms; `stop` returns the peak growth in bytes. */
function rssSampler(): { stop(): number } {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss) - base;
    },
  };
}
