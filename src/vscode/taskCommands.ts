import path from 'node:path';
import * as vscode from 'vscode';
import { SANDBOX_MODES, type SandboxMode } from '../core/execArgs';
import { KNOWN_MODELS, likelyTypoOf, REASONING_EFFORTS } from '../core/models';
import { REQUEST_MARKER } from '../core/sessionTitle';
import { readSettings } from './settings';
import type { TaskManager, TaskOverrides } from './taskManager';

const RECENT_KEY = 'codexSessions.recentPrompts';
const RECENT_MAX = 20;

/** Asks for a prompt, offering recent prompts; resolves undefined when dismissed. */
async function askPrompt(context: vscode.ExtensionContext, title: string, prefix = ''): Promise<string | undefined> {
  const recent = context.globalState.get<string[]>(RECENT_KEY, []);
  type PromptItem = vscode.QuickPickItem & { prompt: string };
  const qp = vscode.window.createQuickPick<PromptItem>();
  qp.title = title;
  qp.placeholder = 'What should Codex do? Type a prompt and press Enter (recent prompts below)';
  const recentItems: PromptItem[] = recent.map((p) => ({ label: p.replace(/\s+/g, ' ').slice(0, 200), description: 'recent', prompt: p }));
  qp.items = recentItems;
  // What the user types is always the first choice, so typing never silently picks a recent prompt.
  qp.onDidChangeValue((v) => {
    qp.items = v.trim() ? [{ label: v, description: 'new prompt', alwaysShow: true, prompt: v }, ...recentItems] : recentItems;
  });
  const prompt = await new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => {
      resolve(qp.selectedItems[0]?.prompt ?? (qp.value.trim() || undefined));
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!prompt) return undefined;
  await context.globalState.update(RECENT_KEY, [prompt, ...recent.filter((p) => p !== prompt)].slice(0, RECENT_MAX));
  // The request goes after the context under the marker the IDE extensions use, so titles (here, in the history
  // and in other tools) show the request, not the context.
  return prefix ? `${prefix}\n\n${REQUEST_MARKER}\n${prompt}` : prompt;
}

/** The folder a task runs in: the only one, the active editor's, or one the user picks. */
async function pickFolder(hint?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (hint) {
    const f = vscode.workspace.getWorkspaceFolder(hint);
    if (f) return f.uri;
  }
  if (folders.length === 1) return folders[0]!.uri;
  if (folders.length === 0) {
    void vscode.window.showWarningMessage('Open a folder first: Codex runs tasks in a workspace folder.', 'Open Folder').then((a) => a && vscode.commands.executeCommand('vscode.openFolder'));
    return undefined;
  }
  return (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Run the task in which folder?' }))?.uri;
}

function ensureTrusted(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage('Codex tasks cannot run in an untrusted workspace: they execute commands in it. Browsing and replaying history still works.', 'Manage Workspace Trust').then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}

/** Picks model, sandbox and reasoning effort, starting from the settings. */
async function pickOptions(): Promise<TaskOverrides | undefined> {
  const s = readSettings();
  const custom = '$(edit) Other model…';
  const modelPick = await vscode.window.showQuickPick([...(s.model && !KNOWN_MODELS.includes(s.model as never) ? [s.model] : []), ...KNOWN_MODELS, custom].map((m) => ({ label: m, description: m === s.model ? 'current setting' : undefined })), { title: 'Codex task: model (1/3)', placeHolder: s.model ?? 'codex default' });
  if (!modelPick) return undefined;
  let model = modelPick.label;
  if (model === custom) {
    const typed = await vscode.window.showInputBox({ title: 'Model name', prompt: 'Any model your codex and provider accept' });
    if (!typed) return undefined;
    model = typed.trim();
    const typo = likelyTypoOf(model);
    if (typo) {
      const use = await vscode.window.showWarningMessage(`"${model}" is not a model Codex Sessions knows. Did you mean "${typo}"?`, `Use ${typo}`, `Keep ${model}`);
      if (!use) return undefined;
      if (use.startsWith('Use')) model = typo;
    }
  }
  const sandboxItems = [
    { label: 'read-only', description: 'codex may read files and run read-only commands' },
    { label: 'workspace-write', description: 'codex may edit files in the workspace' },
    { label: 'danger-full-access', description: '$(warning) no sandbox: codex may change anything on this machine' },
  ].filter((i) => (SANDBOX_MODES as readonly string[]).includes(i.label));
  const sandbox = await vscode.window.showQuickPick(sandboxItems, { title: 'Codex task: sandbox (2/3)', placeHolder: s.sandbox ?? 'codex default' });
  if (!sandbox) return undefined;
  if (sandbox.label === 'danger-full-access') {
    const ok = await vscode.window.showWarningMessage('Full access runs every command codex decides on without a sandbox, with your permissions. Continue?', { modal: true }, 'Run with full access');
    if (!ok) return undefined;
  }
  const effort = await vscode.window.showQuickPick(REASONING_EFFORTS.map((e) => ({ label: e, description: e === s.reasoningEffort ? 'current setting' : undefined })), { title: 'Codex task: reasoning effort (3/3)', placeHolder: s.reasoningEffort ?? 'codex default' });
  if (!effort) return undefined;
  return { model, sandbox: sandbox.label as SandboxMode, reasoningEffort: effort.label };
}

/** Registers the task commands of the command palette, editor and explorer menus. */
export function registerTaskCommands(context: vscode.ExtensionContext, tasks: TaskManager): void {
  const run = async (prompt: string | undefined, folder: vscode.Uri | undefined, overrides?: TaskOverrides): Promise<void> => {
    if (!prompt || !folder) return;
    const typo = overrides?.model ? null : likelyTypoOf(readSettings(folder).model ?? '');
    if (typo) void vscode.window.showWarningMessage(`The model setting "${readSettings(folder).model}" may be a typo of "${typo}".`);
    await tasks.start(prompt, folder, overrides);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('codexSessions.newTask', async (uri?: vscode.Uri, text?: string) => {
      if (!ensureTrusted()) return;
      const folder = await pickFolder(uri ?? vscode.window.activeTextEditor?.document.uri);
      if (!folder) return;
      const context2 = uri && uri.scheme === 'file' && uri.fsPath !== folder.fsPath ? `Context: ${path.relative(folder.fsPath, uri.fsPath)}` : '';
      await run(typeof text === 'string' && text ? text : await askPrompt(context, 'Codex: New Task', context2), folder);
    }),
    vscode.commands.registerCommand('codexSessions.newTaskFromSelection', async () => {
      if (!ensureTrusted()) return;
      const editor = vscode.window.activeTextEditor;
      if (!editor) return void vscode.window.showInformationMessage('Select some code in an editor first.');
      const folder = await pickFolder(editor.document.uri);
      if (!folder) return;
      const sel = editor.selection;
      const rel = path.relative(folder.fsPath, editor.document.uri.fsPath) || editor.document.uri.fsPath;
      const code = editor.document.getText(sel.isEmpty ? undefined : sel);
      const lines = sel.isEmpty ? 'whole file' : `lines ${sel.start.line + 1}-${sel.end.line + 1}`;
      const fence = '`'.repeat(Math.max(3, ...(code.match(/`+/g) ?? []).map((m) => m.length + 1)));
      await run(await askPrompt(context, `Codex: New Task from Selection (${rel}, ${lines})`, `Context: ${rel} (${lines})\n${fence}${editor.document.languageId}\n${code}\n${fence}`), folder);
    }),
    vscode.commands.registerCommand('codexSessions.newTaskWithOptions', async () => {
      if (!ensureTrusted()) return;
      const folder = await pickFolder(vscode.window.activeTextEditor?.document.uri);
      if (!folder) return;
      const overrides = await pickOptions();
      if (!overrides) return;
      await run(await askPrompt(context, `Codex: New Task (${overrides.model}, ${overrides.sandbox}, ${overrides.reasoningEffort})`), folder, overrides);
    }),
    vscode.commands.registerCommand('codexSessions.stopTask', async (node?: { kind?: string; task?: { stop(): void } }) => {
      if (node?.kind === 'running' && node.task) return node.task.stop();
      const running = tasks.running();
      const active = tasks.active();
      const target = active?.running ? active : running.length === 1 ? running[0] : (await vscode.window.showQuickPick(running.map((s) => ({ label: s.title, description: s.cwd, s })), { placeHolder: 'Stop which task?' }))?.s;
      if (!target) {
        if (running.length === 0) void vscode.window.showInformationMessage('No Codex task is running.');
        return;
      }
      target.stop();
    }),
  );
}
