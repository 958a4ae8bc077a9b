import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCliVersion } from '../../../src/core/version';
import { detectAuth, type AuthInput } from '../../../src/node/auth';
import { STATUS_0_169, writeFakeCodex } from './fakeCodexScript';

const V169 = parseCliVersion('0.169.0');

describe('detecting how codex will authenticate', () => {
  let dir: string;
  let home: string;
  const base = { PATH: process.env.PATH };
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cs-auth-'));
    home = path.join(dir, 'codex-home');
    mkdirSync(home);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const calls = (): string[] => readFileSync(path.join(dir, 'bin', 'calls.log'), 'utf8').split('\n').filter(Boolean);
  const input = (over: Partial<AuthInput> = {}, loginStatus?: string): AuthInput => ({ env: base, codexHome: home, codexPath: writeFakeCodex(path.join(dir, 'bin'), { loginStatus }), version: V169, ...over });
  const storeAuthFile = (): void => writeFileSync(path.join(home, 'auth.json'), '{"placeholder":true}', { mode: 0o600 });

  it('CODEX_API_KEY wins, from the environment or from codexSessions.env, without running codex', async () => {
    const fromEnv = await detectAuth(input({ env: { ...base, CODEX_API_KEY: 'sk-x' } }));
    assert.deepEqual([fromEnv.method, fromEnv.variable, fromEnv.origin, fromEnv.confirmed], ['env-key', 'CODEX_API_KEY', 'environment', false]);
    assert.ok(!fromEnv.detail.includes('sk-x'));
    const fromSetting = await detectAuth(input({ extraEnv: { CODEX_API_KEY: 'sk-y' }, hasStoredKey: true }));
    assert.deepEqual([fromSetting.method, fromSetting.origin], ['env-key', 'codexSessions.env']);
    assert.deepEqual(calls(), []);
  });

  it('an empty value in codexSessions.env unsets the variable', async () => {
    const a = await detectAuth(input({ env: { ...base, CODEX_API_KEY: 'sk-x' }, extraEnv: { CODEX_API_KEY: '' } }));
    assert.equal(a.method, 'none');
  });

  it('a key stored by the extension comes next', async () => {
    const a = await detectAuth(input({ hasStoredKey: true }));
    assert.equal(a.method, 'stored-key');
    assert.deepEqual(calls(), []);
  });

  it('runs codex login status with CODEX_HOME set: ChatGPT', async () => {
    storeAuthFile();
    const a = await detectAuth(input());
    assert.deepEqual([a.method, a.confirmed, a.authFile, a.loginStatus], ['chatgpt', true, true, { state: 'chatgpt' }]);
    assert.deepEqual(calls(), [`login status CODEX_HOME=${home}`]);
  });

  it('an API key saved by codex login, without repeating even the masked key', async () => {
    storeAuthFile();
    const a = await detectAuth(input({}, STATUS_0_169.apiKey));
    assert.deepEqual([a.method, a.confirmed], ['api-key-file', true]);
    assert.ok(!/sk-|p1234/.test(JSON.stringify(a)));
  });

  it('logged out: none, or OPENAI_API_KEY with the caveat that 0.169 does not send it to the OpenAI provider', async () => {
    const none = await detectAuth(input());
    assert.deepEqual([none.method, none.confirmed, none.loginStatus], ['none', true, { state: 'logged-out' }]);
    const openai = await detectAuth(input({ env: { ...base, OPENAI_API_KEY: 'sk-x' } }));
    assert.deepEqual([openai.method, openai.variable, openai.origin], ['env-key', 'OPENAI_API_KEY', 'environment']);
    assert.match(openai.warning ?? '', /CODEX_API_KEY/);
  });

  it('when login status fails, falls back to the presence of auth.json', async () => {
    storeAuthFile();
    const a = await detectAuth(input({}, STATUS_0_169.corrupt));
    assert.deepEqual([a.method, a.confirmed, a.loginStatus?.state], ['api-key-file', false, 'error']);
    assert.match(a.detail, /failed to deserialize/);
    rmSync(path.join(home, 'auth.json'));
    const unknown = await detectAuth(input({}, STATUS_0_169.corrupt));
    assert.equal(unknown.method, 'unknown');
  });

  it('a login status that hangs is cut off by the timeout', async () => {
    const started = Date.now();
    const a = await detectAuth(input({ timeoutMs: 300 }, 'sleep 5'));
    assert.ok(Date.now() - started < 3000);
    assert.equal(a.method, 'unknown');
    assert.match(a.detail, /did not answer within 0\.3 s/);
  });

  it('does not run codex login on an unknown or unsupported version, only checks auth.json', async () => {
    for (const version of [null, parseCliVersion('0.0.2505291458'), parseCliVersion('0.8.0')]) {
      storeAuthFile();
      const a = await detectAuth(input({ version }));
      assert.deepEqual([a.method, a.confirmed, a.loginStatus], ['api-key-file', false, undefined]);
      rmSync(path.join(home, 'auth.json'));
      assert.equal((await detectAuth(input({ version }))).method, 'none');
    }
    assert.deepEqual(calls(), []);
  });

  it('a missing CODEX_HOME is reported, and codex is not asked (it would refuse the folder)', async () => {
    const a = await detectAuth(input({ codexHome: path.join(dir, 'missing') }));
    assert.equal(a.method, 'none');
    assert.match(a.detail, /does not exist yet/);
    assert.deepEqual(calls(), []);
  });
});
