import assert from 'node:assert/strict';
import type { TaskHeader } from '../../src/shared/protocol';
import type { ThreadItem } from '../../src/shared/threadModel';
import { openPanelPage, type PanelPage } from '../helpers/webviewPage';

const header = (over: Partial<TaskHeader> = {}): TaskHeader => ({
  title: 'Fix the tests', threadId: 't-1', status: 'completed', runningSince: null, elapsedMs: 75_000, usage: { input_tokens: 21066, cached_input_tokens: 2100, output_tokens: 135, reasoning_output_tokens: 45 },
  costUsd: null, canFollowUp: true, canStop: false, replay: false, ...over,
});
const notices = { skipped_lines: 0, unknown_events: 0 };

const ITEMS: ThreadItem[] = [
  { id: 'u', type: 'user_message', text: 'Please fix the failing test' },
  { id: 'r', type: 'reasoning', text: '**Looking**\n\nReading the test first.' },
  { id: 'm', type: 'agent_message', text: 'Running `npm test`:\n\n```sh\nnpm test\n```\n\nSee [docs](https://example.com) and [file](src/a.ts:3).' },
  { id: 'c1', type: 'command_execution', command: 'echo ok', aggregated_output: 'ok\n', exit_code: 0, status: 'completed' },
  { id: 'c2', type: 'command_execution', command: 'seq 1 100', aggregated_output: Array.from({ length: 100 }, (_, i) => `${i + 1}`).join('\n'), exit_code: 2, status: 'failed' },
  { id: 'f', type: 'file_change', changes: [{ path: '/w/notes.txt', kind: 'add' }, { path: '/w/old.txt', kind: 'delete' }], status: 'completed' },
  { id: 't', type: 'todo_list', items: [{ text: 'Read', completed: true }, { text: 'Fix', completed: false }] },
  { id: 'mcp', type: 'mcp_tool_call', server: 'docs', tool: 'search', arguments: { q: 1 }, result: null, error: { message: 'denied' }, status: 'failed' },
  { id: 'w', type: 'web_search', query: 'mocha timeout' },
  { id: 'p', type: 'plan', text: '1. read\n2. fix' },
  { id: 'e', type: 'error', message: 'Model metadata not found' },
];

describe('task panel page in Chromium', function () {
  this.timeout(60_000);
  let p: PanelPage;
  beforeEach(async () => (p = await openPanelPage()));
  afterEach(async () => p.close());

  it('renders every item kind, with exit codes, hidden output lines and turn usage', async () => {
    await p.post({ type: 'reset', items: ITEMS, turns: [{ first_item: 0, status: 'completed', usage: header().usage }], header: header(), failure: null, notices });
    await p.page.waitForFunction((n) => document.body.dataset.rendered === String(n), ITEMS.length);
    const kinds = await p.page.$$eval('#thread article', (els) => els.map((e) => e.className.replace('item item-', '')));
    assert.deepEqual(kinds, ITEMS.map((i) => i.type));
    const text = await p.page.innerText('#thread');
    assert.match(text, /exit 0/);
    assert.match(text, /exit 2/);
    assert.match(text, /60 lines hidden/);
    assert.match(text, /To-do 1\/2/);
    assert.match(text, /Turn 1 · completed · 21\.1k in · 135 out/);
    assert.match(await p.page.innerText('#header'), /Fix the tests[\s\S]*Done[\s\S]*1m 15s[\s\S]*21\.1k in · 135 out · cost unknown/);
    await p.post({ type: 'update', items: [], header: header({ costUsd: 0.0291 }), failure: null, notices });
    await p.page.waitForFunction(() => document.querySelector('#header .usage')?.textContent?.includes('~$0.029'));
    assert.equal(await p.page.locator('.code-block button.copy').count(), 1);
    assert.deepEqual(await p.cspViolations(), []);
  });

  it('asks the host for diffs, outputs, links, copies, stop and follow-ups, and does nothing itself', async () => {
    await p.post({ type: 'reset', items: ITEMS, turns: [], header: header({ status: 'running', canStop: true, canFollowUp: false }), failure: null, notices });
    await p.page.waitForFunction((n) => document.body.dataset.rendered === String(n), ITEMS.length);
    await p.page.click('a.change-link >> nth=0');
    await p.page.click('[data-action="openOutput"]');
    await p.page.click('.markdown a >> nth=0');
    await p.page.click('.markdown a >> nth=1');
    await p.page.click('.code-block .copy');
    await p.page.click('[data-action="stop"]');
    assert.equal(await p.page.isDisabled('#prompt'), true);
    await p.post({ type: 'update', items: [], turns: [], header: header(), failure: null, notices });
    await p.page.waitForFunction(() => !(document.getElementById('prompt') as HTMLTextAreaElement).disabled);
    await p.page.fill('#prompt', 'and now the docs');
    await p.page.keyboard.press('Control+Enter');
    const sent = (await p.sent()).filter((m) => m.type !== 'ready');
    assert.deepEqual(sent, [
      { type: 'openDiff', itemId: 'f', change: 0 },
      { type: 'openOutput', itemId: 'c2' },
      { type: 'openLink', href: 'https://example.com' },
      { type: 'openLink', href: 'src/a.ts:3' },
      { type: 'copy', text: 'npm test\n' },
      { type: 'stop' },
      { type: 'followUp', text: 'and now the docs' },
    ]);
    assert.equal(p.page.url().startsWith('http://127.0.0.1'), true, 'no navigation happened');
  });

  it('shows a failure with its actions, and streamed output appended to a running command', async () => {
    await p.post({ type: 'reset', items: [{ id: 'c', type: 'command_execution', command: 'make', aggregated_output: 'one\n', exit_code: null, status: 'in_progress' }], turns: [], header: header({ status: 'failed' }), failure: { title: 'Not signed in, or the API key was rejected', detail: 'unexpected status 401 Unauthorized', actions: ['signIn', 'openSettings'] }, notices: { skipped_lines: 2, unknown_events: 1, cut_short: true, first_problem: 'line 7: the input ends inside this line: it was cut short' } });
    await p.post({ type: 'append', itemId: 'c', text: 'two\n' });
    await p.page.waitForFunction(() => document.querySelector('pre.output')?.textContent?.includes('two'));
    assert.match(await p.page.innerText('#failure'), /Not signed in[\s\S]*401/);
    assert.match(await p.page.innerText('#notices'), /2 unreadable line\(s\) and 1 unknown event[\s\S]*First: line 7: the input ends inside/);
    assert.match(await p.page.innerText('#notices .notice.cut'), /it was cut short/);
    await p.page.click('#failure button >> text=Sign in');
    assert.deepEqual((await p.sent()).at(-1), { type: 'action', action: 'signIn' });
  });

  it('renders hostile markdown as text: no script runs, no handler fires, no frame loads', async () => {
    const hostile = [
      '<script>window.__pwned = 1</script>',
      '<img src=x onerror="window.__pwned = 2">',
      '<iframe src="https://example.com"></iframe>',
      '[click](javascript:window.__pwned=3)',
      '[data](data:text/html,<script>parent.__pwned=4</script>)',
      '![img](https://example.com/track.png)',
      '<a href="#" onclick="window.__pwned=5">x</a>',
    ].join('\n\n');
    await p.post({ type: 'reset', items: [{ id: 'm', type: 'agent_message', text: hostile }], turns: [], header: header(), failure: null, notices });
    await p.page.waitForFunction(() => document.body.dataset.rendered === '1');
    for (const a of await p.page.$$('.markdown a')) await a.click();
    const pwned = await p.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? 0);
    assert.equal(pwned, 0);
    assert.equal(await p.page.locator('.markdown script, .markdown iframe, .markdown img, .markdown [onerror], .markdown [onclick]').count(), 0);
    assert.match(await p.page.innerText('.markdown'), /<script>window.__pwned = 1<\/script>/);
    const links = (await p.sent()).filter((m) => m.type === 'openLink').map((m) => (m.type === 'openLink' ? m.href : ''));
    assert.ok(links.every((h) => !/^(javascript|data):/i.test(h)), links.join(' '));
  });
});
