import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkInstallation, type HealthInput } from '../../../src/node/health';
import { summarizeHealth, updateCommandFor } from '../../../src/node/healthState';
import { writeFakeCodex } from './fakeCodexScript';

// Real reports from checkInstallation (fake codex scripts on a temp PATH), summarized as the editor shows them.
describe('what the editor shows for a health report', () => {
  let dir: string;
  let home: string;
  const bin = (): string => path.join(dir, 'bin');
  const input = (over: Partial<HealthInput> = {}): HealthInput => ({ env: { PATH: `${bin()}:/usr/bin:/bin`, CODEX_HOME: home }, platform: 'linux', homedir: dir, ...over });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cs-health-state-'));
    home = path.join(dir, 'codex-home');
    mkdirSync(home);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('ok: a check mark and the version, no notification', async () => {
    writeFakeCodex(bin());
    writeFileSync(path.join(home, 'auth.json'), '{}');
    const s = summarizeHealth(await checkInstallation(input()));
    assert.deepEqual([s.state, s.statusText, s.warning, s.notification], ['ok', '$(check) Codex 0.169.0', false, null]);
    assert.match(s.tooltip, /sign-in: Signed in with ChatGPT/);
  });

  it('missing: install actions, Homebrew only on macOS', async () => {
    const linux = summarizeHealth(await checkInstallation(input({ env: { PATH: path.join(dir, 'nowhere') } })));
    assert.equal(linux.state, 'missing');
    assert.equal(linux.statusText, '$(warning) Codex not found');
    assert.deepEqual(linux.notification?.actions, ['installNpm', 'downloadRelease', 'setPath']);
    assert.match(linux.notification!.message, /^Codex CLI not found\. codex was not found on PATH/);
    const mac = summarizeHealth(await checkInstallation(input({ env: { PATH: path.join(dir, 'nowhere') }, platform: 'darwin' })));
    assert.deepEqual(mac.notification?.actions, ['installNpm', 'installBrew', 'downloadRelease', 'setPath']);
  });

  it('broken: the exact error in the tooltip and the notification', async () => {
    writeFakeCodex(bin(), { version: '  echo "dyld: Library not loaded: libssl.3.dylib" >&2; exit 134' });
    const s = summarizeHealth(await checkInstallation(input()));
    assert.equal(s.state, 'broken');
    assert.match(s.tooltip, /exit(ed)? (with )?(code )?134[\s\S]*Library not loaded: libssl\.3\.dylib/);
    assert.equal(s.notification?.severity, 'error');
    assert.ok(s.notification?.message.includes('Library not loaded: libssl.3.dylib'));

    const text = path.join(dir, 'codex.txt');
    writeFileSync(text, 'not a program');
    chmodSync(text, 0o644);
    const notExecutable = summarizeHealth(await checkInstallation(input({ configuredPath: text })));
    assert.equal(notExecutable.state, 'missing');
    assert.match(notExecutable.notification!.message, /codexSessions\.path does not work\. The configured codex path is not an executable file/);
    assert.deepEqual(notExecutable.notification?.actions, ['setPath', 'installNpm', 'downloadRelease'], 'the setting first');
  });

  it('too old to run (0.10.0) and older than recommended (0.30.0): Update first', async () => {
    writeFakeCodex(bin(), { version: '  echo "codex-cli 0.10.0"' });
    writeFileSync(path.join(home, 'auth.json'), '{}');
    const old = summarizeHealth(await checkInstallation(input()));
    assert.deepEqual([old.state, old.statusText, old.notification?.severity, old.notification?.actions[0]], ['unsupported', '$(warning) Codex 0.10.0', 'error', 'update']);
    assert.match(old.tooltip, /Update: npm install -g @openai\/codex@latest$/);
    writeFakeCodex(bin(), { version: '  echo "codex-cli 0.30.0"' });
    const outdated = summarizeHealth(await checkInstallation(input()));
    assert.deepEqual([outdated.state, outdated.notification?.severity, outdated.notification?.actions[0]], ['outdated', 'warning', 'update']);
  });

  it('signed out: Sign In and Use an API Key; a stored key or CODEX_API_KEY counts as signed in', async () => {
    writeFakeCodex(bin());
    const out = summarizeHealth(await checkInstallation(input()));
    assert.deepEqual([out.state, out.statusText, out.notification?.actions], ['signedOut', '$(account) Codex 0.169.0: sign in', ['signIn', 'useApiKey']]);
    assert.equal(summarizeHealth(await checkInstallation(input({ hasStoredKey: true }))).state, 'ok');
    assert.equal(summarizeHealth(await checkInstallation(input({ env: { PATH: `${bin()}:/usr/bin:/bin`, CODEX_HOME: home, CODEX_API_KEY: 'k' } }))).state, 'ok');
  });

  it('updates a Homebrew install with brew, anything else with npm', () => {
    assert.equal(updateCommandFor('/opt/homebrew/bin/codex'), 'brew upgrade codex');
    assert.equal(updateCommandFor('/usr/local/Cellar/codex/0.44.0/bin/codex'), 'brew upgrade codex');
    assert.equal(updateCommandFor('/home/me/.npm-global/bin/codex'), 'npm install -g @openai/codex@latest');
    assert.equal(updateCommandFor(null), 'npm install -g @openai/codex@latest');
  });
});
