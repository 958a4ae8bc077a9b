#!/usr/bin/env node
// Installs ccusage (https://github.com/ccusage/ccusage), the tool the usage equality test and the usage benchmark
// compare against, into a cache folder outside the repository. Not a devDependency on purpose: ccusage 20 is a native
// binary in per-platform optional packages, and a lockfile only installs with `npm ci` when every platform's package
// is on the registry (20.0.26 has none for linux-x64 here; 20.0.24 has linux-x64 only). The last JavaScript release,
// @ccusage/codex 18.0.11, still double-counts the CLI's repeated token_count records, so it is no reference.
//
//   node scripts/setupCcusage.mjs           install if missing, print the binary's path
//   node scripts/setupCcusage.mjs --check   print the path if installed, else exit 1; install nothing
//
// Cache folder: $CODEX_SESSIONS_CCUSAGE_DIR, else ${XDG_CACHE_HOME:-~/.cache}/codex-sessions/ccusage-<version>.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The pinned version: the newest with a linux-x64 build on the registry this project installs from. */
export const CCUSAGE_VERSION = '20.0.24';

/** Where the pinned ccusage is installed. */
export function ccusageDir() {
  if (process.env.CODEX_SESSIONS_CCUSAGE_DIR) return path.resolve(process.env.CODEX_SESSIONS_CCUSAGE_DIR);
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'codex-sessions', `ccusage-${CCUSAGE_VERSION}`);
}

/** The installed binary (it exists only after a finished setup). */
export function installedCcusage(dir = ccusageDir()) {
  return path.join(dir, 'node_modules', '.bin', process.platform === 'win32' ? 'ccusage.cmd' : 'ccusage');
}

/** Whether the binary runs and is the pinned version. */
export function ccusageWorks(bin = installedCcusage()) {
  if (!existsSync(bin)) return false;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 && r.stdout.includes(CCUSAGE_VERSION);
}

/** Installs the pinned ccusage unless it is there; returns the binary's path. */
export function setupCcusage() {
  const dir = ccusageDir();
  const bin = installedCcusage(dir);
  if (ccusageWorks(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `ccusage@${CCUSAGE_VERSION}`], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (r.status !== 0) throw new Error(`npm install ccusage@${CCUSAGE_VERSION} failed (exit ${r.status})`);
  if (!ccusageWorks(bin)) throw new Error(`ccusage ${CCUSAGE_VERSION} was installed to ${dir} but does not run on ${process.platform}-${process.arch}`);
  return bin;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const bin = installedCcusage();
    if (!ccusageWorks(bin)) {
      console.error(`[ccusage] not installed: run node scripts/setupCcusage.mjs`);
      process.exit(1);
    }
    console.log(bin);
  } else {
    try {
      console.log(setupCcusage());
    } catch (e) {
      console.error(`[ccusage] ${e.message}`);
      process.exit(1);
    }
  }
}
