/**
 * What the editor shows for a {@link HealthReport}: one state for the `codexSessions.cliState` context key (which
 * picks the Sessions view's welcome content), the status bar text and tooltip, and the notification with its actions.
 * No VS Code here, so every case is unit-tested; `src/vscode/healthUi.ts` only displays it.
 */
import { UPDATE_COMMAND } from '../core/health';
import type { HealthReport } from './health';

/**
 * - `missing`: no codex binary (setting, PATH, usual places);
 * - `broken`: found, but `codex --version` fails (not executable, crashes, exits non-zero, prints no version);
 * - `unsupported`: too old to run tasks (below the minimum version);
 * - `outdated`: runs, but older than the recommended version;
 * - `signedOut`: works, but codex has no credentials;
 * - `ok`: ready (also when sign-in could not be determined: a task will tell).
 */
export type CliState = 'ok' | 'missing' | 'broken' | 'unsupported' | 'outdated' | 'signedOut';

/** What the UI offers; each maps to one of the extension's commands. */
export type HealthAction = 'installNpm' | 'installBrew' | 'downloadRelease' | 'setPath' | 'update' | 'signIn' | 'useApiKey' | 'checkAgain' | 'showReport';

/** The summary of a report. */
export interface HealthSummary {
  state: CliState;
  /** Status bar text with a codicon, e.g. `$(check) Codex 0.169.0`. */
  statusText: string;
  /** Status bar tooltip: the state in one or two sentences (the exact error for a broken binary). */
  tooltip: string;
  /** Whether the status bar item should be coloured as a warning. */
  warning: boolean;
  /** The notification, when the state needs the user (null for `ok`). */
  notification: { severity: 'warning' | 'error'; message: string; actions: HealthAction[] } | null;
}

/** Labels of {@link HealthAction}s, shared by notifications and the quick pick. */
export const ACTION_LABELS: Record<HealthAction, string> = {
  installNpm: 'Install with npm',
  installBrew: 'Install with Homebrew',
  downloadRelease: 'Download a Release',
  setPath: 'Set Path\u2026',
  update: 'Update',
  signIn: 'Sign In\u2026',
  useApiKey: 'Use an API Key\u2026',
  checkAgain: 'Check Again',
  showReport: 'Show Report',
};

/** How codex is updated: Homebrew's own command for a Homebrew install, npm otherwise. */
export function updateCommandFor(codexPath: string | null): string {
  return codexPath && /[/\\](?:homebrew|Cellar|linuxbrew)[/\\]/i.test(codexPath) ? 'brew upgrade codex' : UPDATE_COMMAND;
}

/** Summarizes a report for the editor. `platform` decides whether Homebrew is offered (macOS only). */
export function summarizeHealth(r: HealthReport): HealthSummary {
  const install: HealthAction[] = ['installNpm', ...(r.platform === 'darwin' ? (['installBrew'] as const) : []), 'downloadRelease', 'setPath'];
  if (!r.codex.found) {
    // checkInstallation points a failing codexSessions.path at the setting: fixing the setting comes first then.
    if (r.problems.some((p) => p.action === 'openSettings')) {
      return {
        state: 'missing', statusText: '$(warning) Codex not found', warning: true,
        tooltip: `codexSessions.path does not work: ${r.codex.reason} Click for the installation report.`,
        notification: { severity: 'warning', message: `The codex set in codexSessions.path does not work. ${r.codex.reason}`, actions: ['setPath', ...install.filter((a) => a !== 'setPath')] },
      };
    }
    return {
      state: 'missing', statusText: '$(warning) Codex not found', warning: true,
      tooltip: `Codex CLI not found: ${r.codex.reason} Click for the installation report.`,
      notification: { severity: 'warning', message: `Codex CLI not found. ${r.codex.reason} Install it, or set its path.`, actions: install },
    };
  }
  if (r.version && !r.version.ok) {
    return {
      state: 'broken', statusText: '$(error) Codex broken', warning: true,
      tooltip: `codex at ${r.codex.path} does not work: ${r.version.error}`,
      notification: { severity: 'error', message: `codex at ${r.codex.path} does not work: ${r.version.error}`, actions: ['setPath', 'installNpm', 'showReport'] },
    };
  }
  const version = r.version?.ok ? r.version.version.raw : '?';
  const a = r.assessment;
  if (a?.status === 'unsupported' || a?.status === 'outdated') {
    const unsupported = a.status === 'unsupported';
    return {
      state: unsupported ? 'unsupported' : 'outdated', statusText: `$(warning) Codex ${version}`, warning: true,
      tooltip: `${a.message} Update: ${updateCommandFor(r.codex.path)}`,
      notification: { severity: unsupported ? 'error' : 'warning', message: a.message, actions: ['update', 'setPath', 'showReport'] },
    };
  }
  if (r.auth.method === 'none') {
    return {
      state: 'signedOut', statusText: `$(account) Codex ${version}: sign in`, warning: true,
      tooltip: `codex ${version} at ${r.codex.path} is not signed in: ${r.auth.detail}`,
      notification: { severity: 'warning', message: `Codex is not signed in. ${r.auth.detail}`, actions: ['signIn', 'useApiKey'] },
    };
  }
  const extra = a?.newerThanTested ? ` ${a.message}` : '';
  return {
    state: 'ok', statusText: `$(check) Codex ${version}`, warning: false,
    tooltip: `codex ${version} at ${r.codex.path}; sign-in: ${r.auth.detail}${extra}`,
    notification: null,
  };
}
