/*
 * The detached task host (`dist/taskHost.cjs`): runs one codex process for the extension so that the task survives a
 * window reload. codex's stdout goes straight to a file the extension follows; this host records the exit status,
 * and stops codex when the editor is gone (its lease file is no longer touched) so nothing outlives VS Code.
 * It is started detached (its own process group) with the spec file's path as its only argument.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runFiles, type TaskHostSpec, type TaskHostStatus } from './node/taskHostSpec';

const runDir = path.dirname(process.argv[2] ?? '.');
const files = runFiles(runDir);
const spec = JSON.parse(readFileSync(files.spec, 'utf8')) as TaskHostSpec;

function writeStatus(s: TaskHostStatus): void {
  const tmp = `${files.status}.tmp`;
  writeFileSync(tmp, JSON.stringify(s));
  renameSync(tmp, files.status);
}

const status: TaskHostStatus = { hostPid: process.pid, codexPid: null, state: 'running', exitCode: null, signal: null, startedAt: Date.now() };
const out = openSync(files.stdout, 'a');
const err = openSync(files.stderr, 'a');
writeFileSync(files.lease, '');

// The extension stops a task by signalling this whole process group; the host waits for codex to exit instead.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => undefined);

// The secret variables came through this host's environment, not the spec file (see TaskHostSpec.envFromHost).
const env: Record<string, string | undefined> = { ...spec.env };
for (const name of spec.envFromHost ?? []) env[name] = process.env[name];
const child = spawn(spec.codexPath, spec.args, { cwd: spec.cwd, env, stdio: ['pipe', out, err], shell: false, windowsHide: true });
child.on('error', (e) => {
  writeStatus({ ...status, state: 'spawn_error', error: e.message, endedAt: Date.now() });
  process.exit(1);
});
status.codexPid = child.pid ?? null;
writeStatus(status);
child.stdin?.on('error', () => undefined);
child.stdin?.end(spec.prompt);

let orphaned = false;
const leaseTimer = setInterval(() => {
  let age = Infinity;
  try {
    age = Date.now() - statSync(files.lease).mtimeMs;
  } catch {
    // No lease file: treat as expired.
  }
  if (age > spec.leaseMs && !orphaned) {
    orphaned = true;
    try {
      process.kill(-process.pid, 'SIGINT');
    } catch {
      child.kill('SIGINT');
    }
    setTimeout(() => child.kill('SIGTERM'), spec.killGraceMs).unref();
    setTimeout(() => {
      try {
        process.kill(-process.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, spec.killGraceMs * 2).unref();
  }
}, Math.min(2000, spec.leaseMs / 4));

child.on('exit', (code, signal) => {
  clearInterval(leaseTimer);
  closeSync(out);
  closeSync(err);
  writeStatus({ ...status, state: orphaned ? 'orphaned' : 'exited', exitCode: code, signal, endedAt: Date.now() });
  process.exit(0);
});
