// First run in real VS Code (code-server): the health check on startup, its status bar item, welcome views and
// notifications, "Use an API Key" reaching codex, and workspace trust. Needs the UI harness
// (`node scripts/setupUiHarness.mjs`) and a build (`npm run build`).
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { assistantMessage, codexProviderArgs, startFakeModelServer, type FakeModelServer } from '../integration/fakeModelServer';
import { REPO, startCodeServer, type CodeServer } from './codeServer';
import { failureEvidence, poll, Workbench } from './workbench';

const CODEX = path.join(REPO, 'node_modules', '.bin', 'codex');
/** A PATH with node (for codex's npm launcher) but no codex: neither /usr/bin nor /bin has one on these machines. */
const BARE_PATH = '/usr/bin:/bin';

/** Every file under `dir` whose content contains `needle` (binary files included). */
function filesContaining(dir: string, needle: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    try {
      if (readFileSync(file).includes(needle)) out.push(file);
    } catch {
      // A file that went away (rotating logs, sockets) while we looked.
    }
  }
  return out;
}


describe('UI: first run, health check and sign-in', function () {
  this.timeout(300_000);
  let model: FakeModelServer;
  let server: CodeServer;
  let wb: Workbench;
  let home: string;
  const key = `sk-ui-${process.pid}-Zq8vN3kLw0pX5rT7yB2c`;

  const welcome = () => wb.page.locator('.welcome-view-content');
  const toasts = () => wb.page.locator('.notifications-toasts .notification-list-item');

  /** Our status bar entry's text, once it matches `want`. */
  function statusMatching(want: RegExp, timeoutMs = 30_000): Promise<string> {
    return poll(`the status bar to show ${want}`, async () => (await wb.statusBarItems()).map((i) => i.text).find((t) => want.test(t)), timeoutMs);
  }

  /** The toast whose message matches `want`, and its buttons. */
  async function toast(want: RegExp, timeoutMs = 30_000): Promise<{ message: string; buttons: string[] }> {
    return poll(`a notification matching ${want}`, async () => {
      for (const t of await toasts().all()) {
        const message = (await t.locator('.notification-list-item-message').innerText()).trim();
        if (want.test(message)) return { message, buttons: (await t.locator('.monaco-button').allInnerTexts()).map((b) => b.trim()).filter(Boolean) };
      }
      return undefined;
    }, timeoutMs);
  }

  /** Shows the Codex container in the side bar (clicking its icon again would hide it). */
  async function showCodexView(): Promise<void> {
    const title = wb.page.locator('#workbench\\.parts\\.sidebar .composite.title .title-label').first();
    const showing = async () => (await title.isVisible()) && /Codex/.test(await title.innerText());
    if (!(await showing())) await wb.page.locator('.activitybar [aria-label^="Codex"]').first().click();
    await poll('the Codex view', showing);
  }

  async function welcomeButtons(): Promise<string[]> {
    return (await welcome().locator('.monaco-button').allInnerTexts()).map((b) => b.trim()).filter(Boolean);
  }

  before(async () => {
    model = await startFakeModelServer(() => [assistantMessage('Signed in with the stored key.')]);
    home = mkdtempSync(path.join(os.tmpdir(), 'cs-ui-health-'));
    mkdirSync(path.join(home, 'codex-home'));
    // A provider that authenticates like codex's built-in OpenAI one (CODEX_API_KEY, auth.json), not by env_key.
    const providerArgs = codexProviderArgs(model).map((a) => a.replace('env_key="OPENAI_API_KEY"', 'requires_openai_auth=true'));
    server = await startCodeServer({
      settings: {
        'codexSessions.cliArgs': providerArgs,
        'codexSessions.env': { CODEX_HOME: path.join(home, 'codex-home'), HOME: home },
        'codexSessions.model': 'gpt-5-codex',
        'codexSessions.bypassApprovals': true,
      },
      // No codex anywhere the locator looks: not on PATH (mocha's npx puts node_modules/.bin there), not in the
      // npm prefix, not under the home folder.
      env: { PATH: BARE_PATH, HOME: home, npm_config_prefix: '', CODEX_API_KEY: '', OPENAI_API_KEY: '' },
    });
    wb = await Workbench.open(server.workspaceUrl);
  });

  afterEach(failureEvidence('health', () => wb, () => server));

  after(async () => {
    await wb?.close();
    await server?.stop();
    await model?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('without codex: the status bar, one notification and the welcome view offer the ways to install it', async () => {
    assert.match(await statusMatching(/Codex not found/), /Codex not found/);
    const note = await toast(/Codex CLI not found/);
    assert.deepEqual(note.buttons, ['Install with npm', 'Download a Release', 'Set Path\u2026']);
    await wb.screenshot('health-missing-notification');

    await showCodexView();
    await welcome().filter({ hasText: 'The Codex CLI was not found' }).first().waitFor({ timeout: 30_000 });
    const buttons = await welcomeButtons();
    assert.deepEqual(buttons, ['Install with npm', 'Download a Release', 'Set Path\u2026', 'Check Again'], 'Homebrew only on macOS; no "New Task" while codex is missing');
    assert.doesNotMatch(await welcome().first().innerText(), /No Codex sessions yet/);
    await wb.screenshot('health-missing-welcome');

    // "Check Again" checks again, and the notification is not repeated for the same state.
    const log = () => server.logs('Codex Sessions').map((l) => l.text).join('\n');
    const checks = () => (log().match(/Health check \(/g) ?? []).length;
    const before = checks();
    await welcome().locator('.monaco-button', { hasText: 'Check Again' }).click();
    await poll('a second health check', () => checks() > before);
    assert.match(log(), /Health check \(Check Again\): missing/);
    assert.equal((await wb.notifications()).filter((m) => /Codex CLI not found/.test(m)).length, 1, 'one notification, not one per check');

    // "Set Path…" opens the setting.
    await welcome().locator('.monaco-button', { hasText: 'Set Path' }).click();
    const settings = wb.page.locator('.settings-editor');
    await settings.waitFor({ timeout: 30_000 });
    const shown = await poll('the codexSessions.path setting to be shown', async () => {
      const items = await settings.locator('.setting-item-contents').allInnerTexts();
      return items.length === 1 ? items[0] : undefined;
    });
    assert.match(shown!, /Codex Sessions: Path[\s\S]*Path to the codex binary/);
    await wb.screenshot('health-set-path');
    await settings.press('Escape');
    await settings.waitFor({ state: 'hidden' }).catch(async () => {
      await wb.runCommand('View: Close Editor');
      await settings.waitFor({ state: 'hidden' });
    });
  });

  it('with a codex too old to run tasks: the update prompt, without a reload', async () => {
    const fake = path.join(home, 'old-codex');
    writeFileSync(fake, '#!/bin/sh\necho "codex-cli 0.10.0"\n');
    chmodSync(fake, 0o755);
    server.changeSettings({ 'codexSessions.path': fake });
    assert.match(await statusMatching(/Codex 0\.10\.0/), /warning|Codex 0\.10\.0/);
    const note = await toast(/0\.10\.0/);
    assert.match(note.message, /older than 0\.20\.0[\s\S]*Update codex/);
    assert.deepEqual(note.buttons, ['Update', 'Set Path\u2026', 'Show Report']);
    await showCodexView();
    await welcome().filter({ hasText: 'too old to run tasks' }).first().waitFor({ timeout: 30_000 });
    assert.deepEqual((await welcomeButtons()).slice(0, 1), ['Update']);
    await wb.screenshot('health-outdated');
  });

  it('with a codex that crashes: the exact error, in the notification and the status bar tooltip', async () => {
    const broken = path.join(home, 'broken-codex');
    writeFileSync(broken, '#!/bin/sh\necho "dyld: Library not loaded: libssl.3.dylib (fake crash, key sk-abcdefghijklmnopqrstuv)" >&2\nexit 134\n');
    chmodSync(broken, 0o755);
    server.changeSettings({ 'codexSessions.path': broken });
    await statusMatching(/Codex broken/);
    const item = (await wb.statusBarItems()).find((i) => /Codex broken/.test(i.text))!;
    assert.match(item.ariaLabel, /Library not loaded: libssl\.3\.dylib \(fake crash, key sk-\*\*\*\)/, 'secrets in codex\'s error are masked');
    const note = await toast(/does not work/);
    assert.match(note.message, /broken-codex does not work: .*134[\s\S]*Library not loaded: libssl\.3\.dylib \(fake crash, key sk-\*\*\*\)/);
    assert.deepEqual(note.buttons, ['Set Path\u2026', 'Install with npm', 'Show Report']);
    await showCodexView();
    await welcome().filter({ hasText: 'was found but does not work' }).first().waitFor({ timeout: 30_000 });
    assert.deepEqual(await welcomeButtons(), ['Show Report', 'Set Path\u2026', 'Install with npm', 'Download a Release', 'Check Again']);
    await wb.screenshot('health-broken');
  });

  it('with the real codex: the status bar shows its version, and "Check Installation" reports it', async () => {
    server.changeSettings({ 'codexSessions.path': CODEX });
    const text = await statusMatching(/Codex 0\.169\.0/);
    assert.match(text, /sign in/, 'no credentials in this CODEX_HOME');
    const note = await toast(/Codex is not signed in/);
    assert.deepEqual(note.buttons, ['Sign In\u2026', 'Use an API Key\u2026', "Don't Show Again"]);
    await showCodexView();
    await welcome().filter({ hasText: 'Codex is not signed in' }).first().waitFor({ timeout: 30_000 });
    assert.deepEqual(await welcomeButtons(), ['Sign In\u2026', 'Use an API Key\u2026', 'Check Again']);
    await wb.screenshot('health-signed-out');

    await wb.runCommand('Codex: Check Installation');
    // Rendered by the markdown preview (a webview): headings and a table, not markdown source.
    const preview = await wb.webviewFrame(async (f) => (await f.locator('h1').count()) > 0 && ((await f.locator('h1').first().textContent()) ?? '').includes('Codex installation check'), 30_000);
    assert.ok((await preview.locator('table td').count()) >= 8, 'the facts are a table');
    const report = (await preview.locator('body').innerText()).replace(/\u00a0/g, ' ');
    assert.match(report, /0\.169\.0: supported/);
    assert.match(report, /not signed in/);
    assert.ok(report.includes(path.join(home, 'codex-home')), 'CODEX_HOME is in the report');
    await wb.screenshot('health-report');

    // code-server runs the workbench in a browser: the device code comes first, the browser sign-in second.
    await wb.runCommand('Codex: Sign In\u2026');
    const rows = wb.page.locator('.quick-input-widget .monaco-list-row');
    await poll('the sign-in methods', async () => (await rows.count()) === 3);
    const items = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.match(items[0]!, /^Sign in with a device code ?recommended: VS Code is connected to a remote .*"codex login --device-auth"/);
    assert.match(items[1]!, /^Sign in with ChatGPT ?Runs "codex login" in a terminal/);
    assert.match(items[2]!, /^Use an API key ?Kept in VS Code.s secret storage .*CODEX_API_KEY/);
    await wb.screenshot('health-sign-in');
    await wb.page.keyboard.press('Escape');
  });

  it('"Use an API Key" stores the key; a task\'s codex sends it, and neither logs nor files on disk contain it', async () => {
    const input = wb.page.locator('.quick-input-widget .quick-input-box input[type="password"]');
    await wb.runCommandWithInput('Codex: Use an API Key\u2026', input);
    await input.fill(key);
    await input.press('Enter');
    const text = await statusMatching(/^Codex 0\.169\.0$/);
    assert.doesNotMatch(text, /sign in/);
    await toast(/API key stored/);

    const prompt = wb.page.locator('.quick-input-widget .quick-input-box input[placeholder^="What should Codex do"]');
    await wb.runCommandWithInput('Codex: New Task', prompt);
    await prompt.fill('api key test: say hi');
    await poll('the typed prompt to be offered', async () => (await wb.page.locator('.quick-input-widget .monaco-list-row').first().textContent())?.includes('api key test'));
    await prompt.press('Enter');
    const title = (f: Frame) => f.locator('#header .title');
    const frame = await wb.webviewFrame(async (f) => (await title(f).count()) > 0 && ((await title(f).textContent()) ?? '').includes('api key test'), 60_000);
    await poll('the task to finish', async () => /Done/.test((await frame.locator('#header .status-text').textContent()) ?? ''), 60_000);
    assert.match(await frame.locator('#thread').innerText(), /Signed in with the stored key\./);
    assert.deepEqual(model.requests.map((r) => r.authorization), [`Bearer ${key}`]);

    const log = server.logs('Codex Sessions').map((l) => l.text).join('\n');
    assert.match(log, /Running .*codex.* exec/, 'the run is in the log');
    assert.match(log, /Health check \(API key changed\): ok/);
    assert.ok(!log.includes(key), 'the log does not contain the key');
    assert.deepEqual(filesContaining(server.userDataDir, key), [], 'no file of the user data dir (logs, task records, settings) holds the key');
    const activation = /activate took ([\d.]+) ms/.exec(log);
    assert.ok(activation, 'activation time is logged');
    console.log(`      activate took ${activation[1]} ms (our code, in code-server's extension host)`);
  });

  it('"Forget API Key" removes it: signed out again', async () => {
    await wb.runCommand('Codex: Forget API Key');
    await toast(/API key removed/);
    assert.match(await statusMatching(/Codex 0\.169\.0: sign in/), /sign in/);
  });

  it('the walkthrough leads through install, sign-in, a first task, history and usage', async () => {
    await wb.runCommand('Welcome: Open Walkthrough...');
    const input = wb.page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('Codex Sessions');
    await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Get Started with Codex Sessions' }).first().click();
    const page = wb.page.locator('.gettingStartedContainer');
    await page.locator('.getting-started-step', { hasText: 'Install the Codex CLI' }).first().waitFor({ timeout: 30_000 });
    const want = ['Install the Codex CLI', 'Sign in', 'Run a first task', 'Browse your sessions', 'See your usage'];
    const titles = async (): Promise<string[]> => (await page.locator('.getting-started-step .step-title').allInnerTexts()).map((t) => t.trim());
    await poll('the five steps', async () => (await titles()).length === want.length, 15_000).catch(() => undefined);
    assert.deepEqual(await titles(), want);
    const install = page.locator('.getting-started-step', { hasText: 'Install the Codex CLI' }).first();
    assert.deepEqual((await install.locator('.monaco-button').allInnerTexts()).map((t) => t.trim()), ['Install with npm', 'Check Installation']);
    await wb.screenshot('health-walkthrough');
    // Steps tick themselves off: running the usage report completes "See your usage" (onCommand).
    const done = (title: string) => page.locator('.getting-started-step', { hasText: title }).first().getAttribute('aria-checked');
    assert.equal(await done('See your usage'), 'false');
    await wb.runCommand('Codex: Usage Report');
    await wb.page.locator('.tab', { hasText: 'Welcome' }).first().click();
    await poll('"See your usage" to be ticked', async () => (await done('See your usage')) === 'true', 30_000);
    await wb.screenshot('health-walkthrough-ticked');
  });
});

describe('UI: an untrusted workspace cannot start a task', function () {
  this.timeout(240_000);
  let model: FakeModelServer;
  let server: CodeServer;
  let wb: Workbench;
  let home: string;

  before(async () => {
    model = await startFakeModelServer(() => [assistantMessage('This must not run.')]);
    home = mkdtempSync(path.join(os.tmpdir(), 'cs-ui-trust-'));
    server = await startCodeServer({
      workspaceTrust: true,
      env: { HOME: home, CODEX_HOME: home },
      settings: {
        'security.workspace.trust.enabled': true,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.banner': 'never',
        'codexSessions.path': CODEX,
        'codexSessions.cliArgs': codexProviderArgs(model),
        'codexSessions.env': { OPENAI_API_KEY: 'sk-test' },
      },
    });
    wb = await Workbench.open(server.workspaceUrl);
  });

  afterEach(failureEvidence('health', () => wb, () => server));

  after(async () => {
    await wb?.close();
    await server?.stop();
    await model?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('offers no "New Task", explains why in the Sessions view, and runs nothing', async () => {
    // The extension is active (its check ran): commands of ours are registered.
    await poll('the health check', async () => (await wb.statusBarItems()).some((i) => /Codex 0\.169\.0/.test(i.text)), 60_000);
    const palette = wb.page.locator('.quick-input-widget .quick-input-box input');
    // F1 right after the workbench settles is sometimes swallowed: press again until the palette is open.
    await poll('the command palette', async () => {
      if (!(await palette.isVisible())) await wb.page.keyboard.press('F1');
      return palette.waitFor({ state: 'visible', timeout: 2000 }).then(() => true, () => false);
    }, 30_000);
    await palette.fill('>Codex: ');
    const labels = await poll('our commands in the palette', async () => {
      const l = (await wb.page.locator('.quick-input-widget .monaco-list-row .label-name').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
      return l.includes('Codex: Check Installation') ? l : undefined;
    });
    assert.ok(!labels.includes('Codex: New Task'), `New Task is not offered (offered: ${labels.join(', ')})`);
    await palette.press('Escape');

    for (const title of ['Codex: New Task with Options\u2026', 'Codex: New Task from Selection', 'Codex: Resume Session\u2026']) assert.ok(!labels.includes(title), `${title} is not offered`);

    await wb.page.locator('.activitybar [aria-label^="Codex"]').first().click();
    const welcome = wb.page.locator('.welcome-view-content');
    await welcome.filter({ hasText: 'This workspace is not trusted' }).first().waitFor({ timeout: 30_000 });
    const buttons = (await welcome.locator('.monaco-button').allInnerTexts()).map((b) => b.trim());
    assert.deepEqual(buttons, ['Manage Workspace Trust', 'Show All Sessions'], 'no New Task button in Restricted Mode');
    await wb.runCommand('Codex: Show Log');
    await wb.screenshot('health-untrusted');
    assert.equal(model.requests.length, 0, 'codex never asked the model');
  });
});
