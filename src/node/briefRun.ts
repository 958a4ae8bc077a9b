import { execa } from 'execa';
import { descendantsOf, signalAll } from './processTree';

/** How a short codex command (`--version`, `login status`, `login --help`) ended. */
export interface BriefRunResult {
  /**
   * - `ok`: exit code 0;
   * - `exit`: a non-zero exit code;
   * - `crash`: ended by a signal it was not sent by us (SIGSEGV, SIGABRT, …);
   * - `not-executable`: the OS would not start it (EACCES, ENOEXEC: no permission, wrong architecture);
   * - `missing`: no such file (ENOENT; also a script whose interpreter is missing);
   * - `spawn-error`: any other reason it could not start;
   * - `timeout`: no answer in time; the process tree was killed.
   */
  outcome: 'ok' | 'exit' | 'crash' | 'not-executable' | 'missing' | 'spawn-error' | 'timeout';
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** The error code of a failed spawn (`EACCES`, `ENOENT`, …). */
  errorCode?: string;
  /** Node's or execa's own message for a failed spawn. */
  spawnMessage?: string;
  durationMs: number;
}

/** Options of {@link runBriefly}. */
export interface BriefRunOptions {
  /** The complete environment (nothing is inherited). */
  env: Record<string, string | undefined>;
  timeoutMs: number;
  /** Written to stdin, which is then closed; stdin is ignored otherwise. */
  input?: string;
  cwd?: string;
}

const OUTPUT_CAP = 64 * 1024;

/**
 * Runs a command that should answer quickly: argument array, no shell, explicit environment, stdin closed, a
 * timeout that kills the whole process group (a wrapper script's children would otherwise keep the pipes open).
 * Never throws; a failure to start is an outcome.
 */
export async function runBriefly(file: string, args: readonly string[], opts: BriefRunOptions): Promise<BriefRunResult> {
  const started = Date.now();
  const child = execa(file, args, {
    env: opts.env,
    extendEnv: false,
    reject: false,
    windowsHide: true,
    detached: process.platform !== 'win32',
    cwd: opts.cwd,
    ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' as const }),
    maxBuffer: OUTPUT_CAP,
    stripFinalNewline: false,
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) signalAll(child.pid, descendantsOf(child.pid), 'SIGKILL');
  }, opts.timeoutMs);
  const r = await child;
  clearTimeout(timer);
  const base = {
    exitCode: r.exitCode ?? null,
    signal: r.signal ?? null,
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    durationMs: Date.now() - started,
  };
  if (timedOut) return { ...base, outcome: 'timeout' };
  const code = (r as { code?: string }).code;
  if (r.failed && r.exitCode === undefined && !r.signal) {
    const outcome = code === 'ENOENT' ? 'missing' : code === 'EACCES' || code === 'ENOEXEC' ? 'not-executable' : 'spawn-error';
    return { ...base, outcome, ...(code ? { errorCode: code } : {}), spawnMessage: r.shortMessage ?? r.message };
  }
  if (r.signal) return { ...base, outcome: 'crash' };
  return { ...base, outcome: r.exitCode === 0 ? 'ok' : 'exit' };
}

/** The last meaningful line of a command's output (errors first), for a one-line explanation. */
export function lastLine(text: string): string | undefined {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !/^WARNING: proceeding, even though/.test(l));
  return [...lines].reverse().find((l) => /^(?:error|fatal)\b|panicked at/i.test(l)) ?? lines[lines.length - 1];
}

/** One sentence on why a brief run failed, with the exact error. */
export function describeFailure(command: string, r: BriefRunResult, timeoutMs: number): string {
  const said = lastLine(`${r.stdout}\n${r.stderr}`);
  const tail = said ? `: ${said}` : '.';
  switch (r.outcome) {
    case 'timeout': return `${command} did not answer within ${timeoutMs / 1000} s.`;
    case 'missing': return `${command} could not be started (${r.errorCode ?? 'ENOENT'}: no such file, or its interpreter is missing).`;
    case 'not-executable': return `${command} could not be started (${r.errorCode}: not executable, or built for another system).`;
    case 'spawn-error': return `${command} could not be started: ${r.spawnMessage ?? r.errorCode ?? 'unknown error'}.`;
    case 'crash': return `${command} crashed (killed by ${r.signal})${tail}`;
    case 'exit': {
      // A shell (or execvp's ENOEXEC fallback to /bin/sh) reports files it cannot run as 126 / 127.
      const why = r.exitCode === 126 ? ' (not executable)' : r.exitCode === 127 ? ' (command not found: a missing interpreter, or not a program for this system)' : '';
      return `${command} exited with code ${r.exitCode}${why}${tail}`;
    }
    default: return `${command} succeeded.`;
  }
}
