import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ThreadReducer } from '../../src/core/threadReducer';
import { prepareRun } from '../../src/node/codexTask';
import { followRun, startDetached } from '../../src/node/detachedRun';
import { isAlive } from '../../src/node/processTree';
import { assistantMessage, execCommand } from './fakeModelServer';
import { CODEX, REPO, cleanup, codexEnv, eventually, fakeServer, processesMatching, tempDir } from './harness';

const HOST = path.join(REPO, 'dist', 'taskHost.cjs');

describe('detached runs survive the follower (window reload) and never outlive the editor', function () {
  this.timeout(120_000);
  afterEach(cleanup);

  it('re-attaches after the follower went away, catching up from the file and following to the end', async () => {
    const marker = `sleep 3.${process.pid}1`;
    const server = await fakeServer([[assistantMessage('Starting.'), execCommand(marker, { callId: 'slow', yieldTimeMs: 30_000 })], [assistantMessage('Finished after the reload.')]]);
    const env = codexEnv(server);
    const runDir = path.join(tempDir('cs-run-'), 'run-1');
    const opts = await prepareRun({ prompt: 'Do a slow thing.', cwd: env.workspace, codexPath: CODEX, model: 'gpt-5-codex', bypassApprovals: true, extraArgs: env.extraArgs, extraEnv: env.extraEnv });
    const detach = new AbortController();
    const first = startDetached(opts, { runDir, hostScript: HOST }, detach.signal);
    assert.ok(await eventually(() => processesMatching(marker).length > 0, 30_000), 'the command runs');
    detach.abort(); // the extension host goes away mid-command
    assert.equal(await first, null);
    assert.ok(processesMatching(marker).length > 0, 'codex kept running without a follower');

    const reducer = new ThreadReducer();
    const again = await followRun(runDir, { ...opts, reducer });
    assert.ok(again);
    assert.equal(again.state.status, 'completed');
    const texts = again.state.items.filter((i) => i.type === 'agent_message').map((i) => (i.type === 'agent_message' ? i.text : ''));
    assert.deepEqual(texts, ['Starting.', 'Finished after the reload.']);
    assert.ok(again.state.items.some((i) => i.type === 'command_execution' && i.exit_code === 0));
    assert.equal(JSON.parse(readFileSync(path.join(runDir, 'status.json'), 'utf8')).state, 'exited');
  });

  it('stops codex when the lease is not renewed (the editor closed), leaving nothing behind', async () => {
    const marker = `sleep 91.${process.pid}2`;
    const server = await fakeServer([[execCommand(marker, { callId: 'long', yieldTimeMs: 30_000 })]]);
    const env = codexEnv(server);
    const runDir = path.join(tempDir('cs-run-'), 'run-1');
    const opts = await prepareRun({ prompt: 'Run long.', cwd: env.workspace, codexPath: CODEX, model: 'gpt-5-codex', bypassApprovals: true, extraArgs: env.extraArgs, extraEnv: env.extraEnv, killGraceMs: 1000 });
    const detach = new AbortController();
    const run = startDetached(opts, { runDir, hostScript: HOST, leaseMs: 2000 }, detach.signal);
    assert.ok(await eventually(() => processesMatching(marker).length > 0, 30_000));
    detach.abort();
    await run;
    const hostPid = Number(readFileSync(path.join(runDir, 'host.pid'), 'utf8'));
    assert.ok(await eventually(() => processesMatching(marker).length === 0 && !isAlive(hostPid), 15_000), `left: ${processesMatching(marker).join(',')}`);
    assert.deepEqual(processesMatching(`127.0.0.1:${server.port}`), []);
    const status = JSON.parse(readFileSync(path.join(runDir, 'status.json'), 'utf8')) as { state: string };
    assert.ok(['orphaned', 'running'].includes(status.state));
    const after = await followRun(runDir, { ...opts, reducer: new ThreadReducer() });
    assert.ok(after && ['cancelled', 'incomplete'].includes(after.state.status));
  });

  it('passes an API key to codex through the host environment, never through the spec file', async () => {
    const key = `sk-detached-${process.pid}-0123456789abcdef`;
    const server = await fakeServer([[assistantMessage('Authenticated.')]]);
    const env = codexEnv(server);
    // A provider that authenticates like codex's own OpenAI provider: CODEX_API_KEY, no env_key.
    const extraArgs = env.extraArgs.map((a) => a.replace('env_key="OPENAI_API_KEY"', 'requires_openai_auth=true'));
    const extraEnv: Record<string, string> = { CODEX_HOME: env.codexHome, HOME: env.extraEnv.HOME!, CODEX_API_KEY: key };
    const runDir = path.join(tempDir('cs-run-'), 'run-1');
    const opts = await prepareRun({ prompt: 'Who am I?', cwd: env.workspace, codexPath: CODEX, model: 'gpt-5-codex', bypassApprovals: true, extraArgs, extraEnv: { ...extraEnv, OPENAI_API_KEY: '' } });
    delete opts.env.OPENAI_API_KEY;
    const r = await startDetached(opts, { runDir, hostScript: HOST });
    assert.equal(r?.state.status, 'completed');
    assert.deepEqual(server.requests.map((q) => q.authorization), [`Bearer ${key}`]);
    const spec = readFileSync(path.join(runDir, 'spec.json'), 'utf8');
    assert.ok(!spec.includes(key), 'the key is not on disk');
    assert.ok((JSON.parse(spec) as { envFromHost: string[] }).envFromHost.includes('CODEX_API_KEY'));
  });

  it('stops a detached run on request: SIGINT to its group, then the rest', async () => {
    const marker = `sleep 92.${process.pid}3`;
    const server = await fakeServer([[execCommand(marker, { callId: 'long', yieldTimeMs: 30_000 })]]);
    const env = codexEnv(server);
    const runDir = path.join(tempDir('cs-run-'), 'run-1');
    const controller = new AbortController();
    const opts = await prepareRun({ prompt: 'Run long.', cwd: env.workspace, codexPath: CODEX, model: 'gpt-5-codex', bypassApprovals: true, extraArgs: env.extraArgs, extraEnv: env.extraEnv, signal: controller.signal, killGraceMs: 1000 });
    const run = startDetached(opts, { runDir, hostScript: HOST });
    assert.ok(await eventually(() => processesMatching(marker).length > 0, 30_000));
    controller.abort();
    const r = await run;
    assert.equal(r?.state.status, 'cancelled');
    assert.ok(await eventually(() => processesMatching(marker).length === 0));
    assert.deepEqual(processesMatching(`127.0.0.1:${server.port}`), []);
  });
});
