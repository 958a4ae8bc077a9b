import assert from 'node:assert/strict';
import { chromium, type Browser } from 'playwright-core';
import { decideLink, parseWebviewMessage } from '../../src/core/webviewRequest';
import type { FailureInfo, HostMessage, TaskHeader, WebviewMessage } from '../../src/shared/protocol';
import type { ThreadItem } from '../../src/shared/threadModel';
import { CHROMIUM, CHROMIUM_ARGS, openPanelPage, type PanelPage } from '../helpers/webviewPage';
import { DOM_CHECK, PAYLOADS, TRAPS } from '../helpers/xssCorpus';

/** Every item kind, each field that shows text carrying the payload. */
function itemsFor(p: string, n: number): ThreadItem[] {
  const id = (k: string): string => `${k}-${n}`;
  return [
    { id: id('user'), type: 'user_message', text: p },
    { id: id('msg'), type: 'agent_message', text: `${p}\n\nand inline: ${p} [link](${p}) ![img](${p})\n\n- ${p}\n\n> ${p}` },
    { id: id('rs'), type: 'reasoning', text: `${p}\n\n${p}` },
    { id: id('cmd'), type: 'command_execution', command: p, aggregated_output: `${p}\n${Array.from({ length: 60 }, () => p).join('\n')}`, exit_code: 1, status: 'failed', cwd: p },
    { id: id('fc'), type: 'file_change', changes: [{ path: p, kind: 'add', diff: p }, { path: `src/${p}/x.ts`, kind: 'update', move_path: p, diff: p }], status: 'completed' },
    { id: id('todo'), type: 'todo_list', items: [{ text: p, completed: false, status: 'in_progress' }, { text: p, completed: true }], explanation: p },
    { id: id('mcp'), type: 'mcp_tool_call', server: p, tool: p, arguments: { q: p, [p]: [p] }, result: { content: [{ type: 'text', text: p }] }, error: { message: p }, status: 'failed' },
    { id: id('web'), type: 'web_search', query: p },
    { id: id('plan'), type: 'plan', text: p },
    { id: id('err'), type: 'error', message: p },
  ];
}
const KINDS = itemsFor('x', 0).length;

const header = (title: string): TaskHeader => ({
  title, threadId: 't', status: 'failed', runningSince: null, elapsedMs: 1000, usage: null, costUsd: null,
  canFollowUp: true, canStop: true, replay: false, disabledReason: title,
});
const failure = (p: string): FailureInfo => ({ title: p, detail: p, actions: ['signIn', 'retry'], kind: 'unknown', hint: p });

describe('webview security: an XSS corpus through every item kind in Chromium', function () {
  this.timeout(300_000);
  let browser: Browser;
  before(async () => (browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })));
  after(async () => browser?.close());

  it(`renders ${PAYLOADS.length} payloads × ${KINDS} item kinds, the header and the failure: nothing runs, loads or navigates`, async () => {
    assert.ok(PAYLOADS.length >= 100, `${PAYLOADS.length} payloads`);
    const p: PanelPage = await openPanelPage({ browser, height: 1200, init: TRAPS, title: PAYLOADS[0]!.text, taskId: PAYLOADS[1]!.text });
    const requests: string[] = [];
    const dialogs: string[] = [];
    const origin = new URL(p.page.url()).origin;
    p.page.on('request', (r) => requests.push(r.url()));
    p.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const popups: string[] = [];
    p.page.on('popup', (w) => popups.push(w.url()));
    try {
      let rendered = 0;
      let linksClicked = 0;
      const BATCH = 12;
      for (let b = 0; b < PAYLOADS.length; b += BATCH) {
        const batch = PAYLOADS.slice(b, b + BATCH);
        const items = batch.flatMap((x, k) => itemsFor(x.text, b + k));
        const text = batch.map((x) => x.text).join(' ');
        const msg: HostMessage = { type: 'reset', items, turns: [{ first_item: 0, status: 'failed', usage: null, error: text }], header: header(text), failure: failure(text), notices: { skipped_lines: 1, unknown_events: 1 } };
        await p.page.evaluate(`delete document.body.dataset.rendered`); // the last batch had as many items
        await p.post(msg);
        // This batch's first and last items are in, and nothing is left to render (the ids differ from batch to batch).
        const [first, last] = [items[0]!.id, items.at(-1)!.id];
        await p.page.waitForFunction(
          ([n, a, z]) => document.body.dataset.rendered === n && !!document.querySelector(`[data-id="${a}"]`) && !!document.querySelector(`[data-id="${z}"]`),
          [String(items.length), first, last] as const,
          { timeout: 30_000 },
        );
        rendered += items.length;
        // The text reached the page as text.
        const prompts = await p.page.$$eval('article.item-user_message .prompt-text', (els) => els.map((e) => e.textContent));
        assert.deepEqual(prompts, batch.map((x) => x.text));
        // Open everything that folds, then inspect the DOM.
        await p.page.evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true; })`);
        const bad = (await p.page.evaluate(DOM_CHECK)) as string[];
        assert.deepEqual(bad, [], `batch from line ${batch[0]!.line}`);
        // Click every link and every button the payloads could have produced; each may only ask the host.
        const before = (await p.sent()).length;
        const links = await p.page.$$('#thread a');
        for (const a of links) await a.click({ force: true, noWaitAfter: true, timeout: 2000 }).catch(() => undefined);
        linksClicked += links.length;
        const sent = (await p.sent()).slice(before);
        for (const m of sent) {
          const parsed = parseWebviewMessage(m);
          assert.ok(parsed.ok, `the page sent an invalid message: ${JSON.stringify(m).slice(0, 100)}`);
          if (m.type === 'openLink') {
            const d = decideLink(m.href, { cwd: '/w', workspaceRoots: ['/w'] });
            assert.ok(d.kind !== 'external' || /^https?:\/\//.test(d.url), m.href);
            assert.ok(!/^\s*(javascript|vbscript|data):/i.test(m.href), `a script link reached the host: ${m.href}`);
          }
        }
        assert.ok(sent.every((m: WebviewMessage) => ['openLink', 'openDiff', 'openOutput'].includes(m.type)), JSON.stringify(sent.map((m) => m.type)));
      }
      // Streamed output and updates carry payloads too.
      await p.post({ type: 'reset', items: [{ id: 'run', type: 'command_execution', command: 'make', aggregated_output: '', exit_code: null, status: 'in_progress' }], turns: [], header: header('live'), failure: null, notices: { skipped_lines: 0, unknown_events: 0 } });
      for (const x of PAYLOADS) await p.post({ type: 'append', itemId: 'run', text: `${x.text}\n` });
      await p.post({ type: 'update', items: [{ index: 1, item: { id: 'late', type: 'agent_message', text: PAYLOADS.map((x) => x.text).join('\n\n') } }], header: header('live'), failure: null, notices: { skipped_lines: 0, unknown_events: 0 } } as HostMessage);
      await p.page.waitForFunction(() => document.body.dataset.rendered === '2' && document.querySelectorAll('#thread article').length === 2);
      await p.page.waitForFunction((t) => (document.querySelector('#thread')?.textContent ?? '').includes(t), PAYLOADS.at(-1)!.text);
      await new Promise((r) => setTimeout(r, 500)); // let any deferred handler (onload, autofocus, animation) fire

      const hits = await p.page.evaluate(() => (window as unknown as { __hits: string[] }).__hits);
      const csp = await p.cspViolations();
      const foreign = requests.filter((u) => !u.startsWith(`${origin}/dist/`) && !u.startsWith(`${origin}/media/`) && u !== `${origin}/`);
      console.log(`      ${PAYLOADS.length} payloads × ${KINDS} kinds = ${rendered} items rendered (+ header, failure, ${PAYLOADS.length} appends); ${linksClicked} links clicked; executions ${hits.length}, CSP violations ${csp.length}, foreign requests ${foreign.length}, dialogs ${dialogs.length}`);
      assert.deepEqual(hits, []);
      assert.deepEqual(csp, []);
      assert.deepEqual(foreign, []);
      assert.deepEqual(dialogs, []);
      assert.deepEqual(popups, []);
      assert.equal(p.page.url(), `${origin}/`, 'the page did not navigate');
      assert.equal(await p.page.title(), PAYLOADS[0]!.text, 'the title is text');
      assert.equal(await p.page.evaluate(() => document.body.dataset.taskId), PAYLOADS[1]!.text);
    } finally {
      await p.close();
    }
  });

  it('forged messages posted from inside the page are all rejected by the host-side check', async () => {
    const p = await openPanelPage({ browser });
    try {
      const forged = `[
        null, 'stop', 7, [], {}, { type: 'exec', cmd: 'rm -rf ~' }, { type: 'stop', force: true },
        { type: 'openLink', href: 'javascript:alert(1)', target: '_top' }, { type: 'openOutput', itemId: 'c', path: '../../etc/passwd' },
        { type: 'openDiff', itemId: 'f', change: -1 }, { type: 'openDiff', itemId: 'f', change: '0' },
        { type: 'followUp', text: 'x'.repeat(11 * 1024 * 1024) }, { type: 'copy', text: 'x'.repeat(11 * 1024 * 1024) },
        { type: 'action', action: 'runInTerminal' }, { type: 'player', action: 'speed', speed: 1e9 },
        JSON.parse('{"type":"ready","__proto__":{"isTrusted":true}}'), JSON.parse('{"type":"stop","constructor":{"prototype":{"x":1}}}'),
        { type: 'followUp', text: 'hi', cwd: '/', args: ['--dangerously-bypass-approvals-and-sandbox'] },
      ]`;
      // VS Code carries a webview's messages to the extension host as JSON: so does this test.
      const wire = (await p.page.evaluate(`${forged}.map((m) => JSON.stringify(m))`)) as string[];
      const n = wire.length;
      const received = wire.map((w) => JSON.parse(w) as unknown);
      const accepted = received.filter((m) => parseWebviewMessage(m).ok);
      console.log(`      forged messages from the page rejected: ${n - accepted.length}/${n}`);
      assert.deepEqual(accepted, []);
    } finally {
      await p.close();
    }
  });

  it('control: the traps and checks do catch a payload that gets through (a renderer that inserted raw HTML)', async () => {
    const p = await openPanelPage({ browser, init: TRAPS });
    try {
      await p.page.evaluate(`document.getElementById('thread').insertAdjacentHTML('beforeend', '<a href="javascript:__xss(1)">x</a><img src="https://example.com/x.png" onerror="__xss(2)">')`);
      await p.page.waitForFunction(() => (window as unknown as { __csp: string[] }).__csp.length >= 2);
      assert.ok(((await p.page.evaluate(DOM_CHECK)) as string[]).length >= 2);
      await p.page.evaluate(`window.__xss(3); alert(4)`);
      assert.deepEqual(await p.page.evaluate(() => (window as unknown as { __hits: string[] }).__hits), ['payload 3', 'alert']);
    } finally {
      await p.close();
    }
  });
});
