import type * as vscode from 'vscode';
import { ApiKeyStore } from './vscode/apiKey';
import { registerHealthCommands } from './vscode/healthCommands';
import { HealthMonitor } from './vscode/healthUi';
import { registerHistory } from './vscode/historyCommands';
import { registerLog } from './vscode/log';
import { registerTaskCommands } from './vscode/taskCommands';
import { TaskManager } from './vscode/taskManager';
import { registerTaskPanelSerializer } from './vscode/taskSerializer';
import { UsageData } from './vscode/usageData';
import { registerUsage } from './vscode/usageReportPanel';

let tasks: TaskManager | undefined;

/** Composition root: wires services and contributions; everything disposable goes to the context. */
export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const keys = new ApiKeyStore(context.secrets);
  const log = registerLog(context, () => keys.knownSecrets());
  tasks = new TaskManager(context.extensionUri, log, context.globalStorageUri.fsPath, (env) => keys.envFor(env));
  const health = new HealthMonitor(log, keys, context.globalState);
  context.subscriptions.push(keys, tasks, health);
  registerHealthCommands(context, health, keys);
  registerTaskCommands(context, tasks);
  registerTaskPanelSerializer(context, tasks);
  const history = registerHistory(context, tasks);
  registerUsage(context, tasks, new UsageData(history.index, log));
  log.info(`activate took ${(performance.now() - started).toFixed(1)} ms`);
}

/**
 * Lets go of running tasks: each codex runs on in its detached host, so a window reload re-attaches to it; when the
 * editor is really gone, the host's lease runs out and it stops codex and everything codex started.
 */
export function deactivate(): void {
  tasks?.letGo();
}
