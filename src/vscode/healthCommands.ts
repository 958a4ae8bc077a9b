import * as vscode from 'vscode';
import { isRemoteOrHeadless, signInArgs, type SignInMethod } from '../core/signIn';
import { probeLoginFlags } from '../node/auth';
import { updateCommandFor } from '../node/healthState';
import type { ApiKeyStore } from './apiKey';
import { ACTION_COMMANDS, type HealthMonitor } from './healthUi';
import { readSettings } from './settings';

/** Where codex releases are published. */
export const RELEASES_URL = 'https://github.com/openai/codex/releases';
/** The npm package of the CLI. */
const NPM_INSTALL = 'npm install -g @openai/codex';

/**
 * A terminal the user watches (install, update, sign-in), and a fresh health check once its process ends or it is
 * closed. `command` is typed into the user's shell; `program` with `args` runs directly, without a shell.
 */
function runInTerminal(health: HealthMonitor, name: string, how: { command: string } | { program: string; args: string[] }): void {
  const env = readSettings().env;
  const terminal = 'command' in how
    ? vscode.window.createTerminal({ name, env })
    : vscode.window.createTerminal({ name, env, shellPath: how.program, shellArgs: how.args });
  terminal.show();
  if ('command' in how) terminal.sendText(how.command);
  let timer: NodeJS.Timeout | undefined;
  const recheck = (): void => {
    clearInterval(timer);
    closed.dispose();
    void health.check(`${name} ended`);
  };
  const closed = vscode.window.onDidCloseTerminal((t) => t === terminal && recheck());
  // A program run as the terminal's process ends without closing it: exitStatus says so.
  if ('program' in how) timer = setInterval(() => terminal.exitStatus && recheck(), 2000).unref();
}

/**
 * Opens the `codexSessions.path` setting where it applies: in a remote window (SSH, WSL, containers, code-server) the
 * path is the remote's, which the settings editor shows under "Remote", not "User".
 */
async function openPathSetting(): Promise<void> {
  const query = '@id:codexSessions.path';
  if (vscode.env.remoteName) {
    try {
      await vscode.commands.executeCommand('workbench.action.openRemoteSettings', { query });
      return;
    } catch {
      // An editor without remote settings: the user settings below.
    }
  }
  await vscode.commands.executeCommand('workbench.action.openSettings', query);
}

/** "Sign In…": ChatGPT in a browser, a device code (first where no browser can complete the sign-in), or an API key. */
async function signIn(health: HealthMonitor): Promise<void> {
  const report = await health.current();
  const verdict = isRemoteOrHeadless({ env: process.env, platform: process.platform, remoteName: vscode.env.remoteName, uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop' });
  const codexPath = report.codex.found && report.version?.ok ? report.codex.path : null;
  const flags = codexPath ? await probeLoginFlags(codexPath, { ...process.env, ...readSettings().env }, 5000) : null;
  type Item = vscode.QuickPickItem & { method: SignInMethod };
  const browser: Item = { method: 'browser', label: '$(globe) Sign in with ChatGPT', detail: 'Runs "codex login" in a terminal; a browser opens on this machine to finish.' };
  const device: Item = { method: 'device', label: '$(device-mobile) Sign in with a device code', detail: 'Runs "codex login --device-auth": open the link it prints on any device and enter the code.' };
  const apiKey: Item = { method: 'api-key', label: '$(key) Use an API key', detail: 'Kept in VS Code\u2019s secret storage and given only to codex, as CODEX_API_KEY.' };
  if (verdict.remote) device.description = `recommended: ${verdict.reason}`;
  else browser.description = 'recommended';
  const methods = codexPath ? (verdict.remote ? [device, browser] : [browser, device]).filter((i) => i.method !== 'device' || flags?.deviceAuth !== false) : [];
  const picked = await vscode.window.showQuickPick([...methods, apiKey], {
    title: 'Sign in to Codex',
    placeHolder: codexPath ? `Currently: ${report.auth.detail}` : 'codex is not installed: only an API key can be set now',
  });
  if (!picked) return;
  if (picked.method === 'api-key') return void (await vscode.commands.executeCommand(ACTION_COMMANDS.useApiKey));
  runInTerminal(health, 'Codex Sign-in', { program: codexPath!, args: signInArgs(picked.method) });
}

/** "Use an API Key…": asks for the key (masked input) and stores it in SecretStorage. */
async function setApiKey(keys: ApiKeyStore): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: 'Codex: Use an API Key',
    prompt: 'Your OpenAI API key. Codex Sessions keeps it in VS Code\u2019s secret storage and passes it only to codex\u2019s environment (CODEX_API_KEY).',
    placeHolder: 'sk-\u2026',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (!v.trim() ? 'Enter the key.' : /\s/.test(v.trim()) ? 'An API key has no spaces.' : undefined),
  });
  if (!key?.trim()) return;
  await keys.set(key.trim());
  void vscode.window.showInformationMessage('API key stored. Codex tasks started from VS Code use it; Codex: Forget API Key removes it.');
}

/** Registers the install, update, sign-in, API key and check commands, and starts the first check after startup. */
export function registerHealthCommands(context: vscode.ExtensionContext, health: HealthMonitor, keys: ApiKeyStore): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(ACTION_COMMANDS.showReport, () => health.showReport()),
    vscode.commands.registerCommand(ACTION_COMMANDS.checkAgain, () => health.check('Check Again')),
    vscode.commands.registerCommand(ACTION_COMMANDS.installNpm, () => runInTerminal(health, 'Install Codex CLI', { command: NPM_INSTALL })),
    vscode.commands.registerCommand(ACTION_COMMANDS.installBrew, () => runInTerminal(health, 'Install Codex CLI', { command: 'brew install codex' })),
    vscode.commands.registerCommand(ACTION_COMMANDS.update, async () => {
      const report = await health.current();
      runInTerminal(health, 'Update Codex CLI', { command: updateCommandFor(report.codex.found ? report.codex.path : null) });
    }),
    vscode.commands.registerCommand(ACTION_COMMANDS.downloadRelease, () => vscode.env.openExternal(vscode.Uri.parse(RELEASES_URL))),
    vscode.commands.registerCommand(ACTION_COMMANDS.setPath, () => openPathSetting()),
    vscode.commands.registerCommand(ACTION_COMMANDS.signIn, () => signIn(health)),
    vscode.commands.registerCommand(ACTION_COMMANDS.useApiKey, () => setApiKey(keys)),
    vscode.commands.registerCommand('codexSessions.forgetApiKey', async () => {
      if (!(await keys.get())) return void vscode.window.showInformationMessage('No API key is stored by Codex Sessions.');
      await keys.forget();
      void vscode.window.showInformationMessage('API key removed from VS Code\u2019s secret storage.');
    }),
  );
  // After activation returns: the check spawns codex and reads CODEX_HOME, none of which may delay the editor.
  const first = setTimeout(() => void health.check('startup'), 0);
  context.subscriptions.push({ dispose: () => clearTimeout(first) });
}
