// The usage status bar item and the usage report in real VS Code (code-server), on a prepared CODEX_HOME, with a
// real task (the real codex binary against the fake model) for the live figures. Needs the UI harness and a build.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Frame, Locator } from 'playwright-core';
import { localDay } from '../../src/core/rolloutUsage';
import { SessionIndex } from '../../src/node/sessionIndex';
import { usageReport } from '../../src/node/usageReport';
import { formatTokens, formatUsd } from '../../src/shared/usageFormat';
import { assistantMessage, codexProviderArgs, execCommand, startFakeModelServer, type FakeModelServer, type RecordedRequest } from '../integration/fakeModelServer';
import { startCodeServer, type CodeServer } from './codeServer';
import { failureEvidence, poll, Workbench } from './workbench';

const CODEX = path.resolve(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'codex');

interface Calls {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

/** Writes a rollout as CLI 0.100 does: meta, turn context with the model, one cumulative token_count per call. */
function writeRollout(codexHome: string, o: { id: string; cwd: string; model: string; start: number; title: string; calls: Calls[] }): void {
  let t = o.start;
  const ts = (): string => new Date((t += 1500)).toISOString();
  const total = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 0 };
  const lines: unknown[] = [
    { timestamp: ts(), type: 'session_meta', payload: { id: o.id, timestamp: new Date(o.start).toISOString(), cwd: o.cwd, originator: 'codex_exec', cli_version: '0.100.0', source: 'exec' } },
    { timestamp: ts(), type: 'turn_context', payload: { cwd: o.cwd, approval_policy: 'never', model: o.model } },
    { timestamp: ts(), type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: o.title }] } },
  ];
  for (const c of o.calls) {
    const last = { input_tokens: c.input, cached_input_tokens: c.cached, output_tokens: c.output, reasoning_output_tokens: c.reasoning, total_tokens: c.input + c.output };
    for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += last[k];
    lines.push({ timestamp: ts(), type: 'event_msg', payload: { type: 'token_count', info: { total_token_usage: { ...total }, last_token_usage: last, model_context_window: 272000 } } });
  }
  const d = new Date(o.start);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const local = `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}-${p2(d.getMinutes())}-${p2(d.getSeconds())}`;
  const dir = path.join(codexHome, 'sessions', local.slice(0, 4), local.slice(5, 7), local.slice(8, 10));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `rollout-${local}-${o.id}.jsonl`), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
}

function lastPrompt(req: RecordedRequest): { prompt: string; step: number } {
  const input = ((req.body as { input?: unknown[] })?.input ?? []) as { type?: string; role?: string; content?: { text?: string }[] }[];
  let last = -1;
  input.forEach((it, i) => {
    if (it.type === 'message' && it.role === 'user' && !(it.content?.[0]?.text ?? '').startsWith('<')) last = i;
  });
  return { prompt: (input[last]?.content ?? []).map((c) => c.text ?? '').join(''), step: input.slice(last + 1).filter((it) => it.type === 'function_call_output').length };
}

describe('UI: usage in the status bar and the usage report', function () {
  this.timeout(300_000);
  let model: FakeModelServer;
  let server: CodeServer;
  let wb: Workbench;
  let home: string;
  let codexHome: string;
  let workspace: string;
  let settings: Record<string, unknown>;

  /** Changes settings the way the Settings editor would: the files change, VS Code applies them without a reload. */
  function setSettings(patch: Record<string, unknown>): void {
    settings = { ...settings, ...patch };
    for (const f of [path.join(server.userDataDir, 'User', 'settings.json'), path.join(server.userDataDir, 'Machine', 'settings.json')]) {
      const current = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
      writeFileSync(f, JSON.stringify({ ...current, ...patch }, null, 2));
    }
  }

  /** Our status bar item (found by its command's accessible name), or undefined when hidden. */
  async function usageItem(): Promise<{ text: string; loc: Locator } | undefined> {
    const hit = (await wb.statusBarItems()).find((i) => i.id.includes('codexSessions.usage'));
    return hit ? { text: hit.text, loc: wb.page.locator(`[id="${hit.id}"]`) } : undefined;
  }

  async function statusMatching(want: RegExp, timeoutMs = 60_000): Promise<string> {
    const seen = new Set<string>();
    try {
      return await poll(`the usage status item to match ${want}`, async () => {
        const it = await usageItem();
        seen.add(it?.text ?? '(no item)');
        return it && want.test(it.text) ? it.text : undefined;
      }, timeoutMs);
    } catch (e) {
      throw new Error(`${(e as Error).message}; seen: ${[...seen].join(' | ')}`);
    }
  }

  /** The task panel whose title contains `title`. */
  function taskFrame(title: string): Promise<Frame> {
    return wb.webviewFrame(async (f) => (await f.locator('#header .title').count()) > 0 && ((await f.locator('#header .title').textContent()) ?? '').includes(title), 60_000);
  }

  /** Today's figures from the real core over the same CODEX_HOME (the core itself is checked against ccusage). */
  async function expected(scope: 'all' | 'workspace', since: string, until = localDay(Date.now())): Promise<{ tokens: number; usd: number; sessions: number }> {
    const index = new SessionIndex({ codexHome, cacheFile: null });
    await index.refresh({ usage: true });
    const sessions = index.sessions().filter((s) => scope === 'all' || (s.cwd ?? '').startsWith(workspace));
    const t = usageReport(sessions, { since, until }).totals;
    return { tokens: t.input_tokens + t.output_tokens, usd: t.cost_usd, sessions: t.sessions };
  }

  before(async () => {
    model = await startFakeModelServer((req) => {
      const { prompt, step } = lastPrompt(req);
      if (prompt.includes('usage test')) return step === 0 ? [assistantMessage('Counting tokens while a command runs.'), execCommand('sleep 20 && echo slept', { yieldTimeMs: 60_000 })] : [assistantMessage('Done counting.')];
      return [assistantMessage('ok')];
    });
    home = mkdtempSync(path.join(os.tmpdir(), 'cs-ui-usage-'));
    codexHome = path.join(home, 'codex-home');
    workspace = path.join(home, 'workspace');
    mkdirSync(workspace);
    const now = Date.now();
    const todayStart = new Date(now);
    todayStart.setHours(0, 0, 30, 0);
    // Sessions earlier today (never in the future, never before midnight), and some on earlier days.
    const today = (minutesAgo: number): number => Math.max(todayStart.getTime(), now - minutesAgo * 60_000);
    const daysAgo = (n: number): number => now - n * 86_400_000;
    writeRollout(codexHome, { id: '019a0000-0000-7000-8000-00000000000a', cwd: workspace, model: 'gpt-5-codex', start: today(90), title: 'Refactor the parser into smaller modules', calls: [{ input: 70_000, cached: 10_000, output: 3000, reasoning: 600 }, { input: 50_000, cached: 10_000, output: 2000, reasoning: 400 }] });
    writeRollout(codexHome, { id: '019a0000-0000-7000-8000-00000000000b', cwd: workspace, model: 'gpt-5', start: today(40), title: 'Write unit tests for the date helpers', calls: [{ input: 80_000, cached: 0, output: 3000, reasoning: 1000 }] });
    writeRollout(codexHome, { id: '019a0000-0000-7000-8000-00000000000c', cwd: path.join(home, 'other-project'), model: 'gpt-5-codex', start: today(20), title: 'Explain the build system', calls: [{ input: 300_000, cached: 100_000, output: 10_000, reasoning: 2000 }] });
    const models = ['gpt-5-codex', 'gpt-5', 'gpt-5.1-codex', 'gpt-4.1'];
    for (let d = 1; d < 40; d++) {
      if (d % 3 === 2) continue;
      const m = models[d % models.length]!;
      const scale = 1 + ((d * 7) % 5);
      writeRollout(codexHome, { id: `019a0000-0000-7000-8000-0000000001${String(d).padStart(2, '0')}`, cwd: d % 4 === 0 ? path.join(home, 'other-project') : workspace, model: m, start: daysAgo(d), title: `Task from ${d} days ago: ${['add a CLI flag', 'fix flaky test', 'update docs', 'speed up the index'][d % 4]}`, calls: [{ input: 40_000 * scale, cached: 12_000 * scale, output: 1500 * scale, reasoning: 300 * scale }] });
    }
    settings = {
      'codexSessions.path': CODEX,
      'codexSessions.codexHome': codexHome,
      'codexSessions.cliArgs': codexProviderArgs(model, { requestMaxRetries: 0, streamMaxRetries: 0 }),
      'codexSessions.env': { OPENAI_API_KEY: 'sk-test', CODEX_HOME: codexHome, HOME: home },
      'codexSessions.model': 'gpt-5-codex',
      'codexSessions.bypassApprovals': true,
    };
    server = await startCodeServer({ workspace, settings });
    wb = await Workbench.open(server.workspaceUrl);
  });

  afterEach(failureEvidence('usage', () => wb, () => server));

  after(async () => {
    await wb?.close();
    await server?.stop();
    await model?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("shows today's total after startup, per scope, and hides and shows without a reload", async () => {
    const day = localDay(Date.now());
    const all = await expected('all', day);
    assert.equal(all.tokens, 125_000 + 83_000 + 310_000, 'the prepared sessions of today');
    const text = await statusMatching(/tok/);
    assert.equal(text, `${formatTokens(all.tokens)} tok · ${formatUsd(all.usd)} today`);
    await (await usageItem())!.loc.hover();
    const hover = wb.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Codex usage today' }).first();
    await hover.waitFor({ state: 'visible', timeout: 15_000 });
    const tip = await hover.innerText();
    assert.match(tip, /3 sessions/);
    assert.match(tip, /Input[\s\S]*518,000|Input[\s\S]*500,000/);
    assert.match(tip, /gpt-5-codex[\s\S]*gpt-5/);
    assert.match(tip, /API-equivalent estimate/);
    await wb.screenshot('usage-status-tooltip-light');
    await wb.page.mouse.move(600, 300);

    setSettings({ 'codexSessions.statusBarScope': 'workspace' });
    const mine = await expected('workspace', day);
    assert.equal(mine.tokens, 125_000 + 83_000);
    assert.equal(await statusMatching(/today \(workspace\)/), `${formatTokens(mine.tokens)} tok · ${formatUsd(mine.usd)} today (workspace)`);

    setSettings({ 'codexSessions.statusBar.enabled': false });
    await poll('the item to go away', async () => !(await usageItem()));
    setSettings({ 'codexSessions.statusBar.enabled': true, 'codexSessions.statusBarScope': 'today' });
    await statusMatching(/tok · \$[\d.]+ today$/);
    assert.deepEqual(server.extensionErrors(), []);
  });

  it('shows a running task\'s live tokens from its first model call, then today\'s total with it', async () => {
    const before = await expected('all', localDay(Date.now()));
    const input = wb.page.locator('.quick-input-widget .quick-input-box input[placeholder^="What should Codex do"]');
    await wb.runCommandWithInput('Codex: New Task', input);
    await input.fill('usage test: count while sleeping');
    await poll('the typed prompt to be offered', async () => (await wb.page.locator('.quick-input-widget .monaco-list-row').first().textContent())?.includes('usage test'));
    await input.press('Enter');
    // The fake model's first call: input 1011 (100 cached), output 20. The stream reports tokens only when the turn
    // ends; the status bar shows them while codex is still running the command, from the rollout file.
    const live = await statusMatching(/^1\.0K tok · <\$0\.01$/, 60_000);
    const item = (await usageItem())!;
    assert.ok((await item.loc.locator('.codicon-sync, .codicon-loading').count()) > 0, 'a spinning icon while running');
    const frame = await taskFrame('usage test');
    assert.match((await frame.locator('#header .status-text').textContent()) ?? '', /Running|Working/i, `the task still runs while the status shows ${live}`);
    // The panel's header shows the same live figure, with its estimated cost.
    await poll('the panel header to show the live tokens', async () => /1\.0k in · 20 out · ~\$0\.00\d/.test((await frame.locator('#header .usage').textContent()) ?? ''));
    await item.loc.hover();
    await wb.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'usage test' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await wb.screenshot('usage-status-live');
    await wb.page.mouse.move(600, 300);
    await poll('the task to finish', async () => /Done/.test((await frame.locator('#header .status-text').textContent()) ?? ''), 60_000);
    const after = await expected('all', localDay(Date.now()));
    // Two calls: input 1011 + 2011, output 20 + 21.
    assert.equal(after.tokens - before.tokens, 1011 + 2011 + 20 + 21);
    await statusMatching(new RegExp(`^${formatTokens(after.tokens).replace('.', '\\.')} tok · .* today$`), 30_000);
  });

  it('opens the usage report with a stacked chart whose totals match the data, in light and dark themes', async () => {
    await (await usageItem())!.loc.click();
    const frame: Frame = await wb.webviewFrame('#chart svg .bar', 30_000);
    await poll('the final report (no progress)', async () => (await frame.locator('#progress').isHidden()) && (await frame.locator('#total-tokens').count()) > 0);
    const day = localDay(Date.now());
    const since = new Date(Date.now() - 29 * 86_400_000);
    const since30 = localDay(since.getTime());
    const mine = await expected('workspace', since30, day);
    assert.equal(await frame.locator('#chart svg .bar').count(), 30, 'one bar per day of the last 30');
    assert.ok((await frame.locator('#chart svg rect.seg').count()) >= 10, 'stacked segments');
    assert.equal(Number(await frame.locator('#total-tokens').getAttribute('data-value')), mine.tokens);
    assert.equal(Number(await frame.locator('#total-sessions').getAttribute('data-value')), mine.sessions);
    const barSum = await frame.locator('#chart svg .bar').evaluateAll((els) => els.reduce((a, el) => a + Number(el.getAttribute('data-total')), 0));
    assert.equal(barSum, mine.tokens, 'the bars add up to the total');
    assert.match(await frame.locator('#legend').innerText(), /gpt-5-codex/);
    assert.match(await frame.locator('#basis').innerText(), /API-equivalent estimate/);
    assert.ok((await frame.locator('#top-cost tbody tr').count()) >= 5);
    await wb.screenshot('usage-report-light');

    // All workspaces, all time.
    await frame.locator('[data-group="scope"][data-value="all"]').click();
    await frame.locator('[data-group="range"][data-value="all"]').click();
    const all = await expected('all', '2000-01-01', day);
    await poll('the totals of every session', async () => Number(await frame.locator('#total-tokens').getAttribute('data-value')) === all.tokens);
    assert.ok((await frame.locator('#chart svg .bar').count()) >= 40);
    // Cost chart and keyboard: the last bar has focus, ArrowLeft moves to the one before.
    await frame.locator('[data-group="metric"][data-value="usd"]').click();
    await poll('cost axis', async () => /\$/.test(await frame.locator('#chart svg .tick.y').last().textContent() ?? ''));
    await frame.locator('#chart svg .bar[tabindex="0"]').focus();
    await frame.locator('#chart svg .bar[tabindex="0"]').press('ArrowLeft');
    assert.match(await frame.locator('#detail').innerText(), /\$/);

    setSettings({ 'workbench.colorTheme': 'Default Dark Modern' });
    await poll('the dark theme', async () => (await wb.page.locator('.monaco-workbench.vs-dark').count()) > 0, 30_000);
    await frame.locator('[data-group="metric"][data-value="tokens"]').click();
    await frame.locator('[data-group="range"][data-value="30"]').click();
    await poll('30 bars again', async () => (await frame.locator('#chart svg .bar').count()) === 30);
    await wb.screenshot('usage-report-dark');

    // A top session opens as a replay.
    const first = frame.locator('#top-tokens button.link').first();
    const title = (await first.textContent()) ?? '';
    await first.click();
    await taskFrame(title.slice(0, 20));
    setSettings({ 'workbench.colorTheme': 'Default Light Modern' });
    await poll('the light theme', async () => (await wb.page.locator('.monaco-workbench.vs-dark').count()) === 0, 30_000);
    assert.deepEqual(server.extensionErrors(), []);
  });

  it('a window reload restores the report with the range and scope the user chose', async () => {
    await wb.page.locator('.tabs-container .tab', { hasText: 'Codex Usage' }).first().click();
    const before = await wb.webviewFrame('#chart svg .bar', 30_000);
    assert.equal(await before.locator('[data-group="scope"][data-value="all"]').getAttribute('aria-pressed'), 'true');
    // "Developer: Reload Window" (not a bare page reload): the workbench saves its editors first.
    const palette = wb.page.locator('.quick-input-widget .quick-input-box input');
    await wb.page.keyboard.press('F1');
    await palette.fill('>Developer: Reload Window');
    await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Developer: Reload Window' }).first().waitFor();
    await Promise.all([wb.page.waitForEvent('framenavigated', { predicate: (f) => f === wb.page.mainFrame(), timeout: 60_000 }), palette.press('Enter')]);
    await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    assert.ok(before.isDetached(), 'the page was reloaded');
    await wb.page.locator('.tabs-container .tab', { hasText: 'Codex Usage' }).first().waitFor({ timeout: 60_000 });
    await wb.page.locator('.tabs-container .tab', { hasText: 'Codex Usage' }).first().click();
    const frame = await wb.webviewFrame('#chart svg .bar', 60_000);
    const all = await expected('all', localDay(Date.now() - 29 * 86_400_000));
    await poll('the restored report to show every workspace', async () => Number(await frame.locator('#total-tokens').getAttribute('data-value')) === all.tokens, 30_000);
    assert.equal(await frame.locator('[data-group="scope"][data-value="all"]').getAttribute('aria-pressed'), 'true');
    assert.equal(await frame.locator('#chart svg .bar').count(), 30);
    assert.deepEqual(server.extensionErrors(), []);
  });
});
