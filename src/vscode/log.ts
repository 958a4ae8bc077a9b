import * as vscode from 'vscode';
import { redactSecrets } from '../core/redact';

const WRITERS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace']);

/**
 * The channel, with every message masked by `redactSecrets` (key shapes, tokens, `NAME=value` of secret variables)
 * and the `knownSecrets` (the stored API key, secret values of `codexSessions.env`) before it is written.
 */
function redacting(channel: vscode.LogOutputChannel, knownSecrets: () => readonly string[]): vscode.LogOutputChannel {
  const mask = (v: unknown): unknown => {
    if (typeof v === 'string') return redactSecrets(v, knownSecrets());
    if (v instanceof Error) return Object.assign(new Error(redactSecrets(v.message, knownSecrets())), { stack: v.stack && redactSecrets(v.stack, knownSecrets()) });
    if (v && typeof v === 'object') return redactSecrets(JSON.stringify(v), knownSecrets());
    return v;
  };
  return new Proxy(channel, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      return typeof prop === 'string' && WRITERS.has(prop) ? (...args: unknown[]) => fn.apply(target, args.map(mask)) : fn.bind(target);
    },
  });
}

/**
 * The extension's log channel ("Codex Sessions"), with the "Codex: Show Log" command. Everything written to it is
 * masked: see {@link redacting}.
 */
export function registerLog(context: vscode.ExtensionContext, knownSecrets: () => readonly string[] = () => []): vscode.LogOutputChannel {
  const log = redacting(vscode.window.createOutputChannel('Codex Sessions', { log: true }), knownSecrets);
  context.subscriptions.push(log, vscode.commands.registerCommand('codexSessions.showLog', () => log.show()));
  return log;
}
