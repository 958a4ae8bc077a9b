import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { descendantsOf, isAlive, signalAll } from '../../src/node/processTree';
import { harnessPaths, harnessProblem } from '../../scripts/setupUiHarness.mjs';

/** The repository root: the extension under test, once `npm run build` has written dist/. */
export const REPO = path.resolve(import.meta.dirname, '..', '..');

/**
 * User settings every UI test starts from: nothing that pops up on its own (welcome page, walkthroughs, tips,
 * trust prompts, update checks, the chat side bar), so screenshots show only what the test did.
 */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.colorTheme': 'Default Light Modern',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'files.hotExit': 'off',
};

/** What a test may choose about its code-server. */
export interface CodeServerOptions {
  /** User settings, merged over QUIET_SETTINGS into `User/settings.json`. */
  settings?: Record<string, unknown>;
  /** The folder to open; a fresh empty temp folder (removed on stop) when omitted. */
  workspace?: string;
  /** The extension folder to load (default: this repository). */
  extensionPath?: string;
  /** Extra environment for code-server, and so for the extension host and everything our extension spawns. */
  env?: Record<string, string>;
  /** How long code-server may take to answer HTTP (default 60 s). */
  startTimeoutMs?: number;
  /**
   * Keep workspace trust working (code-server is started without `--disable-workspace-trust`); the settings then
   * decide, e.g. `security.workspace.trust.enabled: true` with `security.workspace.trust.startupPrompt: 'never'`
   * opens the workspace untrusted (Restricted Mode).
   */
  workspaceTrust?: boolean;
}

/** A running code-server with our extension installed. */
export interface CodeServer {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  /** The workbench URL with the workspace folder open. */
  readonly workspaceUrl: string;
  readonly port: number;
  readonly workspace: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** `publisher.name` from the extension's package.json. */
  readonly extensionId: string;
  /** Everything code-server printed so far (stdout and stderr interleaved). */
  output(): string;
  /** The text of every log file under the user data dir whose path contains `nameContains` (e.g. `exthost`). */
  logs(nameContains?: string): { file: string; text: string }[];
  /** Whether the extension host logged the activation of `extensionId` (our extension by default). */
  activated(extensionId?: string): boolean;
  /**
   * Error records of the extension host logs that concern `extensionId` (our extension by default): an
   * activation failure with its stack, or anything the extension logged at error level in its own log.
   */
  extensionErrors(extensionId?: string): string[];
  /** Copies the captured output and the user data dir's logs to `dir`, for a failed test. */
  saveLogs(dir: string): void;
  /** Changes settings while it runs: rewrites User and Machine settings.json (as started) with `changes`. */
  changeSettings(changes: Record<string, unknown>): void;
  /** Kills code-server's whole process tree and removes the temp folders. Safe to call twice. */
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** `EXTDIR/<publisher>.<name>-<version>` linked to the extension folder, as an installed extension would sit. */
function linkExtension(extensionPath: string, extensionsDir: string): string {
  const manifest = JSON.parse(readFileSync(path.join(extensionPath, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string; main?: string };
  if (manifest.main && !existsSync(path.resolve(extensionPath, manifest.main))) {
    throw new Error(`${manifest.main} is missing in ${extensionPath}: run \`npm run build\` first`);
  }
  const id = `${manifest.publisher}.${manifest.name}`;
  symlinkSync(extensionPath, path.join(extensionsDir, `${id}-${manifest.version}`), 'dir');
  return id;
}

/** A log file's records: a timestamped first line and its continuation lines (a stack trace). */
function logRecords(text: string): { level: string; text: string }[] {
  const records: { level: string; text: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[(\w+)\]/.exec(line);
    if (m) records.push({ level: m[1]!, text: line });
    else if (records.length) records.at(-1)!.text += `\n${line}`;
  }
  return records;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** Polls `url` until it answers with a status below 500; rejects early if the process exits. */
async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before answering:\n${output()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status < 500) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs} ms (${last}):\n${output()}`);
}

/** Starts code-server (Node 24, from the UI harness cache) with our extension, in its own process group. */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const problem = harnessProblem();
  if (problem) throw new Error(`UI harness not ready (${problem}): run \`node scripts/setupUiHarness.mjs\``);
  const harness = harnessPaths();

  const root = mkdtempSync(path.join(os.tmpdir(), 'cs-ui-'));
  const userDataDir = path.join(root, 'data');
  const extensionsDir = path.join(root, 'extensions');
  const workspace = options.workspace ?? path.join(root, 'workspace');
  for (const d of [path.join(userDataDir, 'User'), extensionsDir, workspace]) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2));
  // code-server is a remote: settings of `machine` scope (paths, environment) are read from the remote's Machine
  // settings, not from User settings, just like VS Code's "Remote [SSH]" settings.
  mkdirSync(path.join(userDataDir, 'Machine'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'Machine', 'settings.json'), JSON.stringify({ ...options.settings }, null, 2));
  // An explicit config file, so code-server neither reads nor writes ~/.config/code-server/config.yaml.
  const config = path.join(root, 'config.yaml');
  writeFileSync(config, 'auth: none\n');

  let extensionId: string;
  try {
    extensionId = linkExtension(options.extensionPath ?? REPO, extensionsDir);
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }

  const port = await freePort();
  const args = [
    harness.codeServerEntry,
    '--config', config,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--disable-proxy',
    '--ignore-last-opened',
    '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir,
    workspace,
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // code-server keeps its own logs (coder-logs) under XDG_DATA_HOME and VS Code a device id under
    // XDG_CACHE_HOME: keep them in the temp folder, not in the user's home.
    XDG_DATA_HOME: path.join(root, 'xdg-data'),
    XDG_CONFIG_HOME: path.join(root, 'xdg-config'),
    XDG_CACHE_HOME: path.join(root, 'xdg-cache'),
    // No extension gallery: code-server's default (open-vsx) would be queried for updates of the built-in
    // extensions, and this machine talks only to itself.
    EXTENSIONS_GALLERY: '{}',
    ...options.env,
  };
  // Variables of the mocha process that would change how code-server's Node or its extension host load code.
  delete env.NODE_OPTIONS;
  delete env.VSCODE_IPC_HOOK_CLI;
  delete env.ELECTRON_RUN_AS_NODE;

  // Detached: a process group of its own, so stop() reaches the file watcher and extension host too.
  const child = spawn(harness.node, args, { cwd: workspace, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s));
  const pid = child.pid!;
  let stopped = false;

  // If the test process exits without stop() (Ctrl+C, a crash), code-server would outlive it: it is detached.
  const killOnExit = () => signalAll(pid, [pid, ...descendantsOf(pid)], 'SIGKILL');
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    // Collected before the kill: a descendant that made a session of its own (a terminal's shell) is not in
    // the group, and once its parent dies it is reparented and no longer found under code-server.
    const pids = [pid, ...descendantsOf(pid)];
    signalAll(pid, pids, 'SIGTERM');
    const until = Date.now() + 5000;
    while (pids.some(isAlive) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    signalAll(pid, pids, 'SIGKILL');
    while (pids.some(isAlive) && Date.now() < until + 5000) await new Promise((r) => setTimeout(r, 50));
    child.stdout!.destroy();
    child.stderr!.destroy();
    rmSync(root, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForHttp(`${url}healthz`, child, options.startTimeoutMs ?? 60_000, () => out);
  } catch (e) {
    await stop();
    throw e;
  }

  const logs = (nameContains = ''): { file: string; text: string }[] =>
    listFiles(path.join(userDataDir, 'logs'))
      .filter((f) => f.includes(nameContains))
      .map((file) => ({ file, text: readFileSync(file, 'utf8') }));

  const exthostLogs = () => logs().filter((l) => /[/\\]exthost\d*[/\\]/.test(l.file));
  const activated = (id = extensionId) => exthostLogs().some((l) => l.text.includes(`_doActivateExtension ${id},`));
  const extensionErrors = (id = extensionId): string[] => {
    const out: string[] = [];
    for (const l of exthostLogs()) {
      const own = l.file.includes(`${path.sep}${id}${path.sep}`);
      const records = logRecords(l.text);
      records.forEach((r, i) => {
        if (r.level !== 'error') return;
        // "Activating extension X failed due to an error:" comes as one record, the error and its stack as the next.
        const prev = records[i - 1];
        if (own || r.text.includes(id) || (prev?.level === 'error' && prev.text.includes(id))) out.push(r.text.trimEnd());
      });
    }
    return out;
  };

  return {
    url,
    workspaceUrl: `${url}?folder=${encodeURIComponent(workspace)}`,
    port,
    workspace,
    userDataDir,
    extensionsDir,
    extensionId,
    output: () => out,
    logs,
    activated,
    extensionErrors,
    saveLogs(dir: string) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'code-server.log'), out);
      const logsDir = path.join(userDataDir, 'logs');
      if (existsSync(logsDir)) cpSync(logsDir, path.join(dir, 'logs'), { recursive: true });
    },
    changeSettings(changes: Record<string, unknown>) {
      for (const scope of ['User', 'Machine']) {
        const file = path.join(userDataDir, scope, 'settings.json');
        const now = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        writeFileSync(file, JSON.stringify({ ...now, ...changes }, null, 2));
      }
    },
    stop,
  };
}
