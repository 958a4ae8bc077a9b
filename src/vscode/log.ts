import * as vscode from 'vscode';

/** The extension's log channel ("Codex Sessions"), with the "Codex: Show Log" command. */
export function registerLog(context: vscode.ExtensionContext): vscode.LogOutputChannel {
  const log = vscode.window.createOutputChannel('Codex Sessions', { log: true });
  context.subscriptions.push(log, vscode.commands.registerCommand('codexSessions.showLog', () => log.show()));
  return log;
}
