import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import { CHROMIUM } from '../../scripts/setupUiHarness.mjs';
import { REPO, type CodeServer } from './codeServer';

/** Where screenshots (and logs of failed tests) go; test-results/ is git-ignored. */
export const RESULTS_DIR = process.env.CODEX_SESSIONS_UI_RESULTS ?? path.join(REPO, 'test-results', 'ui');

/** Chromium flags for a headless run on a machine with no GPU, no sandbox support and no network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Names other than the loopback resolve to nothing, without asking a DNS server.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** One entry of the status bar. */
export interface StatusBarItem {
  /** The element id: `status.problems` for built-ins, `publisher.name.<item id>` for an extension's items. */
  id: string;
  text: string;
  /** The accessible label, which usually carries the tooltip text. */
  ariaLabel: string;
}

/** Options for `Workbench.open`. */
export interface WorkbenchOptions {
  viewport?: { width: number; height: number };
  /** How long the workbench may take to appear (default 60 s). */
  timeoutMs?: number;
}

let announcedResults = false;

/** Polls `check` until it returns something other than undefined/false, or throws after `timeoutMs`. */
export async function poll<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > until) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The VS Code web workbench of a code-server, in headless Chromium. */
export class Workbench {
  /** Errors the page printed or threw, for assertions and for debugging a failed test. */
  readonly consoleErrors: string[] = [];
  /**
   * Requests for anything but 127.0.0.1 that went to the network (and failed: see CHROMIUM_ARGS). Webview
   * resources (`https://*.vscode-resource.vscode-cdn.net/...`) are not among them: the webview's service worker
   * answers those from the workbench.
   */
  readonly externalRequests: string[] = [];

  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
    private readonly home: string,
  ) {
    page.on('console', (m) => {
      if (m.type() === 'error') this.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => this.consoleErrors.push(String(e)));
    const external = (url: string) => {
      const { protocol, hostname } = new URL(url);
      return /^(https?|wss?):$/.test(protocol) && hostname !== '127.0.0.1';
    };
    page.on('requestfailed', (r) => {
      if (external(r.url())) this.externalRequests.push(`${r.url()} (${r.failure()?.errorText ?? 'failed'})`);
    });
    page.on('response', (r) => {
      if (external(r.url()) && !r.fromServiceWorker()) this.externalRequests.push(r.url());
    });
  }

  /** Launches Chromium, opens `url` (a code-server workbench URL) and waits for the workbench to be ready. */
  static async open(url: string, options: WorkbenchOptions = {}): Promise<Workbench> {
    // A home of its own: Debian's chromium always starts a crash reporter that keeps its database under
    // ~/.config/chromium, and it writes dconf and NSS state under the home too.
    const home = mkdtempSync(path.join(os.tmpdir(), 'cs-ui-chromium-'));
    const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_CACHE_HOME: path.join(home, '.cache') };
    let browser: Browser;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, env });
    } catch (e) {
      rmSync(home, { recursive: true, force: true });
      throw e;
    }
    try {
      const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 800 } });
      const wb = new Workbench(browser, page, home);
      const timeout = options.timeoutMs ?? 60_000;
      await page.goto(url, { timeout });
      await page.locator('.monaco-workbench').waitFor({ timeout });
      // The status bar is filled once the window has restored its parts and connected to the server.
      await page.locator('.statusbar .statusbar-item').first().waitFor({ timeout });
      return wb;
    } catch (e) {
      await browser.close();
      rmSync(home, { recursive: true, force: true });
      throw e;
    }
  }

  /**
   * Runs a command by its palette title (`Codex: Show Log`): F1, type the title, pick the entry whose label is
   * exactly that title. Matching the label matters: Enter on a list not yet filtered, or fuzzy-ranked, runs
   * another command (`Open Locked Preview to the Side` ranks above `Open Preview to the Side`).
   */
  async runCommand(title: string, timeoutMs = 30_000): Promise<void> {
    await this.quickPick('F1', `>${title}`, title, timeoutMs);
  }

  /**
   * Runs a command until `shown` sees what it shows (anything but undefined/false), which must then hold for half a
   * second; returns it. The workbench can undo a command's effect a moment later: giving focus back to a webview (a
   * task panel, a Markdown preview) closes the quick input the command opened, and the layout it restores in its first
   * seconds closes a panel the command opened. The command is run again then, after `settleMs` without the effect.
   */
  async runCommandUntil<T>(title: string, shown: () => Promise<T | undefined | false>, timeoutMs = 45_000, settleMs = 5_000): Promise<T> {
    return poll(`"${title}" to show its effect`, async () => {
      if (!(await shown())) {
        await this.runCommand(title);
        await poll('the effect', shown, settleMs).catch(() => undefined);
      }
      await this.page.waitForTimeout(500);
      return shown();
    }, timeoutMs);
  }

  /** Runs a command that opens a quick input of its own (`input`: a locator of it), until the input shows and stays. */
  async runCommandWithInput(title: string, input: Locator, timeoutMs = 45_000): Promise<void> {
    await this.runCommandUntil(title, () => input.isVisible(), timeoutMs);
  }

  /** Opens a workspace file through Quick Open (Ctrl+P), by its path relative to the workspace folder. */
  async openFile(relativePath: string, timeoutMs = 30_000): Promise<void> {
    await this.quickPick('Control+P', relativePath, path.posix.basename(relativePath), timeoutMs);
    await this.page.locator(`.tabs-container .tab[data-resource-name="${path.posix.basename(relativePath)}"]`).first().waitFor();
  }

  /**
   * Opens the quick input with `key`, types `query` and clicks the first entry labelled `label`. An open quick
   * input does not pick up entries registered after it opened (the extension host connects a few seconds after
   * the workbench shows), so it is reopened until the entry shows up or `timeoutMs` passes.
   */
  private async quickPick(key: string, query: string, label: string, timeoutMs: number): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    const rows = this.page.locator('.quick-input-widget .monaco-list-row');
    const labels = () =>
      rows.evaluateAll((els) => els.map((el) => [el.getAttribute('data-index') ?? '', (el.querySelector('.label-name')?.textContent ?? '').replace(/\s+/g, ' ').trim()]));
    const until = Date.now() + timeoutMs;
    for (;;) {
      // Escape only to close a quick input we opened: with toasts on screen it would also hide them.
      if (await input.isVisible()) {
        await input.press('Escape');
        await input.waitFor({ state: 'hidden' });
      }
      await this.page.keyboard.press(key);
      await input.waitFor({ state: 'visible' });
      await input.fill(query);
      const index = await poll(`"${label}" in the quick input`, async () => (await labels()).find(([, l]) => l === label)?.[0], 3000).catch(() => undefined);
      if (index !== undefined) {
        const placeholder = await input.getAttribute('placeholder');
        await rows.and(this.page.locator(`[data-index="${index}"]`)).click();
        // Done when the quick input closed, or when the command opened a quick input of its own.
        await poll(`the quick input for "${query}" to go away`, async () => !(await input.isVisible()) || (await input.getAttribute('placeholder')) !== placeholder);
        return;
      }
      if (Date.now() > until) {
        const shown = (await labels().catch(() => [])).map(([, l]) => l);
        throw new Error(`"${label}" not found in the quick input for "${query}" within ${timeoutMs} ms (shown: ${JSON.stringify(shown)})`);
      }
    }
  }

  /** Waits until `text` is visible somewhere in the workbench (not inside webviews: use `webviewFrame`). */
  async waitForText(text: string | RegExp, timeoutMs = 15_000): Promise<Locator> {
    const loc = this.page.getByText(text).first();
    await loc.waitFor({ state: 'visible', timeout: timeoutMs });
    return loc;
  }

  /** The status bar's visible text, items separated by ` | `. */
  async statusBarText(): Promise<string> {
    return (await this.statusBarItems()).map((i) => i.text).filter(Boolean).join(' | ');
  }

  /** Every status bar item, left to right. */
  async statusBarItems(): Promise<StatusBarItem[]> {
    return this.page.locator('.statusbar .statusbar-item').evaluateAll((els) =>
      els.map((el) => ({
        id: el.id,
        text: ((el as HTMLElement).innerText ?? '').replace(/\s+/g, ' ').trim(),
        ariaLabel: el.querySelector('[aria-label]')?.getAttribute('aria-label') ?? el.getAttribute('aria-label') ?? '',
      })),
    );
  }

  /** The messages of the notification toasts on screen (and of the notification center, when open). */
  async notifications(): Promise<string[]> {
    return this.page
      .locator('.notifications-toasts .notification-list-item-message, .notifications-center .notification-list-item-message')
      .evaluateAll((els) => els.map((el) => ((el as HTMLElement).innerText ?? '').trim()));
  }

  /** The messages of open dialogs (modal errors such as "Command 'X' resulted in an error"). */
  async dialogs(): Promise<string[]> {
    return this.page
      .locator('.monaco-dialog-box')
      .evaluateAll((els) => els.map((el) => ((el as HTMLElement).innerText ?? '').replace(/\s+/g, ' ').trim()));
  }

  /** The id of the view container shown in the bottom panel (`workbench.panel.output`), or undefined if it is closed. */
  async activePanel(): Promise<string | undefined> {
    const panel = this.page.locator('#workbench\\.parts\\.panel');
    if (!(await panel.isVisible())) return undefined;
    return (await panel.getAttribute('data-active-composite')) ?? undefined;
  }

  /** The output channel selected in the Output view, or undefined when the Output view is not showing. */
  async outputChannel(): Promise<string | undefined> {
    if ((await this.activePanel()) !== 'workbench.panel.output') return undefined;
    // The panel keeps a second, hidden copy of the channel picker (for the view's own header): take the visible one.
    const select = this.page.locator('#workbench\\.parts\\.panel select[aria-label="Switch Output"]').filter({ visible: true });
    if ((await select.count()) !== 1) return undefined;
    return select.evaluate((el) => {
      const s = el as HTMLSelectElement;
      return s.options[s.selectedIndex]?.text;
    });
  }

  /**
   * The frame holding an extension webview's content. VS Code nests it: an outer `iframe.webview` (its host
   * page) holds `#active-frame` with the extension's HTML, so we poll all frames. `match` is a CSS selector that
   * must exist in the frame, or a predicate on the frame.
   */
  async webviewFrame(match: string | ((frame: Frame) => Promise<boolean> | boolean), timeoutMs = 15_000): Promise<Frame> {
    const test = typeof match === 'string' ? async (f: Frame) => (await f.locator(match).count()) > 0 : match;
    return poll(`a webview frame matching ${typeof match === 'string' ? match : 'the predicate'}`, async () => {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame() || frame.isDetached()) continue;
        try {
          if (await test(frame)) return frame;
        } catch {
          // A frame that navigated or went away while we looked.
        }
      }
      return undefined;
    }, timeoutMs);
  }

  /** Saves a PNG of the whole window as RESULTS_DIR/NAME.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(RESULTS_DIR, { recursive: true });
    if (!announcedResults) {
      announcedResults = true;
      console.log(`      screenshots: ${RESULTS_DIR}`);
    }
    const file = path.join(RESULTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Closes the browser and removes its home. Safe to call twice. */
  async close(): Promise<void> {
    await this.browser.close();
    rmSync(this.home, { recursive: true, force: true });
  }
}

/**
 * An `afterEach` hook that keeps evidence of a failed test: a screenshot and code-server's output and logs, named
 * `<prefix>-<test title>` under RESULTS_DIR. The getters are called late: the suite's `before` sets them.
 */
export function failureEvidence(prefix: string, getWb: () => Workbench | undefined, getServer: () => CodeServer | undefined) {
  return async function (this: Mocha.Context): Promise<void> {
    if (this.currentTest?.state !== 'failed') return;
    const name = `${prefix}-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 50)}`;
    await getWb()?.screenshot(`${name}-failure`).catch(() => undefined);
    getServer()?.saveLogs(path.join(RESULTS_DIR, `${name}-logs`));
  };
}
