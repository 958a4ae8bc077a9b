import assert from 'node:assert/strict';
import { chromium, type Browser } from 'playwright-core';
import { parseWebviewMessage } from '../../src/core/webviewRequest';
import { TaskSession } from '../../src/node/taskSession';
import { PagePanel } from '../helpers/pagePanel';
import { CHROMIUM, CHROMIUM_ARGS, openPanelPage } from '../helpers/webviewPage';
import { DOM_CHECK, PAYLOADS, TRAPS } from '../helpers/xssCorpus';
import { assistantMessage, execCommand, reasoningItem } from './fakeModelServer';
import { CODEX, cleanup, codexEnv, fakeServer } from './harness';

/**
 * The XSS corpus through the whole live path: the prompt, the model's messages and reasoning, a web search and a
 * command that prints every payload go through the real codex, the parser, the reducer and the PanelFeed into the
 * panel page, exactly as a task in VS Code does.
 */
describe('webview security end to end: the XSS corpus through the real codex into the panel', function () {
  this.timeout(180_000);
  let browser: Browser;
  before(async () => (browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })));
  after(async () => browser?.close());
  afterEach(cleanup);

  it(`${PAYLOADS.length} payloads in a prompt, messages, reasoning, a web search and command output: nothing runs`, async () => {
    const texts = PAYLOADS.map((p) => p.text);
    const b64 = Buffer.from(`${texts.join('\n')}\n`).toString('base64');
    const server = await fakeServer([
      [
        reasoningItem(texts.join('\n')),
        assistantMessage(texts.join('\n\n')),
        { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: texts.slice(0, 20).join(' ') } },
        execCommand(`echo ${b64} | base64 -d`, { callId: 'print' }),
      ],
      [assistantMessage(texts.map((t) => `- ${t}`).join('\n'))],
    ]);
    const env = codexEnv(server);
    const session = new TaskSession({
      id: 'xss', cwd: env.workspace, title: texts[0]!,
      settings: () => ({ codexPath: CODEX, model: 'gpt-5-codex', bypassApprovals: true, extraArgs: env.extraArgs, extraEnv: env.extraEnv, timeoutMs: 120_000 }),
    });
    const page = await openPanelPage({ browser, height: 1200, init: TRAPS });
    const panel = new PagePanel(session, page);
    try {
      const result = await session.send(texts.join('\n'));
      await panel.settle();
      const state = session.state;
      assert.equal(result?.state.status, 'completed', state.errors.join('; '));
      const kinds = state.items.map((i) => i.type);
      // (codex 0.169 also warns, as an error item, that it has no metadata for the model)
      assert.deepEqual([...new Set(kinds)].sort(), ['agent_message', 'command_execution', 'error', 'reasoning', 'user_message', 'web_search']);
      const cmd = state.items.find((i) => i.type === 'command_execution');
      assert.equal(cmd?.type === 'command_execution' && cmd.aggregated_output, `${texts.join('\n')}\n`, 'the output arrives byte for byte');
      await page.page.waitForFunction((n) => document.body.dataset.rendered === String(n) && document.querySelectorAll('#thread article').length === n, state.items.length);
      // Show the command's whole output, and everything folded.
      await page.page.click('[data-action="toggleOutput"]');
      await page.page.waitForFunction((t) => (document.querySelector('#thread')?.textContent ?? '').includes(t), texts[70]!);
      await page.page.evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true; })`);
      const text = await page.page.evaluate(() => document.getElementById('thread')!.textContent ?? '');
      const missing = texts.filter((t) => !text.includes(t.split('\n')[0]!));
      assert.ok(missing.length < texts.length / 2, `most payloads are visible as text (the command output has them all); missing: ${missing.length}`);
      assert.deepEqual(await page.page.evaluate(DOM_CHECK), []);
      const before = (await page.sent()).length;
      const links = await page.page.$$('#thread a');
      for (const a of links) await a.click({ force: true, noWaitAfter: true, timeout: 2000 }).catch(() => undefined);
      const sent = (await page.sent()).slice(before);
      assert.ok(sent.every((m) => parseWebviewMessage(m).ok && m.type === 'openLink' && !/^\s*(javascript|vbscript|data):/i.test(m.href)), JSON.stringify(sent).slice(0, 300));
      await new Promise((r) => setTimeout(r, 500));
      const hits = await page.page.evaluate(() => (window as unknown as { __hits: string[] }).__hits);
      const csp = await page.cspViolations();
      console.log(`      live path: ${state.items.length} items (${[...new Set(kinds)].join(', ')}), ${panel.posted.length} host messages, ${links.length} links clicked; executions ${hits.length}, CSP violations ${csp.length}`);
      assert.deepEqual(hits, []);
      assert.deepEqual(csp, []);
    } finally {
      session.stop();
      await page.close();
    }
  });
});
