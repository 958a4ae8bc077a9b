import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { open, readFile, utimes } from 'node:fs/promises';
import { secretValuesOf } from '../core/redact';
import type { RunEndReason } from '../shared/threadModel';
import { exitMessage, startPipeline, type RunOptions, type RunResult } from './codexRunner';
import { descendantsOf, isAlive, signalAll } from './processTree';
import { runFiles, type TaskHostSpec, type TaskHostStatus } from './taskHostSpec';

/** Where and how the detached host runs. */
export interface DetachedOptions {
  /** A fresh folder for this run's files (in the extension's storage). */
  runDir: string;
  /** `dist/taskHost.cjs`. */
  hostScript: string;
  /** A Node binary (in VS Code: the extension host's own executable, run as Node). */
  nodePath?: string;
  /** How long codex may outlive the editor before the host stops it, ms. */
  leaseMs?: number;
}

const POLL_MS = 50;
const LEASE_TOUCH_MS = 3000;

async function readStatus(file: string): Promise<TaskHostStatus | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as TaskHostStatus;
  } catch {
    return null;
  }
}

/**
 * Starts codex through the detached task host and follows it. The run survives the extension host: after a window
 * reload, {@link followRun} re-attaches to the same folder. Same options and result as `runCodex`.
 */
export async function startDetached(opts: RunOptions, d: DetachedOptions, detach?: AbortSignal): Promise<RunResult | null> {
  mkdirSync(d.runDir, { recursive: true });
  const files = runFiles(d.runDir);
  const env: Record<string, string> = {};
  // Secrets (the stored API key, tokens in the environment) stay off the disk: the host gets them in its environment.
  const secret: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) (secretValuesOf({ [k]: v }).length ? secret : env)[k] = v;
  const envFromHost = Object.keys(secret);
  const spec: TaskHostSpec = { codexPath: opts.codexPath, args: opts.args, cwd: opts.cwd, env, envFromHost, prompt: opts.prompt, leaseMs: d.leaseMs ?? 20_000, killGraceMs: opts.killGraceMs ?? 2000 };
  writeFileSync(files.spec, JSON.stringify(spec));
  writeFileSync(files.stdout, '');
  const host = spawn(d.nodePath ?? process.execPath, [d.hostScript, files.spec], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, ...secret, ELECTRON_RUN_AS_NODE: '1' },
    windowsHide: true,
  });
  host.unref();
  writeFileSync(`${d.runDir}/host.pid`, String(host.pid ?? ''));
  return followRun(d.runDir, opts, host.pid ?? null, detach);
}

/**
 * Stops codex and everything it started after their host died: SIGINT, SIGTERM, then SIGKILL to the host's process
 * group (codex runs in it) and to codex's descendants, with `grace` ms between. Returns the pids it signalled.
 */
async function stopOrphans(groupLeader: number, codexPid: number | null, grace: number): Promise<number[]> {
  const pids = new Set<number>();
  const anyAlive = (): boolean => [...pids].some(isAlive);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    if (codexPid !== null && isAlive(codexPid)) pids.add(codexPid);
    for (const p of codexPid !== null ? descendantsOf(codexPid) : []) pids.add(p);
    signalAll(groupLeader, sig === 'SIGINT' ? [] : pids, sig);
    const until = Date.now() + grace;
    while (anyAlive() && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    if (!anyAlive()) break;
  }
  return [...pids];
}

/**
 * Follows a detached run's output file into the pipeline until the run ends: catches up from the start of the file,
 * then reads what is appended. Handles stop (signal), timeouts and a host that died without saying how codex ended
 * (the run is then `incomplete`: interrupted).
 */
export async function followRun(runDir: string, opts: RunOptions, knownHostPid: number | null = null, detach?: AbortSignal): Promise<RunResult | null> {
  const files = runFiles(runDir);
  const pipeline = startPipeline(opts);

  let hostPid = knownHostPid;
  if (hostPid === null) {
    const pidText = await readFile(`${runDir}/host.pid`, 'utf8').catch(() => '');
    hostPid = Number(pidText) || null;
  }
  const grace = opts.killGraceMs ?? 2000;
  const seen = new Set<number>();
  let stopReason: RunEndReason | null = null;
  let stopMessage: string | undefined;
  let stopping: Promise<void> | null = null;
  const alive = (): boolean => hostPid !== null && isAlive(hostPid);
  /** Whether the host was alive while this follower watched (it then died on our watch). */
  let sawHost = false;

  const stop = (reason: RunEndReason, message?: string): void => {
    if (stopping || hostPid === null) return;
    stopReason = reason;
    stopMessage = message;
    const pid = hostPid;
    stopping = (async () => {
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
        if (!alive()) break;
        for (const p of descendantsOf(pid)) seen.add(p);
        signalAll(pid, sig === 'SIGINT' ? [] : seen, sig);
        const until = Date.now() + grace;
        while (alive() && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
      }
    })();
  };

  const onAbort = (): void => stop('cancelled', 'Stopped by the user.');
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  const started = Date.now();
  let lastOutput = Date.now();
  let lastTouch = 0;
  let offset = 0;
  let turnEndedAt: number | null = null;
  const fh = await open(files.stdout, 'r');
  const buf = Buffer.alloc(256 * 1024);
  const drain = async (): Promise<boolean> => {
    let any = false;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      if (bytesRead === 0) return any;
      offset += bytesRead;
      any = true;
      pipeline.write(buf.subarray(0, bytesRead));
    }
  };
  let status: TaskHostStatus | null = null;
  try {
    for (;;) {
      if (detach?.aborted) return null; // the follower goes away (extension host shutting down); codex runs on
      if (!sawHost && alive()) sawHost = true;
      if (await drain()) lastOutput = Date.now();
      status = await readStatus(files.status);
      if (status && status.state !== 'running') {
        await drain();
        break;
      }
      if (!alive() && (await readStatus(files.status))?.state === 'running') {
        await drain();
        break; // the host died without a word (killed with the machine or by hand)
      }
      if (!alive() && status === null && Date.now() - started > 5000) break;
      const now = Date.now();
      if (now - lastTouch > LEASE_TOUCH_MS) {
        lastTouch = now;
        await utimes(files.lease, new Date(), new Date()).catch(() => undefined);
      }
      if (opts.idleTimeoutMs && now - lastOutput > opts.idleTimeoutMs) stop('idle_timeout', `codex printed nothing for ${Math.round(opts.idleTimeoutMs / 1000)} s (idle timeout).`);
      if (opts.timeoutMs && now - started > opts.timeoutMs) stop('timeout', `The task ran longer than ${Math.round(opts.timeoutMs / 1000)} s (timeout).`);
      if (pipeline.reducer.state.status !== 'running' && !stopping) {
        turnEndedAt ??= now;
        if (now - turnEndedAt > 15_000) stop('exit'); // an old CLI that hangs after its turn ended
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    if (stopping) await stopping;
    // A host that died without a word (SIGKILL, the OOM killer) left codex with nobody to stop it: stop it here.
    // Only a host seen alive by this follower: after a reboot the recorded pids may belong to anything.
    else if (sawHost && hostPid !== null && !alive() && (!status || status.state === 'running')) for (const p of await stopOrphans(hostPid, status?.codexPid ?? null, grace)) seen.add(p);
  } finally {
    await fh.close();
    opts.signal?.removeEventListener('abort', onAbort);
  }
  const stderrTail = (await readFile(files.stderr, 'utf8').catch(() => '')).slice(-64 * 1024);
  const exitCode = status?.exitCode ?? null;
  let reason: RunEndReason = stopReason ?? 'exit';
  let message = stopMessage;
  if (!stopReason) {
    if (!status || status.state === 'running') {
      reason = 'end_of_input';
      message = 'The task was interrupted: its process ended without reporting how.';
    } else if (status.state === 'spawn_error') {
      reason = 'spawn_error';
      message = `Could not start codex (${opts.codexPath}): ${status.error ?? 'unknown error'}`;
    } else if (status.state === 'orphaned') {
      reason = 'cancelled';
      message = 'The task was stopped because the editor went away.';
    } else message = exitMessage(exitCode, status.signal ?? null, stderrTail);
  }
  const state = pipeline.end({ reason, exit_code: exitCode }, message);
  if (reason === 'end_of_input' && message && !state.errors.includes(message)) state.errors.push(message);
  return { state, reason, exitCode, signal: status?.signal ?? null, stderrTail, family: pipeline.parser.family, pids: [...seen] };
}
