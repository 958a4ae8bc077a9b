import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { panelHtml } from '../../src/vscode/panelHtml';
import type { HostMessage, WebviewMessage } from '../../src/shared/protocol';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.svg': 'image/svg+xml' };

/** Chromium from Debian (`apt-get install chromium`), as in the UI tests. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The real task panel page (built `dist/webview.js`, the real HTML and CSP) in headless Chromium, without VS Code. */
export interface PanelPage {
  page: Page;
  /** Posts a host message to the page, like `webview.postMessage`. */
  post(m: HostMessage): Promise<void>;
  /** Messages the page sent to the host so far. */
  sent(): Promise<WebviewMessage[]>;
  /** CSP violations the page reported. */
  cspViolations(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Serves dist/ and media/ on 127.0.0.1 and opens the panel page in Chromium with a stand-in for
 * `acquireVsCodeApi` that records what the page posts.
 */
export async function openPanelPage(opts: {
  browser?: Browser;
  width?: number;
  height?: number;
  /** The panel's title and task id, as `panelHtml` writes them into the page. */
  title?: string;
  taskId?: string;
  /** Script run in the page before anything else (traps for security tests); a string, see below. */
  init?: string;
} = {}): Promise<PanelPage> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const fakeWebview = { cspSource: origin, asWebviewUri: (u: { path: string }) => ({ toString: () => `${origin}${u.path}` }) };
      const joinPath = (base: { path: string }, ...p: string[]) => ({ path: path.posix.join(base.path, ...p) });
      const html = panelHtml(fakeWebview as never, { path: '/' } as never, joinPath as never, opts.taskId ?? 'bench-task', opts.title ?? 'Panel');
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    const rel = path.normalize(decodeURIComponent(url.pathname)).replace(/^[/\\]+/, '');
    if (!/^(dist|media)[/\\]/.test(rel)) return void res.writeHead(404).end();
    readFile(path.join(REPO, rel)).then(
      (buf) => res.writeHead(200, { 'content-type': TYPES[path.extname(rel)] ?? 'application/octet-stream' }).end(buf),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const ownBrowser = !opts.browser;
  const browser = opts.browser ?? (await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }));
  const page = await browser.newPage({ viewport: { width: opts.width ?? 900, height: opts.height ?? 800 } });
  // A string, not a function: tsx would wrap a function's inner names in a helper the page does not have.
  await page.addInitScript(`
    window.__sent = []; window.__csp = []; window.__state = undefined;
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__sent.push(m), getState: () => window.__state, setState: (s) => { window.__state = s; } });
  `);
  if (opts.init) await page.addInitScript(opts.init);
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'ready'), undefined, { timeout: 15_000 });
  return {
    page,
    post: (m) => page.evaluate((msg) => window.postMessage(msg, '*'), m as unknown as Record<string, unknown>),
    sent: () => page.evaluate(() => (window as unknown as { __sent: WebviewMessage[] }).__sent),
    cspViolations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
    close: async () => {
      await page.close();
      if (ownBrowser) await browser.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
