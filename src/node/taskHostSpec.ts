import path from 'node:path';

/** What the detached task host runs: written by the extension as `spec.json` in the run's folder. */
export interface TaskHostSpec {
  codexPath: string;
  args: string[];
  cwd: string;
  /** codex's environment, except the variables in {@link TaskHostSpec.envFromHost}. */
  env: Record<string, string>;
  /**
   * Variables with secret values (API keys, tokens): not written to this file, but given to the host process's own
   * environment, from which it copies them into codex's (older specs lack the field).
   */
  envFromHost?: string[];
  prompt: string;
  /** The host stops codex when the lease file was not touched for this long (the editor went away), ms. */
  leaseMs: number;
  /** Time between SIGINT, SIGTERM and SIGKILL when the host stops codex, ms. */
  killGraceMs: number;
}

/** What the task host reports in `status.json`. */
export interface TaskHostStatus {
  hostPid: number;
  codexPid: number | null;
  state: 'running' | 'exited' | 'orphaned' | 'spawn_error';
  exitCode: number | null;
  signal: string | null;
  startedAt: number;
  endedAt?: number;
  error?: string;
}

/** The files of one detached run. */
export function runFiles(runDir: string): { spec: string; stdout: string; stderr: string; status: string; lease: string } {
  return {
    spec: path.join(runDir, 'spec.json'),
    stdout: path.join(runDir, 'stdout.jsonl'),
    stderr: path.join(runDir, 'stderr.log'),
    status: path.join(runDir, 'status.json'),
    lease: path.join(runDir, 'lease'),
  };
}
