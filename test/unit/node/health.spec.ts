import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBriefly } from '../../../src/node/briefRun';
import { checkInstallation, checkVersion, codexHomeFor, type HealthInput } from '../../../src/node/health';
import { formatHealthReport } from '../../../src/node/healthReport';
import { listSessionFiles } from '../../../src/node/sessionFiles';
import { corpusAvailable } from '../../helpers/corpus';
import { makeCorpusCodexHome } from '../../helpers/codexHome';
import { writeFakeCodex } from './fakeCodexScript';

describe('checking the installation', () => {
  let dir: string;
  let home: string;
  const env = (extra: Record<string, string> = {}): Record<string, string | undefined> => ({ PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`, CODEX_HOME: home, ...extra });
  const input = (over: Partial<HealthInput> = {}): HealthInput => ({ env: env(), platform: 'linux', homedir: dir, ...over });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cs-health-'));
    home = path.join(dir, 'codex-home');
    mkdirSync(home);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a working 0.169 signed in with ChatGPT: ready, with where it was found and how long each step took', async () => {
    writeFakeCodex(path.join(dir, 'bin'));
    writeFileSync(path.join(home, 'auth.json'), '{}');
    const r = await checkInstallation(input());
    assert.ok(r.codex.found && r.codex.source === 'PATH' && r.codex.path === path.join(dir, 'bin', 'codex'));
    assert.ok(r.version?.ok && r.version.version.raw === '0.169.0');
    assert.equal(r.assessment?.status, 'ok');
    assert.equal(r.auth.method, 'chatgpt');
    assert.deepEqual(r.codexHome, { path: home, source: 'CODEX_HOME', exists: true, sessions: 0, archivedSessions: 0 });
    assert.deepEqual(r.problems, []);
    assert.equal(r.ready, true);
    for (const k of ['locate', 'version', 'auth', 'sessions', 'total'] as const) assert.ok(r.timings[k] >= 0, k);
    assert.ok(r.timings.total >= r.timings.version);
    const md = formatHealthReport(r);
    assert.match(md, /^# Codex installation check\n\nReady: tasks can run\./);
    assert.match(md, /\| codex \| `[^`]+\/bin\/codex` \(found on PATH\) \|/);
    assert.match(md, /\| version \| 0\.169\.0: supported \|/);
    assert.match(md, /\| sign-in \| ChatGPT, confirmed by codex login status \|/);
    assert.doesNotMatch(md, /## Problems/);
  });

  it('not found: an error with the places searched and the install command', async () => {
    const r = await checkInstallation(input({ env: { PATH: path.join(dir, 'nowhere') } }));
    assert.equal(r.codex.found, false);
    assert.equal(r.version, null);
    assert.equal(r.ready, false);
    assert.deepEqual(r.problems.map((p) => [p.severity, p.action]), [['error', 'install'], ['error', 'signIn']]);
    const md = formatHealthReport(r);
    assert.match(md, /Not ready/);
    assert.match(md, /Fix: `npm install -g @openai\/codex@latest`/);
    assert.ok(md.includes(`\`${path.join(dir, 'nowhere', 'codex')}\``));
    assert.ok(md.includes(`\`${path.join(dir, '.local', 'bin', 'codex')}\``));
  });

  it('a configured path that is not executable points to the setting', async () => {
    const file = path.join(dir, 'codex.txt');
    writeFileSync(file, 'not a program');
    const r = await checkInstallation(input({ configuredPath: file }));
    assert.deepEqual(r.problems[0], { severity: 'error', message: `The configured codex path is not an executable file: ${file}`, fix: 'npm install -g @openai/codex@latest', action: 'openSettings' });
  });

  it('explains a broken binary exactly: non-zero exit, crash, timeout, no version, missing interpreter', async () => {
    const cases: [string, string, RegExp][] = [
      ['echo "boom: missing library" >&2; exit 3', 'exit', /exited with code 3: boom: missing library/],
      ['kill -SEGV $$', 'crash', /crashed \(killed by SIGSEGV\)/],
      ['sleep 5', 'timeout', /did not answer within 0\.3 s/],
      ['echo hello', 'unparseable', /printed no version: "hello"/],
      ["echo \"/usr/bin/env: 'node': No such file or directory\" >&2; exit 127", 'exit', /code 127 \(command not found[^)]*\): \/usr\/bin\/env: 'node'.*`node` must be on the PATH/],
    ];
    for (const [body, problem, error] of cases) {
      writeFakeCodex(path.join(dir, 'bin'), { version: body });
      const r = await checkInstallation(input({ timeoutMs: 300 }));
      assert.ok(r.version && !r.version.ok, body);
      assert.equal(r.version.problem, problem, body);
      assert.match(r.version.error, error);
      assert.equal(r.assessment?.status, 'unknown');
      assert.equal(r.auth.loginStatus, undefined, 'login status is not run on a binary that does not answer');
      assert.equal(r.problems[0]?.severity, 'error');
      assert.match(r.problems[0]!.message, /does not work/);
    }
  });

  it('spawn failures: missing file and no permission', async () => {
    const missing = await runBriefly(path.join(dir, 'gone'), ['--version'], { env: {}, timeoutMs: 2000 });
    assert.deepEqual([missing.outcome, missing.errorCode], ['missing', 'ENOENT']);
    const file = path.join(dir, 'noexec');
    writeFileSync(file, '#!/bin/sh\necho hi\n', { mode: 0o644 });
    const v = await checkVersion(file, {}, 2000);
    assert.ok(!v.ok && v.problem === 'not-executable' && /EACCES/.test(v.error), JSON.stringify(v));
  });

  it('outdated and unsupported versions', async () => {
    writeFakeCodex(path.join(dir, 'bin'), { version: 'echo "codex-cli 0.42.0"' });
    const outdated = await checkInstallation(input({ env: env({ CODEX_API_KEY: 'k' }) }));
    assert.equal(outdated.ready, true);
    assert.deepEqual(outdated.problems.map((p) => [p.severity, p.action]), [['warning', 'update']]);
    writeFakeCodex(path.join(dir, 'bin'), { version: 'echo "codex 0.0.2505291458"' });
    const old = await checkInstallation(input({ env: env({ CODEX_API_KEY: 'k' }) }));
    assert.equal(old.ready, false);
    assert.equal(old.assessment?.status, 'unsupported');
    assert.match(formatHealthReport(old), /\*\*error\*\*: codex 0\.0\.2505291458 is a research preview/);
  });

  it('a CODEX_HOME that does not exist is an error when it was chosen, not when it is the default', async () => {
    writeFakeCodex(path.join(dir, 'bin'));
    const chosen = await checkInstallation(input({ env: env({ CODEX_HOME: path.join(dir, 'nope'), CODEX_API_KEY: 'k' }) }));
    assert.ok(chosen.problems.some((p) => p.severity === 'error' && /does not exist/.test(p.message)));
    const byDefault = await checkInstallation(input({ env: { PATH: env().PATH, CODEX_API_KEY: 'k' } }));
    assert.deepEqual([byDefault.codexHome.source, byDefault.codexHome.path, byDefault.codexHome.exists, byDefault.ready], ['default', path.join(dir, '.codex'), false, true]);
    assert.equal(codexHomeFor({ codexHome: '~/x', env: {}, homedir: '/h' }), '/h/x');
  });

  it('counts the sessions and archived sessions of CODEX_HOME', async function () {
    if (!corpusAvailable()) this.skip();
    const corpusHome = makeCorpusCodexHome();
    try {
      writeFakeCodex(path.join(dir, 'bin'));
      const r = await checkInstallation(input({ codexHome: corpusHome }));
      const files = await listSessionFiles(corpusHome);
      assert.equal(r.codexHome.source, 'setting');
      assert.equal(r.codexHome.sessions + r.codexHome.archivedSessions, files.length);
      assert.ok(r.codexHome.sessions > 10 && r.codexHome.archivedSessions > 0);
      assert.match(formatHealthReport(r), new RegExp(`${r.codexHome.sessions} sessions, ${r.codexHome.archivedSessions} archived`));
    } finally {
      rmSync(corpusHome, { recursive: true, force: true });
    }
  });

  it('the report masks secrets and keeps markdown intact around odd paths', async () => {
    const odd = path.join(dir, 'we`ird|dir', 'bin');
    writeFakeCodex(odd);
    const r = await checkInstallation(input({ env: { PATH: `${odd}:/usr/bin:/bin`, CODEX_HOME: home, OPENAI_API_KEY: 'sk-live-secret-value' } }));
    const md = formatHealthReport({ ...r, problems: [...r.problems, { severity: 'warning', message: 'proxy http://u:hunter2@proxy:8080 and sk-live-secret-value' }] }, ['sk-live-secret-value']);
    assert.ok(!md.includes('hunter2') && !md.includes('sk-live-secret-value'), md);
    assert.ok(md.includes('``') && md.includes('we`ird\\|dir'), md);
    assert.match(md, /OPENAI_API_KEY, environment/);
  });
});
