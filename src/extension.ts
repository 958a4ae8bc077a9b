import type * as vscode from 'vscode';
import { registerLog } from './vscode/log';

/** Composition root: wires services and contributions; everything disposable goes to the context. */
export function activate(context: vscode.ExtensionContext): void {
  registerLog(context);
}

export function deactivate(): void {
  // Disposables registered on the context are disposed by VS Code.
}
