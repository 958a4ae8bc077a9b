/**
 * Turns how a run ended into a readable failure: a kind, a headline, the CLI's own message (secrets masked), a next
 * step and the actions that can fix it. The thread state carries most of it (the turn's error, the runner's timeout
 * and cancel messages); the run's exit code, signal and stderr fill in what the event stream cannot say, such as a
 * crash or a command line codex rejected before it printed anything.
 */
import type { FailureInfo, FailureKind } from '../shared/protocol';
import type { CommandExecutionItem, RunEndReason, ThreadState } from '../shared/threadModel';
import { isTransientNotice, KIND_INFO, matchFailureKind, parseRetryNotice, retryHint } from './failureRules';
import { redactSecrets } from './redact';

export { isTransientNotice, parseRetryNotice, retryHint, type RetryNotice } from './failureRules';

/** A failure with its kind always set. */
export type ClassifiedFailure = FailureInfo & { kind: FailureKind; hint: string };

/**
 * What the runner knows beyond the thread state. A `RunResult` of `runCodex` fits as is (`stderrTail` is read
 * when `stderr` is absent).
 */
export interface FailureContext {
  reason?: RunEndReason;
  exitCode?: number | null;
  /** The signal that ended codex, when it was not the runner stopping it. */
  signal?: string | null;
  stderr?: string;
  stderrTail?: string;
  /** Values to mask in the detail (the stored API key, secret values of `codexSessions.env`). */
  knownSecrets?: readonly string[];
}

/** The message that ended the thread: the turn's error, else the last error that is not a retry notice. */
export function failureMessage(state: ThreadState): string | null {
  const turnError = [...state.turns].reverse().find((t) => t.status === 'failed' && t.error)?.error;
  if (turnError) return turnError;
  const errs = state.errors.filter((e) => !isTransientNotice(e));
  return errs[errs.length - 1] ?? state.errors[state.errors.length - 1] ?? null;
}

/** Lines of stderr that are only noise for a diagnosis (prompts, the PATH-alias warning, info logs). */
const STDERR_NOISE = /^(?:Reading (?:additional input|prompt) from stdin|WARNING: proceeding, even though|\S*\s*(?:TRACE|DEBUG|INFO|WARN)\s)|^\s*$/i;

/** The lines of stderr worth reading for a diagnosis, ANSI colours removed, newest last. */
export function meaningfulStderr(stderr: string): string[] {
  const plain = stderr.replace(/\u001b\[[0-9;]*m/g, '');
  return plain.split(/\r?\n/).map((l) => l.trim()).filter((l) => !STDERR_NOISE.test(l) || /Turn error:/.test(l));
}

function build(kind: FailureKind, detail: string, secrets: readonly string[] = []): ClassifiedFailure {
  const info = KIND_INFO[kind];
  const masked = redactSecrets(detail, secrets);
  const hint = kind === 'quota' || kind === 'rate_limit' ? retryHint(detail) : {};
  return { kind, title: info.title, detail: masked, hint: info.hint, actions: [...info.actions], ...hint };
}

/**
 * Classifies a message on its own: a setup error (`TaskSetupError`: codex not found, not executable), a line of
 * stderr, or any failure text without a thread. Unknown text is `unknown`.
 */
export function classifyMessage(message: string, ctx: Pick<FailureContext, 'knownSecrets'> = {}): ClassifiedFailure {
  return build(matchFailureKind(message) ?? 'unknown', message, ctx.knownSecrets);
}

/** The last retry notice of the thread whose cause was the network (0.169 retries without limit while offline). */
function lastNetworkNotice(state: ThreadState): string | null {
  for (let i = state.errors.length - 1; i >= 0; i--) {
    const n = parseRetryNotice(state.errors[i]!);
    if (n) return n.waitingForNetwork || n.kind === 'network' ? state.errors[i]! : null;
  }
  return null;
}

/** A stop by a signal the runner did not send itself: a crash (SIGSEGV, SIGABRT, the OOM killer's SIGKILL). */
function signalCrash(ctx: FailureContext): string | null {
  if (!ctx.signal || (ctx.reason && ctx.reason !== 'exit')) return null;
  return `codex was killed by ${ctx.signal}.`;
}

/**
 * Classifies why a thread did not finish: null while it runs or after it completed, and for an incomplete stream
 * without a sign of a crash (a replayed file that simply ends). A stop by the user is `cancelled`.
 *
 * The message is tried first (the turn's error, which names 401/429/model/quota errors precisely); when it says
 * nothing a rule knows ("codex exited with code 1."), stderr is read, then the exit status. A timeout while codex
 * was waiting for the network is reported as `network`, since that is what a retry would have to fix.
 */
export function classifyFailure(state: ThreadState, ctx: FailureContext = {}): ClassifiedFailure | null {
  const secrets = ctx.knownSecrets ?? [];
  if (state.status === 'cancelled') return build('cancelled', failureMessage(state) ?? 'Stopped by the user.', secrets);
  const stderrLines = meaningfulStderr(ctx.stderr ?? ctx.stderrTail ?? '');
  if (state.status !== 'failed') {
    if (state.status === 'running' || state.status === 'completed') return null;
    const crash = signalCrash(ctx) ?? stderrLines.find((l) => matchFailureKind(l) === 'crash');
    return crash ? build('crash', crash, secrets) : null;
  }
  const message = failureMessage(state) ?? 'codex stopped without saying why.';
  let kind = matchFailureKind(message);
  let detail = message;
  if (kind === 'timeout') {
    const notice = lastNetworkNotice(state);
    if (notice) return build('network', `${message} codex was still trying to reach the model: ${notice}`, secrets);
  }
  if (kind === null) {
    for (const line of [...stderrLines].reverse()) {
      const k = matchFailureKind(line);
      if (k) {
        kind = k;
        if (!message.includes(line)) detail = `${message}\n${line}`;
        break;
      }
    }
  }
  if (kind === null) {
    const crash = signalCrash(ctx);
    if (crash) return build('crash', `${message}\n${crash}`, secrets);
  }
  return build(kind ?? 'unknown', detail, secrets);
}

/** Output that a sandbox denial leaves in a command (Linux Landlock/bwrap, macOS Seatbelt). */
const SANDBOX_OUTPUT = /Read-only file system|Operation not permitted|sandbox(?:-exec)?: .*(?:denied|deny)|Permission denied/i;

/**
 * Commands of the thread that look blocked by the sandbox. 0.169 does not fail the turn for them: the command fails,
 * its output says `Read-only file system`, and the model carries on. The panel can point at the sandbox setting.
 */
export function sandboxDenials(state: ThreadState): CommandExecutionItem[] {
  return state.items.filter(
    (i): i is CommandExecutionItem => i.type === 'command_execution' && (i.status === 'failed' || (i.exit_code ?? 0) !== 0 || /Read-only file system/.test(i.aggregated_output)) && SANDBOX_OUTPUT.test(i.aggregated_output),
  );
}
