import * as vscode from 'vscode';
import { redactingProxy } from '../core/redactingProxy';

/**
 * The extension's log channel ("Codex Sessions"), with the "Codex: Show Log" command. Everything written to it is
 * masked first: secret shapes (keys, tokens, `NAME=value` of secret variables) and the `knownSecrets` (the stored
 * API key, secret values of `codexSessions.env`).
 */
export function registerLog(context: vscode.ExtensionContext, knownSecrets: () => readonly string[] = () => []): vscode.LogOutputChannel {
  const log = redactingProxy(vscode.window.createOutputChannel('Codex Sessions', { log: true }), knownSecrets);
  context.subscriptions.push(log, vscode.commands.registerCommand('codexSessions.showLog', () => log.show()));
  return log;
}
