import path from 'node:path';
import * as vscode from 'vscode';
import { FileHistory } from '../node/fileHistory';
import { TaskSession, titleFromPrompt, type RunSettings } from '../node/taskSession';
import type { ThreadEvent } from '../shared/threadModel';
import { ReadOnlyDocuments } from './documents';
import { readSettings } from './settings';
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
  private readonly docs = new ReadOnlyDocuments();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fired when a task starts, ends or goes away (for status bars and trees). */
  readonly onDidChange = this.changed.event;

  constructor(
    readonly extensionUri: vscode.Uri,
    readonly log: vscode.LogOutputChannel,
  ) {}

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
    const session = new TaskSession({ id, cwd: folder.fsPath, title: titleFromPrompt(prompt), settings: this.settingsFor(folder, overrides) });
    const panel = vscode.window.createWebviewPanel(TASK_PANEL_TYPE, session.title, vscode.ViewColumn.Active, { enableFindWidget: true });
    this.attach(session, new TaskPanel(panel, session, this));
    await this.send(session, prompt);
    return session;
  }

  private attach(session: TaskSession, panel: TaskPanel): void {
    const history = new FileHistory();
    this.tasks.set(session.id, { session, panel, history });
    session.onEvent((e) => this.track(session, history, e));
    panel.onDidDispose(() => {
      // Closing the panel stops its task, like closing a terminal stops its process.
      session.stop();
      this.tasks.delete(session.id);
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
    let url: URL | null = null;
    try {
      url = new URL(href);
    } catch {
      url = null;
    }
    if (url && (url.protocol === 'http:' || url.protocol === 'https:')) {
      await vscode.env.openExternal(vscode.Uri.parse(url.toString()));
      return;
    }
    if (url && url.protocol !== 'file:') {
      void vscode.window.showWarningMessage(`Codex Sessions does not open ${url.protocol} links.`);
      return;
    }
    const m = /^(.*?)(?::(\d+))?(?::\d+)?$/.exec(url ? url.pathname : href);
    const target = path.resolve(session.cwd, decodeURIComponent(m?.[1] ?? href));
    const inWorkspace = (vscode.workspace.workspaceFolders ?? []).some((f) => !path.relative(f.uri.fsPath, target).startsWith('..'));
    if (!inWorkspace) {
      const ok = await vscode.window.showWarningMessage(`Open ${target}? It is outside the workspace.`, { modal: true }, 'Open');
      if (ok !== 'Open') return;
    }
    const line = m?.[2] ? Math.max(0, Number(m[2]) - 1) : 0;
    await vscode.window.showTextDocument(vscode.Uri.file(target), { selection: new vscode.Range(line, 0, line, 0) });
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
      case 'signIn': {
        const s = readSettings();
        const term = vscode.window.createTerminal({ name: 'Codex sign-in', cwd: session.cwd, env: s.env });
        term.show();
        term.sendText(`${s.path ? JSON.stringify(s.path) : 'codex'} login`);
        break;
      }
      case 'retry': {
        const prompt = [...session.state.items].reverse().find((i) => i.type === 'user_message');
        if (prompt?.type === 'user_message' && !session.running) await this.send(session, prompt.text);
        break;
      }
    }
  }

  /** Stops every running task (deactivation, window close). */
  stopAll(): void {
    for (const s of this.running()) s.stop();
  }

  dispose(): void {
    this.stopAll();
    for (const e of this.tasks.values()) e.panel.dispose();
    this.docs.dispose();
    this.changed.dispose();
  }
}
