import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { codexProviderArgs, startFakeModelServer, type CodexProviderOptions, type FakeModelServer, type FakeModelServerOptions } from './fakeModelServer';

/** The repository root. */
export const REPO = path.resolve(import.meta.dirname, '..', '..');
/** The real codex launcher installed from npm (`@openai/codex`, pinned in package.json). */
export const CODEX = process.env.CODEX_BIN ?? path.join(REPO, 'node_modules', '.bin', 'codex');
/** The built command line. */
export const CLI = path.join(REPO, 'dist', 'cli.js');

const cleanups: (() => unknown)[] = [];

/** Runs and forgets everything registered by the current test. */
export async function cleanup(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!();
}

/** A temp dir removed after the test. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fake model server closed after the test. */
export async function fakeServer(script: Parameters<typeof startFakeModelServer>[0], options?: FakeModelServerOptions): Promise<FakeModelServer> {
  const s = await startFakeModelServer(script, options);
  cleanups.push(() => s.close());
  return s;
}

/** A codex environment for one test: its own CODEX_HOME, workspace and provider arguments. */
export interface CodexEnv {
  codexHome: string;
  workspace: string;
  extraArgs: string[];
  extraEnv: Record<string, string>;
}

/** Makes a fresh CODEX_HOME and workspace pointed at the fake server. */
export function codexEnv(server: FakeModelServer, provider: CodexProviderOptions = {}): CodexEnv {
  const codexHome = tempDir('cs-home-');
  const workspace = tempDir('cs-ws-');
  // A HOME of its own: `bash -lc` then reads no user profile (a slow or locked shell init would skew the tests).
  const home = tempDir('cs-user-');
  return {
    codexHome,
    workspace,
    extraArgs: codexProviderArgs(server, { requestMaxRetries: 0, streamMaxRetries: 0, ...provider }),
    extraEnv: { OPENAI_API_KEY: 'sk-test', CODEX_HOME: codexHome, HOME: home },
  };
}

/** Runs `node dist/cli.js ARGS`; resolves with its exit code and output (never rejects). */
export function runCli(args: string[], timeoutMs = 90_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The CLI options that point a run at the test's fake model. */
export function cliOptions(env: CodexEnv): string[] {
  return [
    '--codex-path', CODEX, '--cwd', env.workspace, '--model', 'gpt-5-codex', '--bypass-approvals',
    ...env.extraArgs.map((a) => `--arg=${a}`),
    ...Object.entries(env.extraEnv).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
  ];
}

/** pids of live processes whose command line contains `marker` (read from the process table). */
export function processesMatching(marker: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const state = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (cmdline.includes(marker) && state.slice(state.lastIndexOf(')') + 2)[0] !== 'Z') out.push(Number(name));
    } catch {
      // Gone while we looked.
    }
  }
  return out;
}

/** Polls until `check` is true or `ms` passes; returns the last result. */
export async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}
