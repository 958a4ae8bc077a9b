import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { parseCliVersion } from '../core/version';
import type { RunResult } from '../node/codexRunner';
import { prepareRun, type TaskOptions } from '../node/codexTask';
import { followRun, startDetached } from '../node/detachedRun';
import { FileHistory } from '../node/fileHistory';
import { titleFromPrompt } from '../core/sessionTitle';
import { TaskSession, type RunSettings } from '../node/taskSession';
import { TaskStore, type StoredTask } from '../node/taskStore';
import { replayRollout } from '../node/rolloutReader';
import { findRolloutFile } from '../node/rolloutLookup';
import { resolveCodexHome } from '../node/sessionFiles';
import { buildTimeline, ReplayPlayer } from '../core/replayPlayer';
import { decideLink } from '../core/webviewRequest';
import { readFile } from 'node:fs/promises';
import type { ThreadEvent } from '../shared/threadModel';
import { ReadOnlyDocuments } from './documents';
import { readPricing, readSettings } from './settings';
import { TASK_PANEL_TYPE, TaskPanel, type PanelHost } from './taskPanel';

/** How a new task runs, beyond the settings (chosen in "New Task with Options…"). */
export interface TaskOverrides {
  model?: string;
  sandbox?: RunSettings['sandbox'];
  reasoningEffort?: string;
  bypassApprovals?: boolean;
}

interface Entry {
  session: TaskSession;
  panel: TaskPanel;
  history: FileHistory;
}

let counter = 0;

/**
 * All tasks of this window: their sessions, panels and file histories. Implements what panels ask of the host
 * (diffs, outputs, links, follow-ups). Disposing it stops every running task.
 */
export class TaskManager implements PanelHost, vscode.Disposable {
  private readonly tasks = new Map<string, Entry>();
  private readonly players = new Map<string, ReplayPlayer>();
  private readonly docs = new ReadOnlyDocuments();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fired when a task starts, ends or goes away (for status bars and trees). */
  readonly onDidChange = this.changed.event;
  private readonly store: TaskStore;
  /** Fired on deactivation: followers let go, codex runs on (a reload re-attaches; the lease ends it otherwise). */
  private readonly detach = new AbortController();
  /** Runs go through the detached task host, except on Windows where process groups differ. */
  private readonly detached = process.platform !== 'win32';

  constructor(
    readonly extensionUri: vscode.Uri,
    readonly log: vscode.LogOutputChannel,
    storageDir: string,
    /** Variables a run gets beyond the settings (the stored API key), given the run's environment. */
    private readonly extraRunEnv?: (runEnv: Readonly<Record<string, string | undefined>>) => Promise<Record<string, string>>,
  ) {
    this.store = new TaskStore(path.join(storageDir, 'tasks'));
    const pruned = this.store.prune(7 * 24 * 3600 * 1000);
    if (pruned) log.info(`Removed ${pruned} task folder(s) older than a week.`);
  }

  /** Runs one codex process for a task, detached so it survives a reload, and records it for re-attaching. */
  private runner(task: StoredTask): (opts: TaskOptions) => Promise<RunResult | null> {
    return async (opts) => {
      const extra = await this.extraRunEnv?.({ ...process.env, ...opts.extraEnv });
      const prepared = await prepareRun(extra && Object.keys(extra).length ? { ...opts, extraEnv: { ...opts.extraEnv, ...extra } } : opts);
      if (!this.detached) {
        const { runCodex } = await import('../node/codexRunner');
        return runCodex(prepared);
      }
      const runDir = this.store.nextRunDir(task.id, task.runs.length + 1);
      task.runs.push({ prompt: opts.prompt, runDir, idPrefix: opts.idPrefix ?? '', cliVersion: prepared.cliVersion?.raw ?? null, codexPath: prepared.codexPath });
      this.store.save(task);
      const hostScript = vscode.Uri.joinPath(this.extensionUri, 'dist', 'taskHost.cjs').fsPath;
      return startDetached(prepared, { runDir, hostScript }, this.detach.signal);
    };
  }

  /** Tasks that are running now. */
  running(): TaskSession[] {
    return [...this.tasks.values()].map((e) => e.session).filter((s) => s.running);
  }

  /** The task whose panel is active, if any. */
  active(): TaskSession | undefined {
    return [...this.tasks.values()].find((e) => e.panel.panel.active)?.session;
  }

  private settingsFor(folder: vscode.Uri, overrides: TaskOverrides): () => RunSettings {
    return () => {
      const s = readSettings(folder);
      return {
        codexPath: s.path,
        extraArgs: s.cliArgs,
        extraEnv: s.env,
        model: overrides.model ?? s.model,
        sandbox: overrides.sandbox ?? s.sandbox,
        reasoningEffort: overrides.reasoningEffort ?? s.reasoningEffort,
        bypassApprovals: overrides.bypassApprovals ?? s.bypassApprovals,
        timeoutMs: s.timeoutMs,
        idleTimeoutMs: s.idleTimeoutMs,
        onCommand: (bin, args) => this.log.info(`Running ${bin} ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`),
        onStderr: (text) => this.log.debug(`codex stderr: ${text.trimEnd()}`),
      };
    };
  }

  /** Starts a task in a folder and opens its panel. */
  async start(prompt: string, folder: vscode.Uri, overrides: TaskOverrides = {}): Promise<TaskSession> {
    const id = `task-${Date.now().toString(36)}-${++counter}`;
    const task: StoredTask = { id, title: titleFromPrompt(prompt, 60) || 'Codex task', cwd: folder.fsPath, createdAt: Date.now(), overrides: { ...overrides }, runs: [] };
    const session = new TaskSession({ id, cwd: folder.fsPath, title: task.title, settings: this.settingsFor(folder, overrides), run: this.runner(task) });
    session.pricing = readPricing;
    const panel = vscode.window.createWebviewPanel(TASK_PANEL_TYPE, session.title, vscode.ViewColumn.Active, { enableFindWidget: true });
    this.attach(session, new TaskPanel(panel, session, this));
    await this.send(session, prompt);
    return session;
  }

  /**
   * Opens a past session (its rollout file) in a task panel: replayed through the same reducer and renderer as a live
   * run. A follow-up from the panel resumes the thread (`codex exec resume`).
   */
  async openReplay(file: string, meta: { id: string; title: string | null; cwd: string | null }): Promise<void> {
    const id = `replay-${meta.id.replace(/[^\w.-]/g, '_')}`;
    const open = this.tasks.get(id);
    if (open) return open.panel.reveal();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    // A session from another machine, or whose folder is gone, continues in this workspace.
    const cwd = meta.cwd && existsSync(meta.cwd) ? meta.cwd : (folder?.fsPath ?? path.dirname(file));
    if (meta.cwd && cwd !== meta.cwd) this.log.info(`Session folder ${meta.cwd} does not exist here; a resume runs in ${cwd}.`);
    const task: StoredTask = { id, title: meta.title ?? meta.id, cwd, createdAt: Date.now(), overrides: {}, runs: [], replayPath: file, threadId: meta.id };
    this.store.save(task);
    const panel = vscode.window.createWebviewPanel(TASK_PANEL_TYPE, task.title, vscode.ViewColumn.Active, { enableFindWidget: true });
    await this.replayInto(panel, task);
  }

  private async replayInto(webviewPanel: vscode.WebviewPanel, task: StoredTask): Promise<TaskSession> {
    const session = new TaskSession({ id: task.id, cwd: task.cwd, title: task.title, threadId: task.threadId, settings: this.settingsFor(vscode.Uri.file(task.cwd), task.overrides as TaskOverrides), run: this.runner(task), replay: !!task.replayPath });
    session.pricing = readPricing;
    this.attach(session, new TaskPanel(webviewPanel, session, this));
    if (task.replayPath) {
      const file = task.replayPath;
      const started = Date.now();
      await session.adopt(async (signal, onEvent) => {
        const r = await replayRollout(file, session.reducer, { signal, onEvent });
        this.log.info(`Replayed ${file}: ${r.state.items.length} items, ${r.bytes} bytes in ${Date.now() - started} ms.`);
        session.headerExtra = { player: { playing: false, speed: 1, position: 0, total: 0 } };
        return null;
      });
    }
    return session;
  }

  private attach(session: TaskSession, panel: TaskPanel): void {
    const history = new FileHistory();
    this.tasks.set(session.id, { session, panel, history });
    session.onEvent((e) => this.track(session, history, e));
    panel.onDidDispose(() => {
      // Closing the panel stops its task, like closing a terminal stops its process (not so on window reload:
      // the extension host is gone before panels are disposed, and the detached run keeps going).
      if (!this.detach.signal.aborted) {
        session.stop();
        void session.idle().then(() => this.store.remove(session.id));
      }
      this.tasks.delete(session.id);
      this.players.get(session.id)?.dispose();
      this.players.delete(session.id);
      this.changed.fire();
    });
    this.changed.fire();
  }

  private track(session: TaskSession, history: FileHistory, e: ThreadEvent | null): void {
    if (e === null) this.changed.fire();
    if (e?.type === 'item.completed' && e.item.type === 'file_change') {
      for (const c of e.item.changes) void history.recordAfter(e.item.id, path.resolve(session.cwd, c.path));
    }
  }

  private async send(session: TaskSession, prompt: string): Promise<void> {
    const entry = this.tasks.get(session.id);
    if (entry && session.state.items.length === 0) {
      // The "before" side of every diff: a bounded snapshot of the workspace taken as the task starts.
      const snap = await entry.history.capture(session.cwd);
      this.log.info(`Snapshot of ${session.cwd}: ${snap.files} files, ${snap.bytes} bytes${snap.truncated ? ' (limits reached)' : ''}.`);
    }
    const result = await session.send(prompt);
    if (result) this.log.info(`Task ${session.id} ended: ${result.state.status} (${result.reason}, exit ${result.exitCode ?? '-'})`);
  }

  /**
   * The replay player of a past session: plays its rollout with the original timing, from an empty view.
   * The timeline is built on first use.
   */
  async player(session: TaskSession, panel: TaskPanel, action: 'play' | 'pause' | 'step' | 'speed', speed?: number): Promise<void> {
    const file = this.store.load(session.id)?.replayPath;
    if (!file || session.running) return;
    let player = this.players.get(session.id);
    if (!player) {
      const frames = buildTimeline(await readFile(file, 'utf8'));
      player = new ReplayPlayer(
        frames,
        (events) => session.applyEvents(events),
        () => {
          session.clearThread();
          panel.reset();
        },
        (state) => {
          session.headerExtra = { player: state };
          session.touch();
        },
      );
      this.players.set(session.id, player);
    }
    if (action === 'play') player.play();
    else if (action === 'pause') player.pause();
    else if (action === 'step') player.step();
    else if (speed) player.setSpeed(speed);
  }

  /** Sends a follow-up to the task with this id (a replay opened from history, for example). */
  async followUpById(id: string, text: string): Promise<void> {
    const entry = this.tasks.get(id);
    if (!entry) throw new Error(`No open task ${id}.`);
    await entry.session.idle();
    await this.followUp(entry.session, text);
  }

  async followUp(session: TaskSession, text: string): Promise<void> {
    if (!vscode.workspace.isTrusted) throw new Error('Tasks cannot run in an untrusted workspace.');
    await this.send(session, text);
  }

  async openOutput(session: TaskSession, itemId: string): Promise<void> {
    const item = session.state.items.find((i) => i.id === itemId);
    if (item?.type !== 'command_execution') return;
    const uri = this.docs.put(`${session.id}/${itemId}`, 'output.log', `$ ${item.command}\n\n${item.aggregated_output}`);
    await vscode.window.showTextDocument(uri, { preview: true });
  }

  async openDiff(session: TaskSession, itemId: string, change: number): Promise<void> {
    const entry = this.tasks.get(session.id);
    const item = session.state.items.find((i) => i.id === itemId);
    const c = item?.type === 'file_change' ? item.changes[change] : undefined;
    if (!entry || !c) return;
    const file = path.resolve(session.cwd, c.path);
    const name = path.basename(file);
    const before = entry.history.before(itemId, file, c.kind);
    const after = await entry.history.afterChange(itemId, file);
    if (before.kind === 'unknown' && c.diff) {
      await vscode.window.showTextDocument(this.docs.put(`${session.id}/${itemId}/${change}/patch`, `${name}.diff`, c.diff));
      return;
    }
    const text = (v: typeof before, side: string): string => (v.kind === 'text' ? v.text : v.kind === 'absent' ? '' : `(${side} unknown: ${v.reason})`);
    const left = this.docs.put(`${session.id}/${itemId}/${change}/before`, name, text(before, 'Before'));
    const right = this.docs.put(`${session.id}/${itemId}/${change}/after`, name, text(after, 'After'));
    await vscode.commands.executeCommand('vscode.diff', left, right, `${name} (${c.kind}) — Codex`, { preview: true });
  }

  async openLink(session: TaskSession, href: string): Promise<void> {
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const d = decideLink(href, { cwd: session.cwd, workspaceRoots: roots, caseInsensitive: process.platform === 'win32' || process.platform === 'darwin' });
    if (d.kind === 'refused') {
      void vscode.window.showWarningMessage(d.reason);
      return;
    }
    if (d.kind === 'external') {
      await vscode.env.openExternal(vscode.Uri.parse(d.url, true));
      return;
    }
    if (!d.inWorkspace) {
      const ok = await vscode.window.showWarningMessage(`Open ${d.path}? It is outside the workspace.`, { modal: true }, 'Open');
      if (ok !== 'Open') return;
    }
    await vscode.window.showTextDocument(vscode.Uri.file(d.path), { selection: new vscode.Range(d.line, 0, d.line, 0) });
  }

  async runAction(session: TaskSession, action: string): Promise<void> {
    switch (action) {
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', 'codexSessions');
        break;
      case 'changeModel':
        await vscode.commands.executeCommand('workbench.action.openSettings', 'codexSessions.model');
        break;
      case 'showLog':
        this.log.show();
        break;
      case 'signIn':
        await vscode.commands.executeCommand('codexSessions.signIn');
        break;
      case 'retry': {
        const prompt = [...session.state.items].reverse().find((i) => i.type === 'user_message');
        if (prompt?.type === 'user_message' && !session.running) await this.send(session, prompt.text);
        break;
      }
    }
  }

  /**
   * Rebuilds a task in a restored panel (after a window reload): replays each recorded run from its output file and
   * follows the last one if codex is still running. A task whose process died meanwhile shows what it wrote and is
   * marked interrupted.
   */
  async restore(webviewPanel: vscode.WebviewPanel, taskId: string, threadId: string | null = null): Promise<void> {
    let task = this.store.load(taskId);
    if (!task && threadId) {
      // The task's records are gone, but the thread's rollout file tells the whole story.
      const file = await findRolloutFile(resolveCodexHome(vscode.workspace.getConfiguration('codexSessions').get<string>('codexHome') || undefined), threadId);
      if (file) {
        task = { id: taskId, title: webviewPanel.title.replace(/^● /, ''), cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? path.dirname(file), createdAt: Date.now(), overrides: {}, runs: [], replayPath: file, threadId };
        this.store.save(task);
      }
    }
    if (!task) {
      webviewPanel.webview.html = `<!DOCTYPE html><html><body style="font-family: var(--vscode-font-family); padding: 16px"><p>This Codex task is no longer available (its records were removed).</p></body></html>`;
      return;
    }
    const session = await this.replayInto(webviewPanel, task);
    for (const run of [...task.runs]) {
      await session.adopt((signal, onEvent) =>
        followRun(run.runDir, {
          codexPath: run.codexPath, args: [], cwd: task.cwd, env: {}, prompt: run.prompt, signal, onEvent,
          cliVersion: run.cliVersion ? parseCliVersion(run.cliVersion) : null,
          idPrefix: run.idPrefix,
          reducer: session.reducer,
          leadingEvents: [{ type: 'item.completed', item: { id: `${run.idPrefix}prompt`, type: 'user_message', text: run.prompt } }],
        }, null, this.detach.signal),
      );
    }
    this.log.info(`Restored task ${task.id} (${task.runs.length} run(s)): ${session.state.status}.`);
  }

  /** Stops every running task. */
  stopAll(): void {
    for (const s of this.running()) s.stop();
  }

  /** On deactivation: detached runs are let go (a reload re-attaches; otherwise their lease stops them). */
  letGo(): void {
    this.detach.abort();
    if (!this.detached) this.stopAll();
  }

  dispose(): void {
    this.letGo();
    for (const e of this.tasks.values()) e.panel.dispose();
    this.docs.dispose();
    this.changed.dispose();
  }
}
