// The extension in real VS Code: code-server's workbench in headless Chromium. Needs the UI harness
// (`node scripts/setupUiHarness.mjs`) and a build (`npm run build`).
import assert from 'node:assert/strict';
import path from 'node:path';
import { startCodeServer, type CodeServer } from './codeServer';
import { poll, RESULTS_DIR, Workbench } from './workbench';

describe('UI smoke: the extension in code-server', function () {
  this.timeout(180_000);
  let server: CodeServer | undefined;
  let wb: Workbench | undefined;

  /** Keeps what a failed test left behind: a screenshot, code-server's output and the VS Code logs. */
  async function keepEvidence(name: string): Promise<void> {
    const dir = path.join(RESULTS_DIR, `${name}-logs`);
    server?.saveLogs(dir);
    if (wb) {
      await wb.screenshot(`${name}-failure`).catch(() => undefined);
      console.log(`      browser console errors: ${JSON.stringify(wb.consoleErrors, null, 2)}`);
    }
    console.log(`      logs kept in ${dir}`);
  }

  before(async function () {
    server = await startCodeServer();
    try {
      wb = await Workbench.open(server.workspaceUrl);
    } catch (e) {
      await keepEvidence('smoke-startup');
      throw e;
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await keepEvidence(this.currentTest.title.replace(/\W+/g, '-').replace(/^-|-$/g, ''));
  });

  after(async function () {
    await wb?.close();
    await server?.stop();
  });

  it('"Codex: Show Log" shows the Codex Sessions output channel', async function () {
    // (Run right after the page loaded: the layout the workbench then restores once closed the panel again.)
    const channel = await wb!.runCommandUntil('Codex: Show Log', () => wb!.outputChannel());
    assert.equal(channel, 'Codex Sessions');
    assert.deepEqual(await wb!.dialogs(), [], 'no error dialog');
    const shot = await wb!.screenshot('smoke-show-log');
    console.log(`      ${shot}`);
  });

  it('activated without errors and made no request off this machine', async function () {
    const srv = server!;
    // The extension host writes its log asynchronously: the activation line may lag the command a little.
    await poll(`the extension host to log the activation of ${srv.extensionId}`, () => srv.activated());
    assert.deepEqual(srv.extensionErrors(), []);
    assert.deepEqual(wb!.externalRequests, []);
    assert.doesNotMatch(srv.output(), /ENOTFOUND|EAI_AGAIN/, 'code-server tried to reach the network');
  });
});
