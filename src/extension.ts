import type * as vscode from 'vscode';
import { registerLog } from './vscode/log';
import { registerTaskCommands } from './vscode/taskCommands';
import { TaskManager } from './vscode/taskManager';

let tasks: TaskManager | undefined;

/** Composition root: wires services and contributions; everything disposable goes to the context. */
export function activate(context: vscode.ExtensionContext): void {
  const log = registerLog(context);
  tasks = new TaskManager(context.extensionUri, log);
  context.subscriptions.push(tasks);
  registerTaskCommands(context, tasks);
}

/** Stops every running task and waits (bounded) until their processes are gone. */
export async function deactivate(): Promise<void> {
  const running = tasks?.running() ?? [];
  tasks?.stopAll();
  await Promise.race([Promise.all(running.map((s) => s.idle())), new Promise((r) => setTimeout(r, 4000))]);
}
