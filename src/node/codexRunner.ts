import { execa } from 'execa';
import { ExecPipeline } from '../core/execPipeline';
import type { ThreadReducer } from '../core/threadReducer';
import type { CliVersion } from '../core/version';
import type { RunEndReason, ThreadEvent, ThreadState } from '../shared/threadModel';
import { descendantsOf, isAlive, signalAll } from './processTree';

/** Everything one `codex exec` run needs. */
export interface RunOptions {
  /** The codex binary. */
  codexPath: string;
  /** argv after the binary, from `buildExecArgs`. */
  args: string[];
  cwd: string;
  /** The complete environment of the child (nothing is inherited implicitly). */
  env: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. */
  prompt: string;
  signal?: AbortSignal;
  /** Hard limit for the whole run, ms; 0 or undefined means none. */
  timeoutMs?: number;
  /** Ends the run when codex prints nothing for this long, ms; 0 or undefined means none. */
  idleTimeoutMs?: number;
  /** Time between SIGINT, SIGTERM and SIGKILL when stopping, ms. */
  killGraceMs?: number;
  /** After the turn ended, how long codex may take to exit before it is stopped (old CLIs hang after errors), ms. */
  exitGraceMs?: number;
  cliVersion?: CliVersion | null;
  /** Prefix for item ids, so a follow-up's items never collide with earlier runs of the thread. */
  idPrefix?: string;
  /** Fold into an existing thread (follow-ups); a new reducer is made otherwise. */
  reducer?: ThreadReducer;
  /** Events injected before codex's own (the prompt as a user message, for example). */
  leadingEvents?: ThreadEvent[];
  /** Every normalized event, as it happens. */
  onEvent?: (e: ThreadEvent) => void;
  /** Each chunk of stderr, as text. */
  onStderr?: (text: string) => void;
}

/** How a run ended. */
export interface RunResult {
  state: ThreadState;
  reason: RunEndReason;
  exitCode: number | null;
  signal: string | null;
  /** The last part of stderr (bounded), for error messages. */
  stderrTail: string;
  /** The output family detected. */
  family: string;
  /** pids of codex and its descendants seen while stopping (for tests and logs). */
  pids: number[];
}

const STDERR_KEEP = 64 * 1024;

function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * The meaningful line of stderr for a one-sentence error: the last `Error: …` line, else the last line that is not
 * part of a backtrace or a warning.
 */
export function lastStderrLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const error = [...lines].reverse().find((l) => /^(error|fatal)\b[:\s]/i.test(l));
  if (error) return error;
  const plain = lines.filter((l) => !/^\d+: |^Stack backtrace:|^at |^WARNING\b/i.test(l));
  return plain[plain.length - 1] ?? lines[lines.length - 1];
}

/**
 * What to say when codex ended by itself without success: its exit code and the meaningful stderr line, or the signal
 * that killed it when the runner did not send one (a crash, the OOM killer, a `kill -9`); undefined after a clean exit.
 */
export function exitMessage(exitCode: number | null, signal: string | null, stderrTail: string): string | undefined {
  if (exitCode === null) return signal ? `codex was killed by ${signal}.` : undefined;
  if (exitCode === 0) return undefined;
  const line = lastStderrLine(stderrTail);
  return line ? `codex exited with code ${exitCode}: ${line}` : `codex exited with code ${exitCode}.`;
}

/** The pipeline of one run: a new run of the reducer, with the leading events (the prompt) already in. */
export function startPipeline(opts: RunOptions): ExecPipeline {
  const pipeline = new ExecPipeline(
    {
      cliVersion: opts.cliVersion ?? null,
      idPrefix: opts.idPrefix ?? '',
      promptShown: (opts.leadingEvents ?? []).some((e) => e.type === 'item.completed' && e.item.type === 'user_message'),
      onEvent: opts.onEvent,
    },
    opts.reducer,
  );
  opts.reducer?.beginRun();
  for (const e of opts.leadingEvents ?? []) pipeline.inject(e);
  return pipeline;
}

/**
 * Runs `codex` once: argument array, no shell, explicit cwd and env, prompt on stdin. Stdout is streamed through the
 * parser into the thread state as it arrives; stderr keeps a bounded tail.
 *
 * Stopping (abort, timeout, idle timeout) sends SIGINT to the process group, then SIGTERM, then SIGKILL to the group
 * and to every descendant seen, so nothing outlives the run. When codex exits by itself, its process group is swept
 * as well.
 */
export async function runCodex(opts: RunOptions): Promise<RunResult> {
  const pipeline = startPipeline(opts);

  let stderrTail = '';
  let stopReason: RunEndReason | null = null;
  let stopMessage: string | undefined;
  const seen = new Set<number>();
  const grace = opts.killGraceMs ?? 2000;

  const child = execa(opts.codexPath, opts.args, {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: false,
    input: opts.prompt,
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    detached: process.platform !== 'win32',
    reject: false,
    windowsHide: true,
    cleanup: true,
  });
  const pid = child.pid;

  let exited = false;
  const done = child.then((r) => {
    exited = true;
    return r;
  });

  const remember = (): void => {
    if (pid === undefined) return;
    seen.add(pid);
    for (const d of descendantsOf(pid)) seen.add(d);
  };

  let stopping: Promise<void> | null = null;
  const stop = (reason: RunEndReason, message?: string): Promise<void> => {
    if (stopping) return stopping;
    stopReason = reason;
    stopMessage = message;
    stopping = (async () => {
      if (pid === undefined) return;
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
        if (exited) break;
        remember();
        signalAll(pid, sig === 'SIGINT' ? [] : seen, sig);
        const until = Date.now() + grace;
        while (!exited && Date.now() < until) await wait(25);
      }
    })();
    return stopping;
  };

  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = (): void => {
    if (!opts.idleTimeoutMs) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void stop('idle_timeout', `codex printed nothing for ${Math.round(opts.idleTimeoutMs! / 1000)} s (idle timeout).`), opts.idleTimeoutMs);
  };
  armIdle();
  const hardTimer = opts.timeoutMs
    ? setTimeout(() => void stop('timeout', `The task ran longer than ${Math.round(opts.timeoutMs! / 1000)} s (timeout).`), opts.timeoutMs)
    : undefined;
  let exitTimer: NodeJS.Timeout | undefined;

  const onAbort = (): void => void stop('cancelled', 'Stopped by the user.');
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  child.stdout?.on('data', (chunk: Buffer) => {
    armIdle();
    pipeline.write(chunk);
    const status = pipeline.reducer.state.status;
    if (status !== 'running' && exitTimer === undefined && !stopping) {
      // The turn is over; a CLI that hangs after a fatal error is stopped after a grace period.
      exitTimer = setTimeout(() => void stop('exit'), opts.exitGraceMs ?? 15000);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    stderrTail = (stderrTail + text).slice(-STDERR_KEEP);
    opts.onStderr?.(text);
  });

  try {
    const result = await done;
    clearTimeout(idleTimer);
    clearTimeout(hardTimer);
    clearTimeout(exitTimer);
    if (stopping) await stopping;
    // Sweep whatever codex left in its process group (background jobs of commands it ran).
    if (pid !== undefined) {
      for (const d of descendantsOf(pid)) seen.add(d);
      signalAll(pid, [...seen].filter((p) => p !== pid && isAlive(p)), 'SIGKILL');
    }
    const spawnFailed = result.failed && result.exitCode === undefined && !result.isTerminated;
    const exitCode = result.exitCode ?? null;
    const reason: RunEndReason = spawnFailed ? 'spawn_error' : (stopReason ?? 'exit');
    let message = stopMessage;
    if (spawnFailed) message = `Could not start codex (${opts.codexPath}): ${result.shortMessage ?? result.message}`;
    else if (reason === 'exit') message = exitMessage(exitCode, result.signal ?? null, stderrTail);
    const state = pipeline.end({ reason, exit_code: exitCode }, message);
    return {
      state,
      reason,
      exitCode,
      signal: result.signal ?? null,
      stderrTail,
      family: pipeline.parser.family,
      pids: [...seen],
    };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    clearTimeout(idleTimer);
    clearTimeout(hardTimer);
    clearTimeout(exitTimer);
  }
}
