// The Sessions tree in real VS Code (code-server) when the sessions folder has entries it cannot read: it lists every
// readable session and shows a "Skipped N files" row whose tooltip names each entry and why; with the sessions
// folder gone, it shows the empty state without reloading the history over and over.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpusFile } from '../helpers/corpus';
import { startCodeServer, type CodeServer } from './codeServer';
import { poll, RESULTS_DIR, Workbench } from './workbench';

const CODEX = path.resolve(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'codex');
const NAME = (n: number): string => `rollout-2026-12-03T10-00-0${n}-cccccccc-0000-0000-0000-00000000000${n}.jsonl`;

describe('UI: the history tree says what it skipped', function () {
  this.timeout(240_000);
  let server: CodeServer;
  let wb: Workbench;
  let home: string;
  let codexHome: string;

  const treeLabels = async (): Promise<string[]> => (await wb.page.locator('.pane-body .monaco-list-row .label-name').allInnerTexts()).map((t) => t.trim());

  before(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'cs-ui-skip-'));
    codexHome = path.join(home, 'codex-home');
    cpSync(corpusFile('0.169.0', 'sessions'), path.join(codexHome, 'sessions'), { recursive: true });
    const day = path.join(codexHome, 'sessions', '2026', '11', '21');
    execFileSync('mkfifo', [path.join(day, NAME(1))]);
    symlinkSync(path.join(home, 'nowhere'), path.join(day, NAME(2)));
    mkdirSync(path.join(day, NAME(3)));
    const badDir = Buffer.concat([Buffer.from(`${day}${path.sep}`), Buffer.from([0x62, 0xff])]);
    mkdirSync(badDir);
    writeFileSync(Buffer.concat([badDir, Buffer.from(`${path.sep}${NAME(4)}`)]), '{}\n');
    server = await startCodeServer({
      settings: { 'codexSessions.path': CODEX, 'codexSessions.codexHome': codexHome, 'codexSessions.env': { OPENAI_API_KEY: 'sk-test', CODEX_HOME: codexHome, HOME: home } },
    });
    wb = await Workbench.open(server.workspaceUrl);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      const name = `history-faults-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 50)}`;
      await wb.screenshot(`${name}-failure`).catch(() => undefined);
      server.saveLogs(path.join(RESULTS_DIR, `${name}-logs`));
    }
  });

  after(async () => {
    await wb?.close();
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('lists the readable session and a "Skipped 4 files" row with every path and reason', async () => {
    await wb.page.locator('.activitybar [aria-label^="Codex"]').first().click();
    await wb.runCommand('Codex: Show All Sessions');
    await poll('the session and the skipped row', async () => {
      const labels = await treeLabels();
      return labels.some((l) => l.startsWith('Create notes.txt')) && labels.includes('Skipped 4 files that could not be read');
    }, 60_000);
    assert.ok(!(await treeLabels()).some((l) => l.startsWith('Session cccccccc')), 'skipped files are not listed as sessions');
    const row = wb.page.locator('.pane-body .monaco-list-row', { hasText: 'Skipped 4 files' });
    // The workbench shows a tree item's tooltip after the mouse rests on it (workbench.hover.delay).
    const hover = wb.page.getByText('were left out', { exact: false }).first();
    await poll('the tooltip', async () => {
      await row.hover({ position: { x: 40, y: 5 } });
      await wb.page.mouse.move(80, 123, { steps: 5 });
      return hover.isVisible();
    }, 20_000);
    const text = await hover.innerText();
    for (const expected of [`${NAME(1)}: not a regular file`, `${NAME(2)}: a symbolic link to nothing`, `${NAME(3)}: a folder where a file was expected`, 'b\uFFFD: its name is not valid UTF-8']) {
      assert.ok(text.includes(expected), `tooltip lacks "${expected}":\n${text}`);
    }
    await wb.screenshot('history-skipped');
    assert.deepEqual(server.extensionErrors(), []);
  });

  it('with the sessions folder gone: the empty state, and the history is read once, not in a loop', async () => {
    rmSync(path.join(codexHome, 'sessions'), { recursive: true, force: true });
    // Open the Codex view unless it is showing (clicking its icon while it shows would close the side bar).
    if (!(await wb.page.locator('.sidebar .composite.title', { hasText: 'Codex' }).first().isVisible())) await wb.page.locator('.activitybar [aria-label^="Codex"]').first().click();
    await wb.runCommand('Codex: Refresh Sessions');
    await wb.page.locator('.welcome-view-content', { hasText: 'No Codex sessions yet' }).waitFor({ timeout: 30_000 });
    const loads = (): number => server.logs('Codex').reduce((n, l) => n + (l.text.match(/History: 0 sessions/g)?.length ?? 0), 0);
    await poll('the refresh to be logged', () => loads() >= 1, 15_000);
    const first = loads();
    // Before the fix every redraw of an empty tree started another read, which redrew the tree (18 reads in 3 s here).
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.ok(loads() - first <= 1, `the history was read ${loads() - first} more times in 3 s`);
    await wb.screenshot('history-no-sessions');
  });
});
