import * as vscode from 'vscode';
import { localDay } from '../core/localDay';
import { Throttle } from '../core/throttle';
import { breakdownOf, breakdownOfSlices, statusText, statusTooltip, type StatusInput, type StatusScope } from '../core/usageStatus';
import { LiveRolloutUsage } from '../node/liveUsage';
import type { TaskSession } from '../node/taskSession';
import { COST_BASIS, usageReport } from '../node/usageReport';
import type { TaskManager } from './taskManager';
import type { UsageData } from './usageData';

/** At most this many repaints a second while tokens stream in. */
const REPAINT_MS = 250;
/** The idle total is recomputed this often (sessions run outside VS Code too), and on focus at most this often. */
const SUMMARY_EVERY_MS = 5 * 60_000;
const FOCUS_MIN_MS = 30_000;
/** The first total is computed this long after activation. */
const FIRST_SUMMARY_MS = 1000;
/** After a task ends, codex may still be flushing its rollout file. */
const AFTER_TASK_MS = 1500;
/** While a task runs, its rollout file (token records after every model call) is checked this often. */
const LIVE_POLL_MS = 1000;

/**
 * The status bar item: a running task's live tokens and cost, otherwise today's total (all sessions, or this
 * workspace's, per `codexSessions.statusBarScope`). Repaints are throttled; the text and tooltip are only set when
 * they change (no flicker). The history is read in the background after startup, never during activation.
 */
export class UsageStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly throttle = new Throttle(() => this.paint(), REPAINT_MS);
  private readonly subscriptions = new Map<TaskSession, () => void>();
  private summary: StatusInput | null = null;
  private summaryDay = '';
  private computing = false;
  private again = false;
  private lastFocusRefresh = 0;
  private timer: NodeJS.Timeout | undefined;
  private text = '';
  private tooltip = '';
  private readonly live: LiveRolloutUsage;
  private poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly tasks: TaskManager,
    private readonly data: UsageData,
  ) {
    this.live = new LiveRolloutUsage(() => data.index.codexHome);
    this.item = vscode.window.createStatusBarItem('codexSessions.usage', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Codex Usage';
    this.item.command = 'codexSessions.showUsageReport';
    this.disposables.push(
      this.item,
      tasks.onDidChange(() => this.tasksChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('codexSessions.statusBar.enabled')) this.applyVisibility();
        if (['statusBarScope', 'pricing', 'codexHome'].some((k) => e.affectsConfiguration(`codexSessions.${k}`))) void this.computeSummary();
      }),
      vscode.window.onDidChangeWindowState((w) => {
        if (w.focused && Date.now() - this.lastFocusRefresh > FOCUS_MIN_MS) void this.computeSummary();
      }),
    );
    this.applyVisibility();
    this.throttle.call();
    // Started on a timer so activation returns first, and a moment later so that the Sessions view, if open, gets the
    // index first (its head-only refresh is what the user waits for; refreshes of one index run one after another).
    this.timer = setTimeout(() => void this.computeSummary(), FIRST_SUMMARY_MS);
  }

  private get enabled(): boolean {
    return vscode.workspace.getConfiguration('codexSessions').get<boolean>('statusBar.enabled', true);
  }

  private get scope(): StatusScope {
    return vscode.workspace.getConfiguration('codexSessions').get<string>('statusBarScope') === 'workspace' ? 'workspace' : 'today';
  }

  private applyVisibility(): void {
    if (this.enabled) this.item.show();
    else this.item.hide();
  }

  private tasksChanged(): void {
    const running = new Set(this.tasks.running());
    for (const [s, unsubscribe] of this.subscriptions) {
      if (running.has(s)) continue;
      unsubscribe();
      this.subscriptions.delete(s);
      setTimeout(() => void this.computeSummary(), AFTER_TASK_MS);
    }
    if (running.size && !this.poller) this.poller = setInterval(() => void this.pollRollouts(), LIVE_POLL_MS);
    if (!running.size && this.poller) {
      clearInterval(this.poller);
      this.poller = undefined;
    }
    for (const s of running) if (!this.subscriptions.has(s)) this.subscriptions.set(s, s.onEvent((e) => (e === null || e.type === 'usage' || e.type === 'turn.completed' || e.type === 'thread.meta') && this.throttle.call()));
    this.throttle.call();
  }

  /** Reads the running threads' rollout files (only when they grew) for tokens the exec stream has not reported yet. */
  private async pollRollouts(): Promise<void> {
    const running = this.tasks.running();
    this.live.retain(running.map((s) => s.state.thread_id).filter((id): id is string => !!id));
    const pricing = this.data.pricing();
    for (const s of running) {
      const id = s.state.thread_id;
      if (!id) continue;
      const usage = await this.live.read(id).catch(() => null);
      if (!usage) continue;
      // The session tells its listeners (this item, its panel) when the figure changed.
      s.setRolloutUsage(breakdownOfSlices(usage.slices, pricing));
    }
  }

  /** Recomputes today's total from the index (warm: stats only), then repaints. Calls during a run coalesce. */
  private async computeSummary(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.computeSummary(), SUMMARY_EVERY_MS);
    if (this.computing) return void (this.again = true);
    this.computing = true;
    this.lastFocusRefresh = Date.now();
    const scope = this.scope;
    try {
      if (!this.summary || this.summaryDay !== localDay(Date.now())) this.summary = { kind: 'loading', scope };
      this.throttle.call();
      await this.data.refresh();
      const today = localDay(Date.now());
      let sessions = this.data.index.sessions();
      if (scope === 'workspace') sessions = await this.data.inWorkspace(sessions);
      const report = usageReport(sessions, { since: today, until: today, by: 'model', pricing: this.data.pricing() });
      const models = report.rows.map((r) => ({ model: 'model' in r ? r.model : null, usage: r, usd: r.cost_usd }));
      this.summary = { kind: 'summary', scope, breakdown: breakdownOf(models), sessions: report.totals.sessions };
      this.summaryDay = today;
    } catch (e) {
      this.summary = { kind: 'error', message: (e as Error).message };
    } finally {
      this.computing = false;
      this.throttle.call();
    }
    if (this.again) {
      this.again = false;
      void this.computeSummary();
    }
  }

  /** What to show now: the running tasks if any, else the summary. */
  private input(): StatusInput {
    const running = this.tasks.running();
    if (running.length) {
      return {
        kind: 'live',
        tasks: running.map((s) => {
          // The same figure as the task panel's header (the exec stream's, or the rollout file's when ahead).
          return { title: s.title, breakdown: s.usageBreakdown() };
        }),
      };
    }
    return this.summary ?? { kind: 'loading', scope: this.scope };
  }

  private paint(): void {
    const input = this.input();
    const text = statusText(input);
    const tooltip = statusTooltip(input, COST_BASIS);
    if (text !== this.text) this.item.text = this.text = text;
    if (tooltip !== this.tooltip) {
      this.tooltip = tooltip;
      const md = new vscode.MarkdownString(tooltip, true);
      md.isTrusted = { enabledCommands: ['codexSessions.showUsageReport'] };
      this.item.tooltip = md;
    }
    this.item.accessibilityInformation = { label: text.replace(/\$\([^)]*\)\s*/g, '').replace(/\btok\b/, 'tokens'), role: 'button' };
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearInterval(this.poller);
    this.throttle.dispose();
    for (const unsubscribe of this.subscriptions.values()) unsubscribe();
    for (const d of this.disposables) d.dispose();
  }
}
