import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { candidatePaths, locateCodex, probeCodexVersion } from '../../../src/node/codexLocator';

describe('locating codex', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'cs-locate-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fakeCodex = (folder: string, script = '#!/bin/sh\necho "codex-cli 0.169.0"\n'): string => {
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, 'codex');
    writeFileSync(file, script);
    chmodSync(file, 0o755);
    return file;
  };

  it('tries PATH first, in order, then the usual install places', () => {
    const c = candidatePaths({ env: { PATH: '/a:/b' }, platform: 'linux', homedir: '/home/u' }).map((x) => `${x.source}:${x.path}`);
    assert.deepEqual(c.slice(0, 3), ['PATH:/a/codex', 'PATH:/b/codex', 'well-known:/home/u/.local/bin/codex']);
    assert.ok(c.includes('well-known:/opt/homebrew/bin/codex'));
  });

  it('prefers the native codex.exe to the npm .cmd shim on Windows', () => {
    const c = candidatePaths({ env: { Path: 'C:\\npm', APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, platform: 'win32', homedir: 'C:\\Users\\u' }).map((x) => x.path);
    assert.ok(c.every((p) => p.endsWith('.exe')));
    assert.ok(c.includes('C:\\npm\\node_modules\\@openai\\codex-win32-x64\\vendor\\x86_64-pc-windows-msvc\\codex\\codex.exe'));
    assert.ok(c.includes('C:\\Users\\u\\AppData\\Roaming\\npm\\codex.exe'));
  });

  it('finds an executable on PATH and skips non-executable files', async () => {
    writeFileSync(path.join(dir, 'codex'), 'not executable');
    const good = fakeCodex(path.join(dir, 'bin'));
    const r = await locateCodex({ env: { PATH: `${dir}:${path.join(dir, 'bin')}` }, platform: 'linux', homedir: dir });
    assert.deepEqual(r, { found: true, path: good, source: 'PATH' });
  });

  it('uses the configured path as is, and says so when it is wrong', async () => {
    const good = fakeCodex(dir);
    assert.deepEqual(await locateCodex({ configuredPath: good, env: {}, platform: 'linux', homedir: dir }), { found: true, path: good, source: 'setting' });
    const bad = await locateCodex({ configuredPath: path.join(dir, 'nope'), env: {}, platform: 'linux', homedir: dir });
    assert.equal(bad.found, false);
    assert.match(!bad.found ? bad.reason : '', /not an executable file/);
  });

  it('reports not found with the places it tried', async () => {
    const r = await locateCodex({ env: { PATH: dir }, platform: 'linux', homedir: dir });
    assert.equal(r.found, false);
    assert.ok(!r.found && r.tried.includes(path.join(dir, 'codex')));
  });

  it('reads the version, and explains a broken or silent binary', async () => {
    const ok = await probeCodexVersion(fakeCodex(dir), { PATH: process.env.PATH });
    assert.ok(ok.ok && ok.version.raw === '0.169.0');
    const broken = await probeCodexVersion(fakeCodex(path.join(dir, 'b'), '#!/bin/sh\necho boom >&2\nexit 3\n'), { PATH: process.env.PATH });
    assert.ok(!broken.ok && /boom|exit code 3/.test(broken.error), JSON.stringify(broken));
    const slow = await probeCodexVersion(fakeCodex(path.join(dir, 's'), '#!/bin/sh\nsleep 5\n'), { PATH: process.env.PATH }, 300);
    assert.ok(!slow.ok && /did not answer/.test(slow.error));
  });
});
