import * as vscode from 'vscode';
import { localDay } from '../core/localDay';
import { Throttle } from '../core/throttle';
import type { SessionIndex } from '../node/sessionIndex';
import { usageView } from '../node/usageView';
import { usageWebviewMessageSchema, type UsageHostMessage, type UsageRange, type UsageScope } from '../shared/usageProtocol';
import { panelResourceRoots } from './panelHtml';
import type { TaskManager } from './taskManager';
import type { UsageData } from './usageData';
import { UsageStatusBar } from './usageStatusBar';
import { usageHtml } from './usageHtml';

/** The report's webview type. */
export const USAGE_PANEL_TYPE = 'codexSessions.usageReport';
/**
 * Partial reports while a cold index fills: at most this often (a snapshot of 10,000 sessions takes ~70 ms of the
 * extension host's time).
 */
const PARTIAL_MS = 1000;

/**
 * "Codex: Usage Report": one panel, built from the session index and its cache. The page asks for a range and scope;
 * the host answers with a snapshot at once (the cached usage) and, while the index reads new files, partial snapshots
 * with progress, then the final one. Messages from the page are validated; only sessions the index knows are opened.
 */
export class UsageReportPanel implements vscode.Disposable {
  private static current: UsageReportPanel | undefined;
  private range: UsageRange = '30';
  private scope: UsageScope = 'workspace';
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly partial = new Throttle(() => void this.post(), PARTIAL_MS);
  private generation = 0;

  /** Opens the report, or brings it to the front. */
  static show(extensionUri: vscode.Uri, data: UsageData, tasks: TaskManager): void {
    if (UsageReportPanel.current) return UsageReportPanel.current.panel.reveal();
    const panel = vscode.window.createWebviewPanel(USAGE_PANEL_TYPE, 'Codex Usage', vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: panelResourceRoots(extensionUri, vscode.Uri.joinPath) });
    UsageReportPanel.current = new UsageReportPanel(panel, extensionUri, data, tasks);
  }

  /** Takes over the report VS Code restores after a reload; the page kept its range, scope and metric. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, data: UsageData, tasks: TaskManager): void {
    UsageReportPanel.current?.dispose();
    panel.webview.options = { enableScripts: true, localResourceRoots: panelResourceRoots(extensionUri, vscode.Uri.joinPath) };
    UsageReportPanel.current = new UsageReportPanel(panel, extensionUri, data, tasks);
  }

  /** Lets go of the panel on deactivation without closing it, so a reload restores it. */
  static detach(): void {
    UsageReportPanel.current?.dispose();
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly data: UsageData,
    private readonly tasks: TaskManager,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'codex.svg');
    panel.webview.html = usageHtml(panel.webview, extensionUri, vscode.Uri.joinPath);
    if (!data.hasWorkspace) this.scope = 'all';
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
      // Progress only while the index fills for the first time; a warm refresh updates the page silently.
      data.onProgress(() => this.ready && !data.ready && this.partial.call()),
      data.onDidRefresh(() => this.ready && void this.post()),
    );
  }

  private get index(): SessionIndex {
    return this.data.index;
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = usageWebviewMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const m = parsed.data;
    if (m.type === 'ready' || m.type === 'query') {
      this.ready = true;
      this.range = m.range;
      this.scope = m.scope === 'workspace' && !this.data.hasWorkspace ? 'all' : m.scope;
      await this.post();
      this.refreshData();
    } else if (m.type === 'refresh') {
      this.refreshData();
      await this.post();
    } else if (m.type === 'openSession') {
      const s = this.index.get(m.path);
      if (s) await this.tasks.openReplay(s.path, { id: s.id, title: s.title ?? null, cwd: s.cwd ?? null });
    }
  }

  private refreshData(): void {
    this.data.refresh().catch((e: Error) => this.send({ type: 'error', message: `Could not read the session history: ${e.message}` }));
  }

  /** Computes and sends a snapshot, with progress while the index has not been read once yet (figures still grow). */
  private async post(): Promise<void> {
    const gen = ++this.generation;
    try {
      let sessions = this.index.sessions();
      if (this.scope === 'workspace') sessions = await this.data.inWorkspace(sessions);
      if (gen !== this.generation) return; // a newer request answers instead
      const view = usageView(sessions, { range: this.range, scope: this.scope, today: localDay(Date.now()), pricing: this.data.pricing(), hasWorkspace: this.data.hasWorkspace });
      const p = this.data.progress;
      this.send({ type: 'report', view, progress: this.data.ready ? null : { done: p?.done ?? 0, total: p?.total ?? 0 } });
    } catch (e) {
      this.send({ type: 'error', message: `Could not compute the usage report: ${(e as Error).message}` });
    }
  }

  private send(m: UsageHostMessage): void {
    void this.panel.webview.postMessage(m);
  }

  dispose(): void {
    if (UsageReportPanel.current === this) UsageReportPanel.current = undefined;
    this.partial.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Registers the status bar item and the "Codex: Usage Report" command over the history's session index. */
export function registerUsage(context: vscode.ExtensionContext, tasks: TaskManager, data: UsageData): void {
  context.subscriptions.push(
    data,
    new UsageStatusBar(tasks, data),
    vscode.commands.registerCommand('codexSessions.showUsageReport', () => UsageReportPanel.show(context.extensionUri, data, tasks)),
    vscode.window.registerWebviewPanelSerializer(USAGE_PANEL_TYPE, { deserializeWebviewPanel: async (panel) => UsageReportPanel.revive(panel, context.extensionUri, data, tasks) }),
    { dispose: () => UsageReportPanel.detach() },
  );
}
