import path from 'node:path';
import * as vscode from 'vscode';
import { groupByTime, relativeTime } from '../core/timeGroups';
import { PathCanonicalizer, platformPathOptions } from '../node/pathIdentity';
import { isUnder } from '../core/pathCompare';
import { describeSkipped, sessionTimeMs, type SessionFile, type SessionInfo } from '../node/sessionFiles';
import type { SessionIndex } from '../node/sessionIndex';
import type { TaskSession } from '../node/taskSession';

/** The tree's view id. */
export const SESSIONS_VIEW = 'codexSessions.sessions';

/** A row of the history tree. */
export type SessionNode =
  /** `open`: shown expanded at first (see `groupByTime`). */
  | { kind: 'group'; key: string; label: string; sessions: SessionRow[]; open: boolean }
  | { kind: 'session'; row: SessionRow }
  | { kind: 'running'; task: TaskSession }
  /** Files of the history that could not be read (see `SessionIndex.skipped`). */
  | { kind: 'skipped'; count: number };

/** A session as the tree shows it: the file, and its metadata once read. */
export type SessionRow = SessionFile & Partial<Omit<SessionInfo, keyof SessionFile>>;

/**
 * The "Sessions" tree: running tasks first, then past sessions grouped by time. The skeleton (file names) shows at
 * once; titles and folders fill in as the index reads heads in the background. "This workspace only" filters by the
 * session's folder, comparing paths robustly (symlinks, case, trailing slashes).
 */
export class SessionsTree implements vscode.TreeDataProvider<SessionNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<SessionNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private rows: SessionRow[] = [];
  private workspaceOnly: boolean;
  private readonly canon = new PathCanonicalizer();
  private inWorkspace = new Set<string>();
  private loading: Promise<void> | null = null;
  /** Set once a first load was started: an empty history must not reload on every redraw. */
  private loadedOnce = false;
  private debounce: NodeJS.Timeout | undefined;

  constructor(
    /** The index the tree shows; the usage status bar and report share it. */
    readonly index: SessionIndex,
    private readonly running: () => TaskSession[],
    private readonly log: vscode.LogOutputChannel,
    workspaceOnly: boolean,
  ) {
    this.workspaceOnly = workspaceOnly;
    void vscode.commands.executeCommand('setContext', 'codexSessions.workspaceOnly', workspaceOnly);
  }

  /** Everything the tree currently lists (after filtering), newest first. */
  visible(): SessionRow[] {
    return this.workspaceOnly ? this.rows.filter((r) => this.inWorkspace.has(r.path)) : this.rows;
  }

  /** All sessions known, unfiltered. */
  all(): SessionRow[] {
    return this.rows;
  }

  setWorkspaceOnly(on: boolean): void {
    this.workspaceOnly = on;
    void vscode.commands.executeCommand('setContext', 'codexSessions.workspaceOnly', on);
    this.emitter.fire(undefined);
  }

  /** Re-reads the history: skeleton first, then metadata (from the cache where files did not change). */
  reload(): Promise<void> {
    if (this.loading) return this.loading;
    this.loadedOnce = true;
    this.loading = (async () => {
      const started = Date.now();
      const files = await this.index.scan();
      const known = new Map(this.index.sessions().map((s) => [s.path, s]));
      this.rows = files.map((f) => known.get(f.path) ?? f);
      this.emitter.fire(undefined);
      await vscode.window.withProgress({ location: { viewId: SESSIONS_VIEW }, title: 'Reading Codex sessions' }, async () => {
        let last = Date.now();
        await this.index.refresh({
          onProgress: () => {
            if (Date.now() - last > 500) {
              last = Date.now();
              this.rows = this.merge(files);
              void this.computeWorkspace().then(() => this.emitter.fire(undefined));
            }
          },
        });
      });
      this.rows = this.merge(files);
      await this.computeWorkspace();
      await this.index.save().catch((e: Error) => this.log.warn(`Could not save the session index: ${e.message}`));
      this.log.info(`History: ${this.rows.length} sessions in ${Date.now() - started} ms.`);
      const skipped = this.index.skipped();
      if (skipped.length) this.log.warn(`History: ${describeSkipped(skipped).tooltip}`);
      this.emitter.fire(undefined);
    })().finally(() => (this.loading = null));
    return this.loading;
  }

  /** Files a watcher saw appear, grow or go away. */
  changed(paths: string[]): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      void this.index.update(paths).then(async () => {
        const files = await this.index.scan();
        this.rows = this.merge(files);
        await this.computeWorkspace();
        await this.index.save().catch(() => undefined);
        this.emitter.fire(undefined);
      });
    }, 400);
  }

  /** Refreshes the "running" rows. */
  runningChanged(): void {
    this.emitter.fire(undefined);
  }

  private merge(files: SessionFile[]): SessionRow[] {
    const known = new Map(this.index.sessions().map((s) => [s.path, s]));
    // Files that could not be read are listed once, in the "skipped" row, not as sessions that cannot be opened.
    const skipped = new Set(this.index.skipped().map((e) => e.path));
    return files.filter((f) => !skipped.has(f.path)).map((f) => known.get(f.path) ?? f);
  }

  private async computeWorkspace(): Promise<void> {
    const opts = platformPathOptions();
    const folders = await Promise.all((vscode.workspace.workspaceFolders ?? []).map((f) => this.canon.canonical(f.uri.fsPath)));
    const inside = new Set<string>();
    for (const r of this.rows) {
      if (!r.cwd) continue;
      const cwd = await this.canon.canonical(r.cwd);
      if (folders.some((f) => isUnder(cwd, f, opts))) inside.add(r.path);
    }
    this.inWorkspace = inside;
  }

  getChildren(node?: SessionNode): SessionNode[] {
    if (node?.kind === 'group') return node.sessions.map((row) => ({ kind: 'session', row }));
    if (node) return [];
    if (!this.loadedOnce && !this.loading) void this.reload();
    const now = Date.now();
    const groups: SessionNode[] = groupByTime(this.visible(), sessionTimeMs, now).map((g) => ({ kind: 'group', key: g.key, label: g.label, sessions: g.items, open: g.open }));
    const running: SessionNode[] = this.running().map((task) => ({ kind: 'running', task }));
    const skipped = this.index.skipped().length;
    return [...running, ...groups, ...(skipped ? [{ kind: 'skipped', count: skipped } as const] : [])];
  }

  getTreeItem(node: SessionNode): vscode.TreeItem {
    if (node.kind === 'skipped') {
      const { label, tooltip } = describeSkipped(this.index.skipped());
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('warning');
      item.tooltip = tooltip;
      item.id = 'skipped';
      item.contextValue = 'skippedFiles';
      return item;
    }
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.label, node.open ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${node.sessions.length}`;
      item.id = `group:${node.key}`;
      return item;
    }
    if (node.kind === 'running') {
      const item = new vscode.TreeItem(node.task.title, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('loading~spin');
      item.description = `running · ${path.basename(node.task.cwd)}`;
      item.contextValue = 'runningTask';
      item.id = `running:${node.task.id}`;
      return item;
    }
    const r = node.row;
    const item = new vscode.TreeItem(r.title ?? (r.started_at === undefined ? `Session ${r.id.slice(0, 8)}…` : '(no prompt)'), vscode.TreeItemCollapsibleState.None);
    item.id = `session:${r.path}`;
    item.description = [relativeTime(sessionTimeMs(r), Date.now()), r.cwd ? path.basename(r.cwd) : null].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(r.archived ? 'archive' : r.source === 'exec' ? 'terminal' : r.source === 'ide' ? 'vm' : 'comment-discussion');
    item.contextValue = r.archived ? 'session.archived' : 'session';
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${(r.title ?? 'Session').replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&')}**\n\n`);
    const rows: [string, string | null | undefined][] = [
      ['Id', r.id], ['Started', r.started_at ?? r.local_time], ['Folder', r.cwd], ['Model', r.model], ['CLI', r.cli_version], ['Source', r.source], ['File', r.path],
    ];
    for (const [k, v] of rows) if (v) md.appendMarkdown(`${k}: \`${v.replace(/`/g, "'")}\`  \n`);
    item.tooltip = md;
    item.command = { command: 'codexSessions.openSession', title: 'Open', arguments: [node] };
    item.accessibilityInformation = { label: `${r.title ?? 'Session'}, ${item.description}` };
    return item;
  }

  dispose(): void {
    clearTimeout(this.debounce);
    this.emitter.dispose();
  }
}
