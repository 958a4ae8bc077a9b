// The usage report page (built dist/usage.js, the real HTML and CSP) in headless Chromium, without VS Code.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { UsageHostMessage, UsageSessionRow, UsageView, UsageWebviewMessage } from '../../src/shared/usageProtocol';
import { usageHtml } from '../../src/vscode/usageHtml';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/webviewPage';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf' };
const HOSTILE = '<img src=x onerror="document.title=\'pwned\'">Fix <b>it</b>';

function row(i: number, over: Partial<UsageSessionRow> = {}): UsageSessionRow {
  return { path: `/h/sessions/2026/11/2${i}/rollout-${i}.jsonl`, id: `id-${i}`, title: `Session ${i}`, cwd: '/w/project', started_at: `2026-11-2${i}T10:00:00Z`, models: ['gpt-5'], input_tokens: 1000 * i, cached_input_tokens: 100 * i, output_tokens: 10 * i, reasoning_output_tokens: i, tokens: 1010 * i, usd: 0.01 * i, ...over };
}

function view(over: Partial<UsageView> = {}): UsageView {
  return {
    range: '30', scope: 'workspace', from: '2026-10-23', to: '2026-11-21',
    cells: [
      { day: '2026-11-20', model: 'gpt-5', tokens: 4000, usd: 0.02 },
      { day: '2026-11-21', model: 'gpt-5', tokens: 1000, usd: 0.01 },
      { day: '2026-11-21', model: 'mystery', tokens: 2000, usd: null },
    ],
    totals: { input_tokens: 6900, cached_input_tokens: 700, output_tokens: 100, reasoning_output_tokens: 7, tokens: 7000, usd: 0.03, cost_complete: false, unpriced: [{ model: 'mystery', hint: 'no price for "mystery": add one to the codexSessions.pricing setting' }], sessions: 3, sessions_without_usage: 1 },
    models: [{ model: 'gpt-5', tokens: 5000, usd: 0.03 }, { model: 'mystery', tokens: 2000, usd: null }],
    topByCost: [row(2), row(1)],
    topByTokens: [row(3, { title: HOSTILE, usd: null, models: ['mystery'] }), row(2), row(1)],
    costBasis: 'API-equivalent estimate at list prices (ChatGPT plans are not billed per token)', pricesChecked: '2026-11-21', hasWorkspace: true,
    ...over,
  };
}

describe('usage report page in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: http.Server;
  let page: Page;
  const post = (m: UsageHostMessage): Promise<void> => page.evaluate((msg) => window.postMessage(msg, '*'), m as unknown as Record<string, unknown>);
  const sent = (): Promise<UsageWebviewMessage[]> => page.evaluate(() => (window as unknown as { __sent: UsageWebviewMessage[] }).__sent);

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/') {
        const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const webview = { cspSource: origin, asWebviewUri: (u: { path: string }) => ({ toString: () => `${origin}${u.path}` }) };
        const joinPath = (base: { path: string }, ...p: string[]) => ({ path: path.posix.join(base.path, ...p) });
        return void res.writeHead(200, { 'content-type': 'text/html' }).end(usageHtml(webview as never, { path: '/' } as never, joinPath as never));
      }
      const rel = path.normalize(decodeURIComponent(url.pathname)).replace(/^[/\\]+/, '');
      if (!/^(dist|media)[/\\]/.test(rel)) return void res.writeHead(404).end();
      readFile(path.join(REPO, rel)).then((buf) => res.writeHead(200, { 'content-type': TYPES[path.extname(rel)] ?? 'application/octet-stream' }).end(buf), () => res.writeHead(404).end());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    await page.addInitScript(`
      window.__sent = []; window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__sent.push(m), getState: () => window.__state, setState: (s) => { window.__state = s; } });
    `);
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'ready'));
  });

  afterEach(async () => page.close());

  after(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('asks for the last 30 days of this workspace, then shows progress, totals and one bar per day', async () => {
    assert.deepEqual((await sent())[0], { type: 'ready', range: '30', scope: 'workspace' });
    await post({ type: 'report', view: view(), progress: { done: 3, total: 10 } });
    await page.waitForSelector('#chart svg .bar');
    assert.match(await page.innerText('#progress'), /Reading sessions… 3 of 10 \(30%\)/);
    assert.equal(await page.locator('#chart svg .bar').count(), 30);
    assert.equal(await page.getAttribute('#total-tokens', 'data-value'), '7000');
    assert.match(await page.innerText('#total-cost'), /\$0\.03\+[\s\S]*1 model\(s\) without a price/);
    assert.match(await page.innerText('#total-sessions'), /3[\s\S]*1 more without token records/);
    // Tokens chart: two series, the last bar holds both models, the bars add up to the total.
    assert.deepEqual(await page.$$eval('#legend .legend-label', (els) => els.map((e) => e.textContent)), ['gpt-5', 'mystery']);
    assert.equal(await page.locator('#chart svg .bar').last().locator('rect.seg').count(), 2);
    const sum = await page.$$eval('#chart svg .bar', (els) => els.reduce((a, e) => a + Number(e.getAttribute('data-total')), 0));
    assert.equal(sum, 7000);
    assert.match(await page.innerText('#basis'), /API-equivalent estimate[\s\S]*codexSessions\.pricing/);
    await post({ type: 'report', view: view(), progress: null });
    await page.waitForSelector('#progress', { state: 'hidden' });
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
  });

  it('renders titles from files as text, never markup, and shows "cost unknown" for unpriced sessions', async () => {
    await post({ type: 'report', view: view(), progress: null });
    await page.waitForSelector('#top-tokens button.link');
    assert.equal(await page.locator('#top-tokens button.link').first().textContent(), HOSTILE);
    assert.equal(await page.locator('img').count(), 0);
    assert.notEqual(await page.title(), 'pwned');
    assert.match(await page.locator('#top-tokens tbody tr').first().innerText(), /cost unknown/);
    assert.doesNotMatch(await page.locator('#top-tokens tbody tr').first().innerText(), /\$0\b/);
  });

  it('sends range, scope and open requests; switches the metric locally; bars are keyboard navigable', async () => {
    await post({ type: 'report', view: view(), progress: null });
    await page.waitForSelector('#chart svg .bar');
    await page.click('[data-group="range"][data-value="90"]');
    await page.click('[data-group="scope"][data-value="all"]');
    await page.click('#top-cost button.link >> nth=0');
    const msgs = (await sent()).slice(1);
    assert.deepEqual(msgs, [
      { type: 'query', range: '90', scope: 'workspace' },
      { type: 'query', range: '90', scope: 'all' },
      { type: 'openSession', path: row(2).path },
    ]);
    assert.equal(await page.getAttribute('[data-group="range"][data-value="90"]', 'aria-pressed'), 'true');

    await page.click('[data-group="metric"][data-value="usd"]');
    assert.equal((await sent()).length, 4, 'the metric needs no new data');
    assert.deepEqual(await page.$$eval('#legend .legend-label', (els) => els.map((e) => e.textContent)), ['gpt-5'], 'no price, no cost series');
    assert.match((await page.locator('#chart svg .tick.y').last().textContent()) ?? '', /^\$/);
    assert.match(await page.innerText('#chart-note'), /without a price are not in the cost chart/);

    // Keyboard: the last bar is the tab stop; arrows move focus and the detail line follows.
    await page.focus('#chart svg .bar[tabindex="0"]');
    assert.match(await page.innerText('#detail'), /^Nov 21: \$0\.01/);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-index')), '28');
    assert.match(await page.innerText('#detail'), /^Nov 20: \$0\.02/);
    await page.keyboard.press('Home');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-index')), '0');
    assert.match((await page.locator('#chart svg .bar').first().getAttribute('aria-label')) ?? '', /^Oct 23: \$0/);
  });

  it('without folders, "This workspace" is disabled; an empty period says so', async () => {
    await post({ type: 'report', view: view({ scope: 'all', hasWorkspace: false, cells: [], models: [], topByCost: [], topByTokens: [], totals: { ...view().totals, tokens: 0, usd: 0, cost_complete: true, unpriced: [], sessions: 0, sessions_without_usage: 0 } }), progress: null });
    await page.waitForSelector('#chart svg');
    assert.equal(await page.isDisabled('[data-group="scope"][data-value="workspace"]'), true);
    assert.equal(await page.isVisible('#chart-empty'), true);
    assert.match(await page.innerText('#top-cost'), /No priced sessions/);
  });
});
