// The Sessions tree and replays in real VS Code (code-server), on a CODEX_HOME prepared from the version corpus,
// with the real codex binary and a fake model for the resume.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { corpusFile, rolloutFiles } from '../helpers/corpus';
import { assistantMessage, codexProviderArgs, startFakeModelServer, type FakeModelServer } from '../integration/fakeModelServer';
import { startCodeServer, type CodeServer } from './codeServer';
import { failureEvidence, poll, Workbench } from './workbench';

const CODEX = path.resolve(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'codex');

describe('UI: browse, search, replay and resume past sessions', function () {
  this.timeout(240_000);
  let model: FakeModelServer;
  let server: CodeServer;
  let wb: Workbench;
  let home: string;
  let codexHome: string;

  const treeRows = () => wb.page.locator('.pane-body .monaco-list-row .label-name');
  const treeLabels = async (): Promise<string[]> => (await treeRows().allInnerTexts()).map((t) => t.trim());

  function panelFrame(title: string, timeoutMs = 30_000): Promise<Frame> {
    return wb.webviewFrame(async (f) => (await f.locator('#header .title').count()) > 0 && ((await f.locator('#header .title').textContent()) ?? '').includes(title), timeoutMs);
  }

  before(async () => {
    model = await startFakeModelServer(() => [assistantMessage('Resumed: I remember notes.txt.')]);
    home = mkdtempSync(path.join(os.tmpdir(), 'cs-ui-hist-'));
    codexHome = path.join(home, 'codex-home');
    for (const v of ['0.169.0', '0.100.0', '0.45.0', '0.20.0']) cpSync(corpusFile(v, 'sessions'), path.join(codexHome, 'sessions'), { recursive: true });
    cpSync(corpusFile('0.1.2505291658', 'sessions'), path.join(codexHome, 'sessions'), { recursive: true });
    const workspace = path.join(home, 'workspace');
    mkdirSync(workspace);
    server = await startCodeServer({
      workspace,
      settings: {
        'codexSessions.path': CODEX,
        'codexSessions.codexHome': codexHome,
        // The corpus sessions were recorded with a provider named "mock"; codex resumes a thread only with it.
        'codexSessions.cliArgs': codexProviderArgs(model, { id: 'mock', requestMaxRetries: 0, streamMaxRetries: 0 }),
        'codexSessions.env': { OPENAI_API_KEY: 'sk-test', CODEX_HOME: codexHome, HOME: home },
        'codexSessions.model': 'gpt-5.5',
        'codexSessions.bypassApprovals': true,
      },
    });
    wb = await Workbench.open(server.workspaceUrl);
  });

  afterEach(failureEvidence('history', () => wb, () => server));

  after(async () => {
    await wb?.close();
    await server?.stop();
    await model?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('lists the prepared sessions; the workspace filter hides other folders', async () => {
    await wb.page.locator('.activitybar [aria-label^="Codex"]').first().click();
    // None of the corpus sessions ran in this workspace: the default filter shows the welcome view.
    await wb.page.locator('.welcome-view-content', { hasText: 'No Codex sessions yet' }).waitFor({ timeout: 30_000 });
    await wb.screenshot('history-workspace-only-empty');
    await wb.runCommand('Codex: Show All Sessions');
    await poll('the sessions of the corpus in the tree', async () => (await treeLabels()).some((l) => l.startsWith('Create notes.txt')), 30_000);
    const labels = await treeLabels();
    assert.ok(labels.includes('Today') || labels.some((l) => /20\d\d/.test(l)), labels.join(' | '));
    assert.ok(labels.filter((l) => l.startsWith('Create notes.txt in the workspace')).length >= 4, labels.join(' | '));
    await wb.screenshot('history-all-sessions');
  });

  it('finds a session by a word of a command output and replays it in the panel', async () => {
    await wb.runCommand('Codex: Search Session Contents');
    const input = wb.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill('definitely-missing-dir');
    await input.press('Enter');
    const rows = wb.page.locator('.quick-input-widget .monaco-list-row');
    await poll('search results', async () => (await rows.count()) >= 4, 30_000);
    assert.match(await rows.first().innerText(), /definitely-missing-dir/);
    await wb.screenshot('history-search');
    await rows.first().click();
    const frame = await panelFrame('Create notes.txt');
    await poll('the replayed items', async () => (await frame.locator('.item-command_execution').count()) >= 2, 30_000);
    const text = await frame.locator('#thread').innerText();
    assert.match(text, /Create notes\.txt in the workspace/);
    assert.match(text, /exit 2/);
    assert.match(text, /notes\.txt/);
    await wb.screenshot('history-replay');

    // Play replays the session from an empty view with its original timing (×16 here).
    await frame.locator('[data-action="playerSpeed"][data-speed="16"]').click();
    await frame.locator('[data-action="player"][data-player="play"]').click();
    await poll('the replay to start over', async () => /step \d+ of \d+/.test(await frame.locator('.player-pos').innerText()), 10_000);
    await poll('the replay to play to the end', async () => {
      const pos = /step (\d+) of (\d+)/.exec(await frame.locator('.player-pos').innerText());
      return !!pos && pos[1] === pos[2];
    }, 60_000);
    assert.equal(await frame.locator('.item-command_execution').count(), 2);
    assert.match(await frame.locator('#thread').innerText(), /All done/);
    await frame.locator('[data-action="player"][data-player="step"]').click();
    await poll('stepping to start over', async () => /step 1 of/.test(await frame.locator('.player-pos').innerText()));
    assert.equal(await frame.locator('.item-command_execution').count(), 0, 'stepping restarts from an empty view');
    await wb.screenshot('history-play');
    await frame.locator('[data-action="player"][data-player="play"]').click();
    await poll('the replay to finish again', async () => (await frame.locator('.item-command_execution').count()) === 2, 60_000);
  });

  it('resumes a 0.169 session from the tree: the new turn streams into the same panel', async () => {
    // Resume needs the current CLI's sessions: open the 0.169 one (its folder name is the version).
    // (The last test clicked in the replay's webview, which may take focus back and close the picker: see the helper.)
    await wb.runCommandWithInput('Codex: Open Session', wb.page.locator('.quick-input-widget .quick-input-box input[aria-label="Open which session?"]'));
    const row = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: '0.169.0' }).first();
    await poll('the 0.169 session in the picker', async () => (await row.count()) > 0, 15_000);
    await row.click();
    const panel = await poll('the 0.169 replay', async () => {
      for (const f of wb.page.frames()) {
        if ((await f.locator('#thread').count().catch(() => 0)) && ((await f.locator('#thread').innerText().catch(() => '')) ?? '').includes('0.169.0/notes.txt')) return f;
      }
      return undefined;
    }, 30_000);
    await panel.locator('#prompt').fill('Resume test: what did you do?');
    await panel.locator('#prompt').press('Control+Enter');
    await poll('the resumed answer', async () => (await panel.locator('#thread').innerText()).includes('Resumed: I remember notes.txt.'), 60_000);
    assert.ok(model.requests.some((r) => JSON.stringify(r.body).includes('Create notes.txt in the workspace')), 'codex resumed the recorded thread');
    await wb.screenshot('history-resumed');
  });

  it('follows a new codexHome setting without a reload', async () => {
    // Another CODEX_HOME with one session, its prompt renamed so it cannot be confused with the corpus's.
    const other = path.join(home, 'other-codex-home');
    const day = path.join(other, 'sessions', '2026', '11', '20');
    mkdirSync(day, { recursive: true });
    const source = rolloutFiles(corpusFile('0.169.0', 'sessions'))[0]!;
    writeFileSync(path.join(day, path.basename(source)), readFileSync(source, 'utf8').replaceAll('Create notes.txt in the workspace', 'Moved home marker'));
    server.changeSettings({ 'codexSessions.codexHome': other });
    await poll('the tree to show the other home', async () => {
      const labels = await treeLabels();
      return labels.some((l) => l.startsWith('Moved home marker')) && !labels.some((l) => l.startsWith('Create notes.txt'));
    }, 30_000);
    await wb.screenshot('history-other-codex-home');
  });
});
