import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { parseCliVersion, type CliVersion } from '../core/version';
import { descendantsOf, signalAll } from './processTree';

/** Where to look for codex, made explicit so the search is testable on any platform. */
export interface LocateInput {
  /** Setting `codexSessions.path` / CLI `--codex-path`; used as is when set. */
  configuredPath?: string;
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  homedir: string;
}

/** A found binary and why it was chosen. */
export type LocateResult =
  | { found: true; path: string; source: 'setting' | 'PATH' | 'well-known' }
  | { found: false; tried: string[]; reason: string };

/** The native binary that the npm package's `.cmd` shim would start, relative to the shim's folder (Windows). */
function nativeBesideShim(dir: string): string[] {
  const pkg = path.win32.join(dir, 'node_modules', '@openai');
  return [
    path.win32.join(pkg, 'codex-win32-x64', 'vendor', 'x86_64-pc-windows-msvc', 'codex', 'codex.exe'),
    path.win32.join(pkg, 'codex', 'node_modules', '@openai', 'codex-win32-x64', 'vendor', 'x86_64-pc-windows-msvc', 'codex', 'codex.exe'),
    path.win32.join(pkg, 'codex', 'vendor', 'x86_64-pc-windows-msvc', 'codex', 'codex.exe'),
    path.win32.join(pkg, 'codex-win32-arm64', 'vendor', 'aarch64-pc-windows-msvc', 'codex', 'codex.exe'),
  ];
}

/**
 * The places to try, in order: every PATH entry, then the usual install places (npm global prefix, `~/.local/bin`,
 * Homebrew, Volta, bun). On Windows the native `codex.exe` is preferred over the npm `.cmd` shim, which would need a
 * shell to run.
 */
export function candidatePaths(input: LocateInput): { path: string; source: 'PATH' | 'well-known' }[] {
  const win = input.platform === 'win32';
  const p = win ? path.win32 : path.posix;
  const env = input.env;
  const pathVar = env.PATH ?? env.Path ?? '';
  const dirs = pathVar.split(win ? ';' : ':').filter(Boolean);
  const wellKnown: string[] = [];
  if (env.npm_config_prefix) wellKnown.push(win ? env.npm_config_prefix : p.join(env.npm_config_prefix, 'bin'));
  if (win) {
    if (env.APPDATA) wellKnown.push(p.join(env.APPDATA, 'npm'));
    if (env.LOCALAPPDATA) wellKnown.push(p.join(env.LOCALAPPDATA, 'Programs', 'codex'));
  } else {
    wellKnown.push(
      p.join(input.homedir, '.local', 'bin'),
      p.join(input.homedir, '.npm-global', 'bin'),
      p.join(input.homedir, '.volta', 'bin'),
      p.join(input.homedir, '.bun', 'bin'),
      '/usr/local/bin',
      '/opt/homebrew/bin',
      '/home/linuxbrew/.linuxbrew/bin',
      '/usr/bin',
    );
  }
  const out: { path: string; source: 'PATH' | 'well-known' }[] = [];
  const seen = new Set<string>();
  const add = (file: string, source: 'PATH' | 'well-known'): void => {
    const key = win ? file.toLowerCase() : file;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ path: file, source });
  };
  for (const [list, source] of [[dirs, 'PATH'], [wellKnown, 'well-known']] as const) {
    for (const dir of list) {
      if (win) {
        add(p.join(dir, 'codex.exe'), source);
        for (const n of nativeBesideShim(dir)) add(n, source);
      } else {
        add(p.join(dir, 'codex'), source);
      }
    }
  }
  return out;
}

async function isExecutableFile(file: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    const s = await stat(file);
    if (!s.isFile()) return false;
    if (platform !== 'win32') await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds the codex binary: the configured path, else PATH, else the usual install places. */
export async function locateCodex(input: LocateInput): Promise<LocateResult> {
  if (input.configuredPath) {
    if (await isExecutableFile(input.configuredPath, input.platform)) return { found: true, path: input.configuredPath, source: 'setting' };
    return { found: false, tried: [input.configuredPath], reason: `The configured codex path is not an executable file: ${input.configuredPath}` };
  }
  const tried: string[] = [];
  for (const c of candidatePaths(input)) {
    tried.push(c.path);
    if (await isExecutableFile(c.path, input.platform)) return { found: true, path: c.path, source: c.source };
  }
  return { found: false, tried, reason: 'codex was not found on PATH or in the usual install places.' };
}

/** What `codex --version` said. */
export type VersionProbe = { ok: true; version: CliVersion; text: string } | { ok: false; error: string };

/** Runs `codex --version` (no shell, with a timeout) and parses the answer. */
export async function probeCodexVersion(codexPath: string, env: Record<string, string | undefined>, timeoutMs = 10000): Promise<VersionProbe> {
  const child = execa(codexPath, ['--version'], {
    env, extendEnv: false, reject: false, stdin: 'ignore', windowsHide: true, detached: process.platform !== 'win32',
  });
  let timedOut = false;
  // Kill the whole group: a wrapper script's children would otherwise hold stdout open past the timeout.
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) signalAll(child.pid, descendantsOf(child.pid), 'SIGKILL');
  }, timeoutMs);
  const r = await child;
  clearTimeout(timer);
  const text = `${String(r.stdout ?? '')}\n${String(r.stderr ?? '')}`.trim();
  if (timedOut) return { ok: false, error: `codex --version did not answer within ${timeoutMs / 1000} s.` };
  if (r.failed) return { ok: false, error: r.shortMessage ?? text };
  const version = parseCliVersion(text);
  return version ? { ok: true, version, text } : { ok: false, error: `Could not read a version from "${text.slice(0, 200)}".` };
}
