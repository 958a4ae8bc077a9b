/**
 * How codex will authenticate, found without reading any credential: environment variable names, a flag for the key
 * the extension stores, `codex login status`, and whether `$CODEX_HOME/auth.json` exists.
 *
 * Precedence observed with 0.169 against a local fake server (the `Authorization` header codex sent):
 * `CODEX_API_KEY` in the environment wins over everything in `codex exec`; then what `codex login` stored in
 * auth.json (ChatGPT tokens or an API key). `OPENAI_API_KEY` in the environment is **not** sent by 0.169's built-in
 * OpenAI provider (only by providers configured with `env_key = "OPENAI_API_KEY"`), so it is reported with that
 * caveat. A key the extension stores is expected to reach codex as `CODEX_API_KEY` in the run's environment.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseLoginHelp, parseLoginStatus, type LoginFlags, type LoginStatus } from '../core/signIn';
import { MINIMUM_CLI_VERSION } from '../core/health';
import { compareVersions, type CliVersion } from '../core/version';
import { describeFailure, runBriefly } from './briefRun';

/** How codex will authenticate. */
export type AuthMethod = 'env-key' | 'stored-key' | 'chatgpt' | 'api-key-file' | 'none' | 'unknown';

/** The answer of {@link detectAuth}. */
export interface AuthState {
  /**
   * - `env-key`: `CODEX_API_KEY` (or `OPENAI_API_KEY`, see `warning`) in the environment or `codexSessions.env`;
   * - `stored-key`: the key the extension keeps in its secret storage;
   * - `chatgpt`: ChatGPT sign-in (`codex login status`);
   * - `api-key-file`: an API key saved by `codex login --with-api-key` in auth.json, or an auth.json whose kind
   *   this CLI cannot report (`confirmed: false`);
   * - `none`: nothing found; `unknown`: `codex login status` failed and nothing else was found.
   */
  method: AuthMethod;
  /** One sentence for the user; never contains a secret. */
  detail: string;
  /** Which variable, for `env-key`. */
  variable?: 'CODEX_API_KEY' | 'OPENAI_API_KEY';
  /** Where the variable came from. */
  origin?: 'environment' | 'codexSessions.env';
  /** Whether codex itself confirmed the method (`login status`), rather than it being inferred. */
  confirmed: boolean;
  /** Something that may still go wrong with this method. */
  warning?: string;
  /** What `codex login status` said, when it was run. */
  loginStatus?: LoginStatus;
  /** Whether `$CODEX_HOME/auth.json` exists (its contents are never read). */
  authFile: boolean;
  durationMs: number;
}

/** Inputs of {@link detectAuth}. */
export interface AuthInput {
  /** The extension host's environment. */
  env: Record<string, string | undefined>;
  /** Setting `codexSessions.env`, added to (and overriding) `env` for runs. */
  extraEnv?: Record<string, string>;
  /** Whether the extension holds an API key in its secret storage. */
  hasStoredKey?: boolean;
  /** The resolved `$CODEX_HOME`. */
  codexHome: string;
  /** The codex binary, to run `codex login status`; omitted: only auth.json's presence is checked. */
  codexPath?: string;
  /**
   * Its version. `login status` is run only for a known version the runner supports (0.20+, which have it; the
   * subcommand was added upstream in July 2025): on an unknown CLI, `codex login …` might start a real sign-in.
   */
  version?: CliVersion | null;
  timeoutMs?: number;
}

async function exists(p: string, dir = false): Promise<boolean> {
  try {
    const s = await stat(p);
    return dir ? s.isDirectory() : s.isFile();
  } catch {
    return false;
  }
}

function present(v: string | undefined): boolean {
  return typeof v === 'string' && v.trim() !== '';
}

/** Where a variable is set for runs: `codexSessions.env` overrides the environment (an empty value unsets it). */
function lookup(input: AuthInput, name: string): 'environment' | 'codexSessions.env' | null {
  if (input.extraEnv && name in input.extraEnv) return present(input.extraEnv[name]) ? 'codexSessions.env' : null;
  return present(input.env[name]) ? 'environment' : null;
}

/** Runs `codex login status` with `CODEX_HOME` set, a timeout, no shell, and parses it. */
export async function runLoginStatus(codexPath: string, env: Record<string, string | undefined>, codexHome: string, timeoutMs = 10000): Promise<LoginStatus> {
  const r = await runBriefly(codexPath, ['login', 'status'], { env: { ...env, CODEX_HOME: codexHome }, timeoutMs });
  if (r.outcome !== 'ok' && r.outcome !== 'exit') return { state: 'error', message: describeFailure('codex login status', r, timeoutMs) };
  return parseLoginStatus(`${r.stdout}\n${r.stderr}`, r.exitCode);
}

/** Runs `codex login --help` and reads which sign-in flags this CLI has (`--device-auth`, `--with-api-key`). */
export async function probeLoginFlags(codexPath: string, env: Record<string, string | undefined>, timeoutMs = 10000): Promise<LoginFlags | null> {
  const r = await runBriefly(codexPath, ['login', '--help'], { env, timeoutMs });
  return r.outcome === 'ok' ? parseLoginHelp(r.stdout + r.stderr) : null;
}

/**
 * Finds how codex will authenticate, in codex's own order: `CODEX_API_KEY`, the extension's stored key, what
 * `codex login status` reports (or, for a CLI that cannot say, the presence of auth.json), then `OPENAI_API_KEY`.
 */
export async function detectAuth(input: AuthInput): Promise<AuthState> {
  const started = Date.now();
  const authPath = path.join(input.codexHome, 'auth.json');
  const [authFile, homeExists] = await Promise.all([exists(authPath), exists(input.codexHome, true)]);
  const done = (s: Omit<AuthState, 'authFile' | 'durationMs'>): AuthState => ({ ...s, authFile, durationMs: Date.now() - started });

  const codexKey = lookup(input, 'CODEX_API_KEY');
  if (codexKey) return done({ method: 'env-key', variable: 'CODEX_API_KEY', origin: codexKey, confirmed: false, detail: `CODEX_API_KEY is set (${codexKey}); codex exec uses it before anything stored by codex login.` });
  if (input.hasStoredKey) return done({ method: 'stored-key', confirmed: false, detail: 'An API key stored by Codex Sessions is passed to codex for each task.' });

  let loginStatus: LoginStatus | undefined;
  const canAsk = input.codexPath && homeExists && input.version && compareVersions(input.version, MINIMUM_CLI_VERSION) >= 0;
  if (canAsk) loginStatus = await runLoginStatus(input.codexPath!, { ...input.env, ...input.extraEnv }, input.codexHome, input.timeoutMs);
  const withStatus = { ...(loginStatus ? { loginStatus } : {}) };
  const openaiKey = lookup(input, 'OPENAI_API_KEY');
  const openaiWarning = 'Recent codex versions (0.169) send OPENAI_API_KEY only to custom providers configured with env_key = "OPENAI_API_KEY", not to the built-in OpenAI provider. Set CODEX_API_KEY, or run `codex login --with-api-key`.';

  switch (loginStatus?.state) {
    case 'chatgpt':
      return done({ method: 'chatgpt', confirmed: true, detail: 'Signed in with ChatGPT (codex login status).', ...withStatus });
    case 'api-key':
      return done({ method: 'api-key-file', confirmed: true, detail: `An API key saved by codex login is used (${authPath}).`, ...withStatus });
    case 'other':
      return done({ method: 'api-key-file', confirmed: true, detail: `Signed in using ${loginStatus.mode} (codex login status).`, ...withStatus });
    case 'logged-out':
      if (openaiKey) return done({ method: 'env-key', variable: 'OPENAI_API_KEY', origin: openaiKey, confirmed: false, detail: `Not signed in; OPENAI_API_KEY is set (${openaiKey}).`, warning: openaiWarning, ...withStatus });
      return done({ method: 'none', confirmed: true, detail: 'Not signed in (codex login status).', ...withStatus });
    default:
      break;
  }
  if (authFile) {
    const why = loginStatus?.state === 'error' ? ` codex login status failed: ${loginStatus.message}` : '';
    return done({ method: 'api-key-file', confirmed: false, detail: `Credentials saved by codex login exist (${authPath}).${why}`, ...withStatus });
  }
  if (openaiKey) return done({ method: 'env-key', variable: 'OPENAI_API_KEY', origin: openaiKey, confirmed: false, detail: `OPENAI_API_KEY is set (${openaiKey}).`, warning: openaiWarning, ...withStatus });
  if (loginStatus?.state === 'error' || loginStatus?.state === 'unrecognized') {
    const said = loginStatus.state === 'error' ? loginStatus.message : loginStatus.text;
    return done({ method: 'unknown', confirmed: false, detail: `codex login status could not tell: ${said}`, ...withStatus });
  }
  const where = homeExists ? authPath : `${input.codexHome} (it does not exist yet)`;
  return done({ method: 'none', confirmed: false, detail: `No API key in the environment and no credentials in ${where}.`, ...withStatus });
}
