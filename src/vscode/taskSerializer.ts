import * as vscode from 'vscode';
import type { WebviewPersistedState } from '../shared/protocol';
import type { TaskManager } from './taskManager';
import { TASK_PANEL_TYPE } from './taskPanel';

/** Restores task panels after a window reload from the task id the page saved with `setState`. */
export function registerTaskPanelSerializer(context: vscode.ExtensionContext, tasks: TaskManager): void {
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(TASK_PANEL_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const taskId = state && typeof state === 'object' && typeof (state as WebviewPersistedState).taskId === 'string' ? (state as WebviewPersistedState).taskId : '';
        if (!/^[\w.-]+$/.test(taskId)) {
          panel.dispose();
          return;
        }
        const threadId = typeof (state as WebviewPersistedState).threadId === 'string' ? (state as WebviewPersistedState).threadId : null;
        // Not awaited: restoring follows a running task until it ends.
        void tasks.restore(panel, taskId, threadId).catch((e: Error) => tasks.log.error(`Could not restore task ${taskId}: ${e.message}`));
      },
    }),
  );
}
