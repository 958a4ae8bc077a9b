// The task panel in real VS Code (code-server) with the real codex binary and a fake model on 127.0.0.1.
// Needs the UI harness (`node scripts/setupUiHarness.mjs`) and a build (`npm run build`).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { assistantMessage, codexProviderArgs, execCommand, reasoningItem, startFakeModelServer, type FakeModelServer, type FakeTurn, type RecordedRequest } from '../integration/fakeModelServer';
import { startCodeServer, type CodeServer } from './codeServer';
import { failureEvidence, poll, Workbench } from './workbench';

const CODEX = path.resolve(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'codex');

const HOSTILE = [
  'Hostile test: <script>window.parent.__pwned = 1; document.title = "pwned"</script>',
  '<img src=x onerror="document.title = \'pwned\'">',
  '<iframe src="https://example.com"></iframe>',
  '[click me](javascript:document.title=\'pwned\')',
].join('\n\n');

/** The last user prompt of a request, and how many tool results came back after it. */
function promptAndStep(req: RecordedRequest): { prompt: string; step: number } {
  const input = ((req.body as { input?: unknown[] })?.input ?? []) as { type?: string; role?: string; content?: { text?: string }[] }[];
  let last = -1;
  input.forEach((it, i) => {
    if (it.type === 'message' && it.role === 'user' && !(it.content?.[0]?.text ?? '').startsWith('<')) last = i;
  });
  const prompt = (input[last]?.content ?? []).map((c) => c.text ?? '').join('');
  const step = input.slice(last + 1).filter((it) => it.type === 'function_call_output' || it.type === 'custom_tool_call_output').length;
  return { prompt, step };
}

/** The fake model's script, chosen by the prompt: one server serves every task of the suite. */
function script(req: RecordedRequest): FakeTurn {
  const { prompt, step } = promptAndStep(req);
  if (prompt.includes('sign-in test')) return { status: 401, body: JSON.stringify({ error: { message: 'Incorrect API key provided: sk-test.', type: 'invalid_request_error', code: 'invalid_api_key' } }) };
  if (prompt.includes('long test')) return step === 0 ? [execCommand('sleep 120.5', { yieldTimeMs: 30_000 })] : [assistantMessage('unexpected')];
  if (prompt.includes('hostile test')) return [assistantMessage(HOSTILE)];
  if (prompt.includes('reload test')) return step === 0 ? [assistantMessage('Working on it.'), execCommand('sleep 8 && echo slept', { yieldTimeMs: 30_000 })] : [assistantMessage('Finished after the reload.')];
  if (prompt.includes('selection test')) return [assistantMessage('Selection received: alpha and beta.')];
  if (prompt.includes('follow-up test')) return [assistantMessage('Follow-up answered: notes.txt has one line.')];
  switch (step) {
    case 0:
      return [reasoningItem('**Inspecting the workspace**\n\nI will list the files first.'), assistantMessage("I'll start by inspecting the workspace."), execCommand('echo hello-from-ui && ls')];
    case 1:
      return [execCommand('ls /definitely-missing-dir')];
    case 2:
      return [{ type: 'custom_tool_call', id: 'ctc_1', call_id: 'patch_1', name: 'apply_patch', input: '*** Begin Patch\n*** Add File: notes.txt\n+first line from codex\n*** End Patch\n' }];
    default:
      return [assistantMessage('All done: `echo` worked, `ls` failed, and **notes.txt** was created.')];
  }
}

describe('UI: Codex tasks in the task panel', function () {
  this.timeout(240_000);
  let model: FakeModelServer;
  let server: CodeServer;
  let wb: Workbench;
  let home: string;

  async function newTask(prompt: string): Promise<Frame> {
    // Our prompt box, not the command palette that just closed.
    const input = wb.page.locator('.quick-input-widget .quick-input-box input[placeholder^="What should Codex do"]');
    await wb.runCommandWithInput('Codex: New Task', input);
    await input.fill(prompt);
    await poll('the typed prompt to be offered', async () => (await wb.page.locator('.quick-input-widget .monaco-list-row').first().textContent())?.includes(prompt.slice(0, 20)));
    await input.press('Enter');
    return panelFrame(prompt.slice(0, 30), 60_000);
  }

  /** The task panel whose title contains `title`. */
  function panelFrame(title: string, timeoutMs = 15_000): Promise<Frame> {
    return wb.webviewFrame(async (f) => (await f.locator('#header .title').count()) > 0 && ((await f.locator('#header .title').textContent()) ?? '').includes(title), timeoutMs);
  }

  async function status(frame: Frame, want: RegExp, timeoutMs = 60_000): Promise<string> {
    return poll(`the panel status to match ${want}`, async () => {
      const s = (await frame.locator('#header .status-text').textContent()) ?? '';
      return want.test(s) ? s : undefined;
    }, timeoutMs);
  }

  before(async () => {
    model = await startFakeModelServer(script);
    home = mkdtempSync(path.join(os.tmpdir(), 'cs-ui-codex-'));
    mkdirSync(path.join(home, 'codex-home'));
    server = await startCodeServer({
      settings: {
        'codexSessions.path': CODEX,
        'codexSessions.cliArgs': codexProviderArgs(model, { requestMaxRetries: 0, streamMaxRetries: 0 }),
        'codexSessions.env': { OPENAI_API_KEY: 'sk-test', CODEX_HOME: path.join(home, 'codex-home'), HOME: home },
        'codexSessions.model': 'gpt-5.5',
        'codexSessions.bypassApprovals': true,
      },
    });
    wb = await Workbench.open(server.workspaceUrl);
  });

  afterEach(failureEvidence('task-panel', () => wb, () => server));

  after(async () => {
    await wb?.close();
    await server?.stop();
    await model?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('runs a task from the command palette and renders every item live, with a real diff', async () => {
    const frame = await newTask('demo: inspect, fail once, create notes.txt');
    await status(frame, /Done/);
    const text = await frame.locator('#thread').innerText();
    assert.match(text, /I'll start by inspecting the workspace\./);
    assert.match(text, /Inspecting the workspace/);
    assert.match(text, /echo hello-from-ui && ls[\s\S]*exit 0[\s\S]*hello-from-ui/);
    assert.match(text, /ls \/definitely-missing-dir[\s\S]*exit 2[\s\S]*No such file or directory/);
    assert.match(text, /notes\.txt/);
    assert.match(text, /All done/);
    assert.equal(await frame.locator('.markdown strong').last().textContent(), 'notes.txt');
    assert.match(await frame.locator('#header').innerText(), /in · .* out/);
    await wb.screenshot('task-panel-done');

    await frame.locator('a.change-link').first().click();
    const diff = wb.page.locator('.monaco-diff-editor');
    await diff.first().waitFor({ timeout: 20_000 });
    // Monaco renders spaces as no-break spaces.
    await poll('the diff to show the added line', async () => (await diff.first().innerText()).replace(/\u00a0/g, ' ').includes('first line from codex'));
    await wb.screenshot('task-panel-diff');
  });

  it('continues the thread with a follow-up in the same panel', async () => {
    await wb.page.locator('.tabs-container .tab', { hasText: 'demo: inspect' }).first().click();
    const frame = await panelFrame('demo:');
    await frame.locator('#prompt').fill('follow-up test: what is in notes.txt?');
    await frame.locator('#prompt').press('Control+Enter');
    await poll('the follow-up answer', async () => (await frame.locator('#thread').innerText()).includes('Follow-up answered'), 60_000);
    await status(frame, /Done/);
    const prompts = await frame.locator('.item-user_message').count();
    assert.equal(prompts, 2);
    assert.ok((await frame.locator('.turn-sep').count()) >= 2, 'a separator per turn');
    const resumed = model.requests.filter((r) => JSON.stringify(r.body).includes('follow-up test'));
    assert.ok(resumed.length > 0 && JSON.stringify(resumed[0]!.body).includes('hello-from-ui'), 'the follow-up resumed the same thread');
    await wb.screenshot('task-panel-follow-up');
  });

  it('stops a long-running task from the panel', async () => {
    const frame = await newTask('long test: run a very long command');
    await poll('the long command to run', async () => (await frame.locator('.item-command_execution').count()) > 0, 60_000);
    await frame.locator('[data-action="stop"]').click();
    await status(frame, /Stopped/, 30_000);
    await wb.screenshot('task-panel-stopped');
  });

  it('shows a 401 as a sign-in problem with a Sign in action', async () => {
    const frame = await newTask('sign-in test: say hi');
    await status(frame, /Failed/);
    const failure = await frame.locator('#failure').innerText();
    assert.match(failure, /Not signed in/);
    assert.match(failure, /401/);
    assert.ok((await frame.locator('#failure button', { hasText: 'Sign in' }).count()) === 1);
    await wb.screenshot('task-panel-401');
  });

  it('keeps a running task through a window reload: the panel comes back and follows it to the end', async () => {
    const frame = await newTask('reload test: survive a reload');
    await poll('the command to start', async () => (await frame.locator('.item-command_execution').count()) > 0, 60_000);
    // "Developer: Reload Window" (not a bare page reload): the workbench saves its editors' state first, then the
    // page and its extension host start again.
    const palette = wb.page.locator('.quick-input-widget .quick-input-box input');
    await wb.page.keyboard.press('F1');
    await palette.fill('>Developer: Reload Window');
    await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Developer: Reload Window' }).first().waitFor();
    await Promise.all([wb.page.waitForEvent('framenavigated', { predicate: (f) => f === wb.page.mainFrame(), timeout: 60_000 }), palette.press('Enter')]);
    await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const again = await panelFrame('reload test', 120_000);
    await poll('the task to finish after the reload', async () => (await again.locator('#thread').innerText()).includes('Finished after the reload.'), 90_000);
    await status(again, /Done/);
    const text = await again.locator('#thread').innerText();
    assert.match(text, /Working on it\./);
    assert.match(text, /sleep 8 && echo slept[\s\S]*exit 0[\s\S]*slept/);
    assert.equal((text.match(/reload test: survive a reload/g) ?? []).length, 1, 'the prompt shows once');
    await wb.screenshot('task-panel-after-reload');
  });

  it('sends the selected code with its file and line range from New Task from Selection', async () => {
    writeFileSync(path.join(server.workspace, 'sel.ts'), 'const alpha = 1;\nconst beta = 2;\nconst gamma = 3;\n');
    await wb.openFile('sel.ts');
    const editor = wb.page.locator('.editor-instance .monaco-editor .view-lines').first();
    await editor.click();
    await wb.page.keyboard.press('Control+Home');
    await wb.page.keyboard.press('Shift+ArrowDown');
    await wb.page.keyboard.press('Shift+End');
    const before = model.requests.length;
    const input = wb.page.locator('.quick-input-widget .quick-input-box input[placeholder^="What should Codex do"]');
    await wb.runCommandWithInput('Codex: New Task from Selection', input);
    assert.match((await wb.page.locator('.quick-input-widget .quick-input-title').textContent()) ?? '', /sel\.ts, lines 1-2/);
    await input.fill('selection test: explain these lines');
    await poll('the typed prompt to be offered', async () => (await wb.page.locator('.quick-input-widget .monaco-list-row').first().textContent())?.includes('selection test'));
    await input.press('Enter');
    // Counted first: textContent() on a frame without the element would wait for it.
    const frame = await wb.webviewFrame(async (f) => (await f.locator('#thread').count()) > 0 && ((await f.locator('#thread').textContent()) ?? '').includes('Selection received'), 60_000);
    await status(frame, /Done/);
    const { prompt } = promptAndStep(model.requests.slice(before).find((r) => promptAndStep(r).prompt.includes('selection test'))!);
    assert.match(prompt, /Context: sel\.ts \(lines 1-2\)\n```typescript\nconst alpha = 1;\nconst beta = 2;\n```\n\n## My request for Codex:\nselection test: explain these lines/);
    // The title is the request, not the attached code.
    assert.equal(((await frame.locator('#header .title').textContent()) ?? '').trim(), 'selection test: explain these lines');
    assert.doesNotMatch(prompt, /gamma/);
    await wb.screenshot('task-panel-from-selection');
  });

  it('renders hostile markdown from the agent as text: nothing executes', async () => {
    const frame = await newTask('hostile test: be nasty');
    await status(frame, /Done/);
    for (const a of await frame.locator('.markdown a').all()) await a.click();
    assert.equal(await frame.locator('.markdown script, .markdown iframe, .markdown img').count(), 0);
    assert.match(await frame.locator('.markdown').last().innerText(), /<script>window\.parent\.__pwned = 1/);
    assert.notEqual(await frame.evaluate(() => document.title), 'pwned');
    assert.equal(await wb.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? 0), 0);
    await wb.screenshot('task-panel-hostile');
  });
});
