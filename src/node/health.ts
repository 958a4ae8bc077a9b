/**
 * "Check Installation": everything that decides whether a task can start, measured without VS Code. Where codex is
 * and how it was found, whether it answers `--version` (and exactly how it fails when it does not), whether its
 * version is supported, how it will authenticate, and which `CODEX_HOME` it uses with how many sessions.
 * `formatHealthReport` (src/node/healthReport.ts) renders the result as markdown.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { assessVersion, UPDATE_COMMAND, type VersionAssessment } from '../core/health';
import { parseCliVersion, type CliVersion } from '../core/version';
import { detectAuth, type AuthState } from './auth';
import { describeFailure, runBriefly, type BriefRunResult } from './briefRun';
import { locateCodex, type LocateResult } from './codexLocator';
import { listSessionFiles } from './sessionFiles';

/** Inputs of {@link checkInstallation}: the same facts a task run uses, made explicit. */
export interface HealthInput {
  /** Setting `codexSessions.path`. */
  configuredPath?: string;
  /** The environment codex runs with: the host's, with `codexSessions.env` applied. */
  env: Record<string, string | undefined>;
  /** Setting `codexSessions.env`, so auth can say where a variable came from. */
  extraEnv?: Record<string, string>;
  platform: NodeJS.Platform;
  homedir: string;
  /** Setting `codexSessions.codexHome`; default `$CODEX_HOME`, else `~/.codex`. */
  codexHome?: string;
  /** Whether the extension holds an API key in its secret storage. */
  hasStoredKey?: boolean;
  /** Per command (`--version`, `login status`), ms. */
  timeoutMs?: number;
}

/** What `codex --version` did. */
export type VersionCheck =
  | { ok: true; version: CliVersion; text: string; durationMs: number }
  | {
      ok: false;
      /** How it failed: the {@link BriefRunResult} outcomes, or `unparseable` when it answered without a version. */
      problem: Exclude<BriefRunResult['outcome'], 'ok'> | 'unparseable';
      /** The exact error: exit code or signal, and the last line codex printed. */
      error: string;
      exitCode: number | null;
      signal: string | null;
      durationMs: number;
    };

/** The `CODEX_HOME` codex will use. */
export interface CodexHomeInfo {
  path: string;
  /** `setting` (codexSessions.codexHome), `CODEX_HOME` (the variable), or `default` (`~/.codex`). */
  source: 'setting' | 'CODEX_HOME' | 'default';
  exists: boolean;
  /** Rollout files under `sessions/`. */
  sessions: number;
  /** Rollout files under `archived_sessions/`. */
  archivedSessions: number;
}

/** Something to fix (`error`: tasks will not run) or to know (`warning`). */
export interface HealthProblem {
  severity: 'error' | 'warning';
  message: string;
  /** A command or step that fixes it. */
  fix?: string;
  /** What the UI can offer: install or update codex, sign in, open the settings. */
  action?: 'install' | 'update' | 'signIn' | 'openSettings';
}

/** The result of {@link checkInstallation}. */
export interface HealthReport {
  /** ISO time of the check. */
  checkedAt: string;
  platform: NodeJS.Platform;
  codex: LocateResult;
  /** Null when codex was not found. */
  version: VersionCheck | null;
  /** Null when codex was not found. */
  assessment: VersionAssessment | null;
  auth: AuthState;
  codexHome: CodexHomeInfo;
  problems: HealthProblem[];
  /** No `error` problem: a task can start. */
  ready: boolean;
  /** How long each step took, ms. */
  timings: { locate: number; version: number; auth: number; sessions: number; total: number };
}

/** Runs `codex --version` and says exactly how it failed when it did. */
export async function checkVersion(codexPath: string, env: Record<string, string | undefined>, timeoutMs = 10000): Promise<VersionCheck> {
  const r = await runBriefly(codexPath, ['--version'], { env, timeoutMs });
  const text = `${r.stdout}\n${r.stderr}`.trim();
  if (r.outcome !== 'ok') {
    let error = describeFailure('codex --version', r, timeoutMs);
    if (r.exitCode === 127 && /\bnode\b/.test(r.stderr)) error += ' The npm launcher of codex is a Node.js script: `node` must be on the PATH VS Code sees.';
    return { ok: false, problem: r.outcome, error, exitCode: r.exitCode, signal: r.signal, durationMs: r.durationMs };
  }
  const version = parseCliVersion(text);
  if (!version) return { ok: false, problem: 'unparseable', error: `codex --version printed no version: "${text.slice(0, 200)}"`, exitCode: 0, signal: null, durationMs: r.durationMs };
  return { ok: true, version, text, durationMs: r.durationMs };
}

/** The setting, else `$CODEX_HOME`, else `~/.codex` under the given home folder (as codex decides; `~` expanded). */
export function codexHomeFor(input: Pick<HealthInput, 'codexHome' | 'env' | 'homedir'>): string {
  const raw = input.codexHome?.trim() || input.env.CODEX_HOME?.trim() || path.join(input.homedir, '.codex');
  return raw === '~' || raw.startsWith('~/') ? path.join(input.homedir, raw.slice(2)) : raw;
}

async function codexHomeInfo(input: HealthInput): Promise<CodexHomeInfo> {
  const home = codexHomeFor(input);
  const source = input.codexHome?.trim() ? 'setting' : input.env.CODEX_HOME?.trim() ? 'CODEX_HOME' : 'default';
  const exists = await stat(home).then((s) => s.isDirectory(), () => false);
  const files = exists ? await listSessionFiles(home) : [];
  const archived = files.filter((f) => f.archived).length;
  return { path: home, source, exists, sessions: files.length - archived, archivedSessions: archived };
}

function problemsOf(r: Omit<HealthReport, 'problems' | 'ready' | 'timings' | 'checkedAt'>, configured: boolean): HealthProblem[] {
  const out: HealthProblem[] = [];
  if (!r.codex.found) out.push({ severity: 'error', message: r.codex.reason, fix: UPDATE_COMMAND, action: configured ? 'openSettings' : 'install' });
  else if (r.version && !r.version.ok) out.push({ severity: 'error', message: `codex at ${r.codex.path} does not work: ${r.version.error}`, action: 'openSettings' });
  const a = r.assessment;
  if (a && a.status === 'unsupported') out.push({ severity: 'error', message: a.message, fix: a.fix, action: 'update' });
  if (a && (a.status === 'outdated' || (a.status === 'unknown' && r.version?.ok))) out.push({ severity: 'warning', message: a.message, fix: a.fix, action: 'update' });
  if (r.auth.method === 'none') out.push({ severity: 'error', message: `Not signed in: ${r.auth.detail}`, fix: 'codex login', action: 'signIn' });
  else if (r.auth.method === 'unknown') out.push({ severity: 'warning', message: r.auth.detail, action: 'signIn' });
  if (r.auth.warning) out.push({ severity: 'warning', message: r.auth.warning, action: 'signIn' });
  if (!r.codexHome.exists && r.codexHome.source !== 'default') {
    out.push({ severity: 'error', message: `CODEX_HOME (${r.codexHome.source}) points to ${r.codexHome.path}, which does not exist; codex refuses to start with it.`, fix: `mkdir -p ${r.codexHome.path}`, action: 'openSettings' });
  }
  return out;
}

/**
 * Checks the installation the way a task would use it: locate (setting, PATH, usual places) → `codex --version` →
 * assessment → auth and `CODEX_HOME` (in parallel). Never throws; every failure is part of the report.
 */
export async function checkInstallation(input: HealthInput): Promise<HealthReport> {
  const t0 = Date.now();
  const codex = await locateCodex({ configuredPath: input.configuredPath, env: input.env, platform: input.platform, homedir: input.homedir });
  const tLocate = Date.now();
  const version = codex.found ? await checkVersion(codex.path, input.env, input.timeoutMs) : null;
  const tVersion = Date.now();
  const assessment = version ? assessVersion(version.ok ? version.version : null) : null;
  const homePath = codexHomeFor(input);
  let sessionsMs = 0;
  const [auth, codexHome] = await Promise.all([
    detectAuth({
      env: input.env, extraEnv: input.extraEnv, hasStoredKey: input.hasStoredKey, codexHome: homePath,
      codexPath: codex.found && version?.ok ? codex.path : undefined, version: version?.ok ? version.version : null, timeoutMs: input.timeoutMs,
    }),
    (async () => {
      const s = Date.now();
      const info = await codexHomeInfo(input);
      sessionsMs = Date.now() - s;
      return info;
    })(),
  ]);
  const partial = { platform: input.platform, codex, version, assessment, auth, codexHome };
  const problems = problemsOf(partial, !!input.configuredPath);
  return {
    checkedAt: new Date(t0).toISOString(),
    ...partial,
    problems,
    ready: !problems.some((p) => p.severity === 'error'),
    timings: { locate: tLocate - t0, version: tVersion - tLocate, auth: auth.durationMs, sessions: sessionsMs, total: Date.now() - t0 },
  };
}
