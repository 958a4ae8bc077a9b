import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { panelHtml } from '../../src/vscode/panelHtml';

/*
 * Everything the webview benchmark's browser loads, from one loopback server under two host names, so the page
 * under test runs in a renderer process of its own, as a VS Code webview (a cross-origin iframe) does:
 *   http://localhost:PORT/driver     the stand-in for the host: holds the messages and posts them into an iframe;
 *   http://127.0.0.1:PORT/panel      the real panel page (`panelHtml`, built dist/webview.js, CSP enforced);
 *   http://127.0.0.1:PORT/baseline   the plain page the panel is compared with;
 *   /dist/*, /media/*                the built assets (a folder given as `assets` can replace webview.js and panel.css);
 *   /frames/KEY/N.json               the host's frames, in chunks of about 8 MB (JSON arrays of JSON strings).
 */

const REPO = path.resolve(import.meta.dirname, '..', '..');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.svg': 'image/svg+xml' };

/**
 * The host's side in the page: frames (each a JSON array of messages) are parsed and posted one frame per task into
 * the iframe, one frame per 16 ms (`steady`: late frames follow back to back, as the host's messages would have
 * queued) or as fast as it can (`burst`). Times are epoch ms (timeOrigin + now), comparable across processes.
 */
const DRIVER_HTML = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>driver</title></head><body style="margin:0"><script>
  const B = window.__bench = { sets: {}, t: {} };
  const now = () => performance.timeOrigin + performance.now();
  B.load = async (key, urls) => {
    const list = B.sets[key] = [];
    for (const u of urls) for (const f of await (await fetch(u)).json()) list.push(f);
    return list.length;
  };
  B.open = (url) => new Promise((resolve) => {
    document.getElementById('panel')?.remove();
    const f = document.createElement('iframe');
    f.id = 'panel';
    f.style.cssText = 'width:900px;height:800px;border:0;display:block';
    f.onload = () => resolve();
    f.src = url;
    document.body.append(f);
  });
  B.send = (messages) => { for (const m of messages) document.getElementById('panel').contentWindow.postMessage(m, '*'); };
  B.start = (key, mode) => {
    const frames = B.sets[key];
    const target = document.getElementById('panel').contentWindow;
    performance.mark('bench-start');
    const t0 = performance.now();
    B.t = { start: performance.timeOrigin + t0 };
    let k = 0;
    const ch = new MessageChannel();
    const tick = () => {
      for (const m of JSON.parse(frames[k++])) target.postMessage(m, '*');
      if (k === frames.length) { B.t.lastPosted = now(); return; }
      const wait = mode === 'steady' ? t0 + k * 16 - performance.now() : 0;
      if (wait > 0) setTimeout(tick, wait); else ch.port2.postMessage(0);
    };
    ch.port1.onmessage = tick;
    tick();
  };
</script></body></html>`;

/**
 * The baseline: a plain page (no CSP) that puts each item in one div as a single text node (text, or command and
 * output), replaces the div when the item changes and appends streamed output to the text node, all synchronously in
 * the message handler. Its one style rule lets Chromium skip the layout of divs out of view, as the panel's `.item`
 * rule does: without it every change lays out all of the text again (tasks of 4.6 s; 50 MB of text never done).
 */
const BASELINE_HTML = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>baseline</title>
<style>#thread > div { content-visibility: auto; contain-intrinsic-size: auto 20px; }</style></head><body><main id="thread"></main><script>
  const thread = document.getElementById('thread');
  let divs = [];
  const byId = new Map();
  const textOf = (it) => it.type === 'command_execution' ? it.command + '\\n' + it.aggregated_output
    : 'text' in it ? it.text : it.type === 'file_change' ? it.changes.map((c) => c.kind + ' ' + c.path).join('\\n')
    : it.type === 'todo_list' ? it.items.map((t) => (t.completed ? '[x] ' : '[ ] ') + t.text).join('\\n') : JSON.stringify(it);
  const put = (index, item) => {
    const div = document.createElement('div');
    div.textContent = textOf(item);
    const old = divs[index];
    if (old) old.replaceWith(div); else thread.append(div);
    divs[index] = div;
    byId.set(item.id, div);
  };
  window.addEventListener('message', (ev) => {
    const m = ev.data;
    if (m.type === 'reset') { thread.replaceChildren(); divs = []; byId.clear(); m.items.forEach((item, i) => put(i, item)); }
    else if (m.type === 'update') for (const x of m.items) put(x.index, x.item);
    else if (m.type === 'append') { const d = byId.get(m.itemId); if (d && d.firstChild) d.firstChild.appendData(m.text); else if (d) d.append(m.text); }
    document.body.dataset.rendered = String(divs.length);
  });
</script></body></html>`;

/** The loopback server of the webview benchmark (see the top of this file). */
export class BenchServer {
  private readonly server: http.Server;
  private readonly sets = new Map<string, string[]>();

  private constructor(private readonly assets: string | undefined) {
    this.server = http.createServer((req, res) => this.serve(new URL(req.url ?? '/', 'http://x').pathname, res));
  }

  /** Starts the server; `assets` is a folder whose webview.js and panel.css replace the built ones. */
  static async start(assets?: string): Promise<BenchServer> {
    const s = new BenchServer(assets);
    await new Promise<void>((r) => s.server.listen(0, '127.0.0.1', r));
    return s;
  }

  private get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get driverUrl(): string {
    return `http://localhost:${this.port}/driver`;
  }

  /** The page under test: `panel` (ours) or `baseline`, on another site than the driver. */
  pageUrl(which: 'panel' | 'baseline'): string {
    return `http://127.0.0.1:${this.port}/${which}`;
  }

  /** Makes `frames` (each a JSON array of messages) loadable under `key`; returns the chunk URLs. */
  offer(key: string, frames: readonly string[]): string[] {
    const chunks: string[] = [];
    for (let i = 0; i < frames.length;) {
      const chunk: string[] = [];
      for (let size = 0; i < frames.length && size < 8e6; i++) {
        chunk.push(frames[i] ?? '[]');
        size += frames[i]?.length ?? 0;
      }
      chunks.push(JSON.stringify(chunk));
    }
    this.sets.set(key, chunks);
    return chunks.map((_, i) => `http://localhost:${this.port}/frames/${key}/${i}.json`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private serve(pathname: string, res: http.ServerResponse): void {
    const send = (body: string | Buffer, type: string): void => void res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    const frames = /^\/frames\/(\w+)\/(\d+)\.json$/.exec(pathname);
    if (frames) {
      const body = this.sets.get(frames[1] ?? '')?.[Number(frames[2])];
      return body === undefined ? void res.writeHead(404).end() : send(body, 'application/json');
    }
    if (pathname === '/driver') return send(DRIVER_HTML, 'text/html');
    if (pathname === '/baseline') return send(BASELINE_HTML, 'text/html');
    if (pathname === '/panel') {
      const origin = `http://127.0.0.1:${this.port}`;
      const webview = { cspSource: origin, asWebviewUri: (u: { path: string }) => ({ toString: () => `${origin}${u.path}` }) };
      const joinPath = (base: { path: string }, ...p: string[]) => ({ path: path.posix.join(base.path, ...p) });
      return send(panelHtml(webview as never, { path: '/' } as never, joinPath as never, 'bench-task', 'Panel'), 'text/html');
    }
    const rel = path.normalize(decodeURIComponent(pathname)).replace(/^[/\\]+/, '');
    if (!/^(dist|media)[/\\]/.test(rel)) return void res.writeHead(404).end();
    const override = this.assets ? path.join(this.assets, path.basename(rel)) : '';
    const file = override && /^(webview\.js|panel\.css)$/.test(path.basename(rel)) && existsSync(override) ? override : path.join(REPO, rel);
    try {
      send(readFileSync(file), TYPES[path.extname(rel)] ?? 'application/octet-stream');
    } catch {
      res.writeHead(404).end();
    }
  }
}
