import os from 'node:os';
import * as vscode from 'vscode';
import { redactSecrets } from '../core/redact';
import { checkInstallation, type HealthReport } from '../node/health';
import { formatHealthReport } from '../node/healthReport';
import { ACTION_LABELS, summarizeHealth, type CliState, type HealthAction, type HealthSummary } from '../node/healthState';
import type { ApiKeyStore } from './apiKey';
import { ReadOnlyDocuments } from './documents';
import { readSettings } from './settings';

/** The context key that picks the Sessions view's welcome content (`ok`, `missing`, … see {@link CliState}). */
export const CLI_STATE_KEY = 'codexSessions.cliState';

/** The command behind each action of a notification or welcome view. */
export const ACTION_COMMANDS: Record<HealthAction, string> = {
  installNpm: 'codexSessions.installCli',
  installBrew: 'codexSessions.installCliWithHomebrew',
  downloadRelease: 'codexSessions.downloadRelease',
  setPath: 'codexSessions.setPath',
  update: 'codexSessions.updateCli',
  signIn: 'codexSessions.signIn',
  useApiKey: 'codexSessions.setApiKey',
  checkAgain: 'codexSessions.checkAgain',
  showReport: 'codexSessions.checkInstallation',
};

/**
 * Remembers "Don't Show Again" for the sign-in notification: codex may authenticate in ways no check can see (a
 * custom provider's own key variable), and such users should not be asked in every window.
 */
const MUTE_SIGN_IN_KEY = 'codexSessions.health.muteSignIn';
const DONT_SHOW = "Don't Show Again";

/** Per command (`--version`, `login status`), ms. */
const CHECK_TIMEOUT_MS = 10_000;

/**
 * The installation health check in the editor: runs `checkInstallation` in the background (after startup, when the
 * codex settings or the stored key change, on "Check Again"), and shows the verdict in a status bar item, the
 * `codexSessions.cliState` context key (welcome views) and, once per state and window, a notification.
 */
export class HealthMonitor implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('codexSessions.health', vscode.StatusBarAlignment.Left, 10);
  private readonly docs = new ReadOnlyDocuments('codex-sessions-report');
  private readonly notified = new Set<CliState>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private generation = 0;
  private latest: Promise<HealthReport> | undefined;
  /** The last finished report. */
  report: HealthReport | undefined;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly keys: ApiKeyStore,
    private readonly memento: vscode.Memento,
  ) {
    this.item.name = 'Codex CLI';
    this.item.command = ACTION_COMMANDS.showReport;
    this.item.text = '$(sync~spin) Codex';
    this.item.tooltip = 'Checking the Codex CLI\u2026';
    this.item.show();
    this.subscriptions.push(
      this.item,
      this.docs,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (['path', 'env', 'codexHome'].some((s) => e.affectsConfiguration(`codexSessions.${s}`))) void this.check('settings changed');
      }),
      keys.onDidChange(() => void this.check('API key changed')),
    );
  }

  /** Runs the check (the newest call wins) and shows its result; never throws (`checkInstallation` does not). */
  check(reason: string, notify = true): Promise<HealthReport> {
    const generation = ++this.generation;
    const run = (async () => {
      const s = readSettings();
      const codexHome = vscode.workspace.getConfiguration('codexSessions').get<string>('codexHome') || undefined;
      const report = await checkInstallation({
        configuredPath: s.path, env: { ...process.env, ...s.env }, extraEnv: s.env, platform: process.platform, homedir: os.homedir(),
        codexHome, hasStoredKey: !!(await this.keys.get()), timeoutMs: CHECK_TIMEOUT_MS,
      });
      if (generation === this.generation) {
        await this.show(report, reason, notify).catch((e: unknown) => this.log.error(`Showing the health check failed: ${String(e)}`));
      }
      return report;
    })();
    this.latest = run;
    return run;
  }

  /** The newest report, waiting for a check in progress (or starting one). */
  current(): Promise<HealthReport> {
    return this.latest ?? this.check('first use', false);
  }

  private async show(report: HealthReport, reason: string, notify: boolean): Promise<void> {
    this.report = report;
    // Errors are codex's own words (stderr of --version): mask secrets there as in the report and the log.
    const raw = summarizeHealth(report);
    const mask = (t: string): string => redactSecrets(t, this.keys.knownSecrets());
    const s: HealthSummary = { ...raw, tooltip: mask(raw.tooltip), notification: raw.notification && { ...raw.notification, message: mask(raw.notification.message) } };
    const version = report.version?.ok ? report.version.version.raw : 'none';
    this.log.info(`Health check (${reason}): ${s.state}; codex ${report.codex.found ? report.codex.path : 'not found'}, version ${version}, sign-in ${report.auth.method}, CODEX_HOME ${report.codexHome.path}, remote ${vscode.env.remoteName ?? 'none'}; ${report.timings.total} ms`);
    this.item.text = s.statusText;
    this.item.tooltip = s.tooltip;
    this.item.backgroundColor = s.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    await vscode.commands.executeCommand('setContext', CLI_STATE_KEY, s.state);
    if (notify) this.notify(s);
  }

  /** One notification per state and window: a state the user has seen is not shown again until another came. */
  private notify(s: HealthSummary): void {
    if (!s.notification || this.notified.has(s.state)) return;
    if (s.state === 'signedOut' && this.memento.get<boolean>(MUTE_SIGN_IN_KEY)) return;
    this.notified.add(s.state);
    const n = s.notification;
    const labels = [...n.actions.map((a) => ACTION_LABELS[a]), ...(s.state === 'signedOut' ? [DONT_SHOW] : [])];
    const shown = n.severity === 'error' ? vscode.window.showErrorMessage(n.message, ...labels) : vscode.window.showWarningMessage(n.message, ...labels);
    void shown.then((picked) => {
      if (picked === DONT_SHOW) return void this.memento.update(MUTE_SIGN_IN_KEY, true);
      const action = n.actions.find((a) => ACTION_LABELS[a] === picked);
      if (action) void vscode.commands.executeCommand(ACTION_COMMANDS[action]);
    });
  }

  /** "Codex: Check Installation": a fresh check, and its report (secrets masked) as a rendered markdown document. */
  async showReport(): Promise<void> {
    const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Checking the Codex CLI' }, () => this.check('Check Installation', false));
    const markdown = formatHealthReport(report, this.keys.knownSecrets());
    const uri = this.docs.put('health', 'Codex Installation Check.md', markdown);
    // Rendered (tables, headings) by the built-in markdown preview; the source when that extension is disabled.
    await Promise.resolve(vscode.commands.executeCommand('markdown.showPreview', uri)).catch(() => vscode.window.showTextDocument(uri, { preview: true }));
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
