import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { sessionMarkdown } from '../core/sessionMarkdown';
import { ThreadReducer } from '../core/threadReducer';
import { replayRollout } from '../node/rolloutReader';
import { resolveCodexHome } from '../node/sessionFiles';
import { SessionIndex } from '../node/sessionIndex';
import { searchSessions } from '../node/sessionSearch';
import { SESSIONS_VIEW, SessionsTree, type SessionNode, type SessionRow } from './sessionsTree';
import type { TaskManager } from './taskManager';

/** The official Codex extension, which can take a thread over. */
const OFFICIAL_EXTENSION = 'openai.chatgpt';

function rowOf(arg: unknown): SessionRow | undefined {
  const n = arg as SessionNode | undefined;
  if (n?.kind === 'session') return n.row;
  return undefined;
}

/** Registers the Sessions tree, its file watcher and the history commands. */
export function registerHistory(context: vscode.ExtensionContext, tasks: TaskManager): SessionsTree {
  const config = vscode.workspace.getConfiguration('codexSessions');
  const homeSetting = (): string => resolveCodexHome(vscode.workspace.getConfiguration('codexSessions').get<string>('codexHome') || undefined);
  const index = new SessionIndex({ codexHome: homeSetting(), cacheFile: path.join(context.globalStorageUri.fsPath, 'session-index.bin') });
  const workspaceOnly = (vscode.workspace.workspaceFolders?.length ?? 0) > 0 && config.get<boolean>('history.workspaceOnly', true);
  const tree = new SessionsTree(index, () => tasks.running(), tasks.log, workspaceOnly);
  const view = vscode.window.createTreeView(SESSIONS_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  const onFile = (uri: vscode.Uri): void => tree.changed([uri.fsPath]);
  /** Watches the rollout files of the current CODEX_HOME (replaced when the setting changes). */
  const watch = (home: string): vscode.Disposable => {
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(home), '{sessions,archived_sessions}/**/*.jsonl'));
    return vscode.Disposable.from(w, w.onDidCreate(onFile), w.onDidChange(onFile), w.onDidDelete(onFile));
  };
  let watcher = watch(index.codexHome);

  const open = async (arg: unknown): Promise<void> => {
    const row = rowOf(arg) ?? (await pickSession(tree, 'Open which session?'));
    if (row) await tasks.openReplay(row.path, { id: row.id, title: row.title ?? null, cwd: row.cwd ?? null });
  };

  context.subscriptions.push(
    tree,
    view,
    { dispose: () => watcher.dispose() },
    // A new CODEX_HOME applies without a reload: the index, the watcher and the tree move to it.
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration('codexSessions.codexHome') || homeSetting() === index.codexHome) return;
      await index.setCodexHome(homeSetting());
      watcher.dispose();
      watcher = watch(index.codexHome);
      tree.reload();
    }),
    tasks.onDidChange(() => tree.runningChanged()),
    vscode.commands.registerCommand('codexSessions.refreshSessions', () => tree.reload()),
    vscode.commands.registerCommand('codexSessions.showAllSessions', () => tree.setWorkspaceOnly(false)),
    vscode.commands.registerCommand('codexSessions.showWorkspaceSessions', () => tree.setWorkspaceOnly(true)),
    vscode.commands.registerCommand('codexSessions.openSession', open),
    vscode.commands.registerCommand('codexSessions.resumeSession', async (arg: unknown) => {
      if (!vscode.workspace.isTrusted) return void vscode.window.showWarningMessage('Resuming runs codex: not in an untrusted workspace.');
      const row = rowOf(arg) ?? (await pickSession(tree, 'Resume which session?'));
      if (!row) return;
      const prompt = await vscode.window.showInputBox({ title: `Resume: ${row.title ?? row.id}`, prompt: 'What should Codex do next in this thread?' });
      if (!prompt) return;
      await tasks.openReplay(row.path, { id: row.id, title: row.title ?? null, cwd: row.cwd ?? null });
      await tasks.followUpById(`replay-${row.id}`, prompt);
    }),
    vscode.commands.registerCommand('codexSessions.copySessionId', async (arg: unknown) => {
      const row = rowOf(arg);
      if (row) await vscode.env.clipboard.writeText(row.id);
    }),
    vscode.commands.registerCommand('codexSessions.revealSessionFile', async (arg: unknown) => {
      const row = rowOf(arg);
      if (row) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(row.path));
    }),
    vscode.commands.registerCommand('codexSessions.exportSessionMarkdown', async (arg: unknown) => {
      const row = rowOf(arg) ?? (await pickSession(tree, 'Export which session?'));
      if (!row) return;
      const r = await replayRollout(row.path, new ThreadReducer());
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: sessionMarkdown(r.state, r.session) });
      await vscode.window.showTextDocument(doc);
    }),
    vscode.commands.registerCommand('codexSessions.archiveSession', async (arg: unknown) => {
      const row = rowOf(arg);
      if (!row || row.archived) return;
      const target = path.join(index.codexHome, 'archived_sessions', path.basename(row.path));
      await mkdir(path.dirname(target), { recursive: true });
      await rename(row.path, target);
      tree.changed([row.path, target]);
      void vscode.window.setStatusBarMessage(`Archived ${row.title ?? row.id}`, 3000);
    }),
    vscode.commands.registerCommand('codexSessions.openInCodexExtension', async (arg: unknown) => {
      const row = rowOf(arg);
      if (!row) return;
      if (!vscode.extensions.getExtension(OFFICIAL_EXTENSION)) return void vscode.window.showInformationMessage('The official Codex extension is not installed.');
      // The official extension opens threads through its URI handler.
      await vscode.env.openExternal(vscode.Uri.parse(`${vscode.env.uriScheme}://${OFFICIAL_EXTENSION}/local/${encodeURIComponent(row.id)}`));
    }),
    vscode.commands.registerCommand('codexSessions.searchSessions', () => searchTitles(tree, open)),
    vscode.commands.registerCommand('codexSessions.searchSessionContents', () => searchContents(tree, open)),
  );
  void vscode.commands.executeCommand('setContext', 'codexSessions.officialExtension', !!vscode.extensions.getExtension(OFFICIAL_EXTENSION));
  return tree;
}

type RowItem = vscode.QuickPickItem & { row?: SessionRow; contents?: true };

function rowItem(r: SessionRow): RowItem {
  return { label: r.title ?? r.id, description: [r.cwd ? path.basename(r.cwd) : null, r.started_at?.slice(0, 16).replace('T', ' ')].filter(Boolean).join(' · '), detail: r.cwd ?? undefined, row: r };
}

async function pickSession(tree: SessionsTree, placeHolder: string): Promise<SessionRow | undefined> {
  return (await vscode.window.showQuickPick(tree.visible().map(rowItem), { placeHolder, matchOnDescription: true, matchOnDetail: true }))?.row;
}

/** Quick pick over titles, with a way into full-text search. */
async function searchTitles(tree: SessionsTree, open: (n: SessionNode) => Promise<void>): Promise<void> {
  const items: RowItem[] = [{ label: '$(search) Search session contents…', description: 'prompts, messages, commands, outputs, file paths', alwaysShow: true, contents: true }, ...tree.all().map(rowItem)];
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Search Codex sessions by title, folder or date', matchOnDescription: true, matchOnDetail: true });
  if (picked?.contents) return searchContents(tree, open);
  if (picked?.row) await open({ kind: 'session', row: picked.row });
}

/** Full-text search over every session's contents: streaming, cancellable, with progress and snippets. */
async function searchContents(tree: SessionsTree, open: (n: SessionNode) => Promise<void>): Promise<void> {
  const query = await vscode.window.showInputBox({ title: 'Search Codex session contents', prompt: 'Text to find in prompts, messages, commands, outputs and file paths' });
  if (!query) return;
  const rows = tree.all();
  const hits = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Searching ${rows.length} sessions for "${query}"`, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    let last = 0;
    try {
      return await searchSessions(rows, query, {
        signal: controller.signal,
        onProgress: (p) => {
          const pct = Math.floor((p.filesDone / Math.max(1, p.filesTotal)) * 100);
          progress.report({ increment: pct - last, message: `${p.filesDone}/${p.filesTotal}` });
          last = pct;
        },
      });
    } catch {
      return null; // cancelled
    }
  });
  if (!hits) return;
  if (!hits.length) return void vscode.window.showInformationMessage(`No session contains "${query}".`);
  const items: RowItem[] = hits.map((h) => ({ ...rowItem(h.session as SessionRow), detail: h.matches[0] ? `${h.matches[0].kind}: ${h.matches[0].snippet}` : undefined }));
  const picked = await vscode.window.showQuickPick(items, { placeHolder: `${hits.length} session(s) contain "${query}"`, matchOnDetail: true });
  if (picked?.row) await open({ kind: 'session', row: picked.row });
}
