import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { classifyFailure } from '../../src/core/failure';
import { detectAuth, probeLoginFlags, runLoginStatus } from '../../src/node/auth';
import { checkInstallation, checkVersion } from '../../src/node/health';
import { runTask } from '../../src/node/codexTask';
import { codexProviderArgs } from './fakeModelServer';
import { CODEX, cleanup, codexEnv, fakeServer, tempDir } from './harness';

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** An auth.json of the ChatGPT shape with made-up tokens (a JWT codex can decode, signed by nobody). */
function fakeChatGptAuth(codexHome: string): void {
  const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const jwt = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ email: 'dev@example.invalid', exp: now + 86400, iat: now, 'https://api.openai.com/auth': { chatgpt_plan_type: 'plus', chatgpt_account_id: 'acct-fake' } })}.c2ln`;
  const auth = { auth_mode: 'chatgpt', OPENAI_API_KEY: null, tokens: { id_token: jwt, access_token: jwt, refresh_token: 'fake', account_id: 'acct-fake' }, last_refresh: new Date().toISOString() };
  writeFileSync(path.join(codexHome, 'auth.json'), JSON.stringify(auth), { mode: 0o600 });
}

describe('health, sign-in and failures with the real codex binary', function () {
  this.timeout(120_000);
  afterEach(cleanup);
  const env = (): Record<string, string | undefined> => ({ PATH: process.env.PATH, HOME: tempDir('cs-user-') });

  it('codex login status: logged out, an API key saved by codex login, ChatGPT', async () => {
    const home = tempDir('cs-home-');
    assert.deepEqual(await runLoginStatus(CODEX, env(), home), { state: 'logged-out' });
    // OPENAI_API_KEY in the environment does not count as signed in.
    assert.deepEqual(await runLoginStatus(CODEX, { ...env(), OPENAI_API_KEY: 'sk-env' }, home), { state: 'logged-out' });
    execFileSync(CODEX, ['login', '--with-api-key'], { input: 'sk-fake-key-for-tests-1234', env: { ...env(), CODEX_HOME: home }, stdio: ['pipe', 'ignore', 'ignore'] });
    assert.deepEqual(await runLoginStatus(CODEX, env(), home), { state: 'api-key' });
    const chatgpt = tempDir('cs-home-');
    fakeChatGptAuth(chatgpt);
    const version = await checkVersion(CODEX, env());
    assert.ok(version.ok);
    const a = await detectAuth({ env: env(), codexHome: chatgpt, codexPath: CODEX, version: version.version });
    assert.deepEqual([a.method, a.confirmed], ['chatgpt', true]);
  });

  it('codex login --help lists the device-code flow', async () => {
    assert.deepEqual(await probeLoginFlags(CODEX, env()), { deviceAuth: true, withApiKey: true, status: true });
  });

  it('checks the installation: found, 0.169 supported, not signed in, an empty CODEX_HOME', async () => {
    const home = tempDir('cs-home-');
    const r = await checkInstallation({ configuredPath: CODEX, env: { ...env(), CODEX_HOME: home }, platform: process.platform, homedir: os.homedir() });
    assert.ok(r.codex.found && r.codex.source === 'setting');
    assert.ok(r.version?.ok && r.version.version.raw === '0.169.0', JSON.stringify(r.version));
    assert.equal(r.assessment?.status, 'ok');
    assert.deepEqual([r.auth.method, r.auth.confirmed], ['none', true]);
    assert.deepEqual([r.codexHome.exists, r.codexHome.sessions], [true, 0]);
    assert.equal(r.ready, false);
  });

  it('classifies a real offline run (closed port) as a network problem, not a bare timeout', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const codexHome = tempDir('cs-home-');
    const r = await runTask({
      prompt: 'Say hi.', cwd: tempDir('cs-ws-'), codexPath: CODEX, model: 'gpt-5.5', extraArgs: codexProviderArgs({ url }),
      extraEnv: { OPENAI_API_KEY: 'sk-test', CODEX_HOME: codexHome, HOME: tempDir('cs-user-') }, timeoutMs: 6000, killGraceMs: 1000,
    });
    assert.equal(r.reason, 'timeout');
    assert.ok(r.state.errors.some((m) => /waiting for network|error sending request/.test(m)), r.state.errors.join('\n'));
    const f = classifyFailure(r.state, r);
    assert.equal(f?.kind, 'network', f?.detail);
  });

  for (const [name, turn, kind] of [
    ['a 401', { status: 401 }, 'auth'],
    ['a model that does not exist (404)', { status: 404, body: JSON.stringify({ error: { message: 'The model `gpt-9` does not exist or you do not have access to it.', type: 'invalid_request_error', param: null, code: 'model_not_found' } }) }, 'model'],
    ['a rate limit with a retry hint (response.failed)', { failed: { code: 'rate_limit_exceeded', message: 'Rate limit reached for gpt-5.5. Please try again in 11.054s.' } }, 'rate_limit'],
  ] as const) {
    it(`classifies ${name} from the real CLI's output`, async () => {
      const server = await fakeServer([turn]);
      const e = codexEnv(server);
      const r = await runTask({ prompt: 'Say hi.', cwd: e.workspace, codexPath: CODEX, model: 'gpt-5.5', extraArgs: e.extraArgs, extraEnv: e.extraEnv, timeoutMs: 60_000 });
      const f = classifyFailure(r.state, { ...r, knownSecrets: ['sk-test'] });
      assert.equal(f?.kind, kind, f?.detail);
      assert.ok(!f.detail.includes('sk-test'));
      if (kind === 'rate_limit') assert.equal(f.retryAfterSeconds, 12);
    });
  }
});
