import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildExecArgs, type SandboxMode } from '../core/execArgs';
import { capabilitiesFor } from '../core/version';
import type { ThreadEvent } from '../shared/threadModel';
import { locateCodex, probeCodexVersion } from './codexLocator';
import { runCodex, type RunOptions, type RunResult } from './codexRunner';
import { defaultCodexHome, findRolloutFile, lastTotalUsage } from './rolloutLookup';
import { ThreadReducer as Reducer } from '../core/threadReducer';

/** A task as a user describes it: the same options for the extension and the command line. */
export interface TaskOptions {
  prompt: string;
  cwd: string;
  /** Setting `codexSessions.path` / `--codex-path`. */
  codexPath?: string;
  model?: string;
  sandbox?: SandboxMode;
  bypassApprovals?: boolean;
  reasoningEffort?: string;
  /** Setting `codexSessions.cliArgs` / `--arg`. */
  extraArgs?: string[];
  /** Setting `codexSessions.env` / `--env`: added to (and overriding) the inherited environment. */
  extraEnv?: Record<string, string>;
  /** Continue this thread. */
  resumeThreadId?: string;
  /** The rollout file of that thread, needed by CLIs older than 0.42. */
  resumeRolloutPath?: string;
  timeoutMs?: number;
  idleTimeoutMs?: number;
  killGraceMs?: number;
  signal?: AbortSignal;
  reducer?: Reducer;
  idPrefix?: string;
  onEvent?: (e: ThreadEvent) => void;
  onStderr?: (text: string) => void;
  /** Notified with the command line before the run starts (for logs). */
  onCommand?: (codexPath: string, args: string[]) => void;
}

/** Raised when a task cannot start at all (no binary, unusable binary, bad options). */
export class TaskSetupError extends Error {}

/** Whether `dir` or a parent of it holds a `.git` folder or file. */
export function isInsideGitRepo(dir: string): boolean {
  let cur = path.resolve(dir);
  for (;;) {
    if (existsSync(path.join(cur, '.git'))) return true;
    const up = path.dirname(cur);
    if (up === cur) return false;
    cur = up;
  }
}

/**
 * Finds codex, asks its version, builds the command line for that version and runs it. The prompt appears as a user
 * message first, since most CLI generations do not echo it.
 */
export async function runTask(opts: TaskOptions): Promise<RunResult> {
  return runCodex(await prepareRun(opts));
}

/** Everything {@link runTask} does before spawning: the run's options for {@link runCodex} or a detached run. */
export async function prepareRun(opts: TaskOptions): Promise<RunOptions> {
  const env: Record<string, string | undefined> = { ...process.env, ...opts.extraEnv };
  const located = await locateCodex({ configuredPath: opts.codexPath, env, platform: process.platform, homedir: os.homedir() });
  if (!located.found) throw new TaskSetupError(located.reason);
  const probe = await probeCodexVersion(located.path, env);
  if (!probe.ok) throw new TaskSetupError(`codex at ${located.path} does not work: ${probe.error}`);
  const caps = capabilitiesFor(probe.version);
  let reducer = opts.reducer;
  let rolloutPath = opts.resumeRolloutPath;
  if (opts.resumeThreadId && (!reducer || (!rolloutPath && caps.resume === 'experimental_resume'))) {
    const found = rolloutPath ?? (await findRolloutFile(defaultCodexHome(env), opts.resumeThreadId));
    rolloutPath = rolloutPath ?? found ?? undefined;
    // CLIs from 0.80 report the thread's running total: measure this run against what the thread had spent.
    if (!reducer) reducer = new Reducer({ threadUsageBaseline: caps.turnUsageScope === 'thread' && found ? await lastTotalUsage(found) : null });
  }
  const args = buildExecArgs({
    capabilities: caps,
    cwd: opts.cwd,
    isGitRepo: isInsideGitRepo(opts.cwd),
    model: opts.model,
    sandbox: opts.sandbox,
    bypassApprovals: opts.bypassApprovals,
    reasoningEffort: opts.reasoningEffort,
    extraArgs: opts.extraArgs,
    resume: opts.resumeThreadId ? { threadId: opts.resumeThreadId, rolloutPath } : undefined,
  });
  opts.onCommand?.(located.path, args);
  const prefix = opts.idPrefix ?? '';
  return {
    codexPath: located.path,
    args,
    cwd: opts.cwd,
    env,
    prompt: opts.prompt,
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    idleTimeoutMs: opts.idleTimeoutMs,
    killGraceMs: opts.killGraceMs,
    cliVersion: probe.version,
    idPrefix: prefix,
    reducer,
    leadingEvents: [{ type: 'item.completed', item: { id: `${prefix}prompt`, type: 'user_message', text: opts.prompt } }],
    onEvent: opts.onEvent,
    onStderr: opts.onStderr,
  };
}
