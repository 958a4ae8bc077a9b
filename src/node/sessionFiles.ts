import { readdirSync, type Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { localTimeMs, parseRolloutFileName, type RolloutSession } from '../core/rolloutSession';
import { defaultCodexHome } from './rolloutLookup';
import type { CachedUsage } from './sessionUsage';

/** A rollout file under `CODEX_HOME`, known from its path alone (no read, no stat). */
export interface SessionFile {
  path: string;
  id: string;
  /** Local start time from the file name, `YYYY-MM-DDTHH:MM:SS`. */
  local_time: string;
  /** Under `archived_sessions/`. */
  archived: boolean;
}

/** A session with its metadata (from a bounded head read, or the cache). */
export interface SessionInfo extends SessionFile, Omit<RolloutSession, 'id'> {
  size: number;
  mtime_ms: number;
  /** Whether the head read found the title (and the model, where the family records one) within its budget. */
  complete: boolean;
  /** Token usage of the whole file as it is now, once asked for (`refresh({ usage: true })`); absent: not read yet. */
  usage?: CachedUsage;
}

/** `$CODEX_HOME` from the setting, else the `CODEX_HOME` variable, else `~/.codex` (as the CLI itself decides). */
export function resolveCodexHome(setting: string | undefined, env: Record<string, string | undefined> = process.env): string {
  const home = setting?.trim() || defaultCodexHome(env);
  return home === '~' || home.startsWith('~/') ? path.join(os.homedir(), home.slice(2)) : home;
}

/** A file or folder of the history that could not be used, and why (shown to the user, never silently dropped). */
export interface SkippedEntry {
  path: string;
  reason: string;
}

/** A short human reason for a file system error. */
export function fsErrorReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'deleted while the history was read';
    case 'ELOOP':
      return 'a symbolic link loop';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'a folder where a file was expected';
    default:
      return (e as Error | null)?.message ?? String(e);
  }
}

async function dir(p: string, sync: boolean, skipped?: SkippedEntry[], top = false): Promise<Dirent[]> {
  try {
    return sync ? readdirSync(p, { withFileTypes: true }) : await readdir(p, { withFileTypes: true });
  } catch (e) {
    // A missing top folder is a history with no sessions yet, not a fault.
    if (!(top && (e as NodeJS.ErrnoException).code === 'ENOENT')) skipped?.push({ path: p, reason: `folder not listed: ${fsErrorReason(e)}` });
    return [];
  }
}

/**
 * Names of a folder that are not valid UTF-8 (listed as U+FFFD, so the decoded path names no file): the raw bytes are
 * looked at only when a name holds U+FFFD, which almost never happens.
 */
async function undecodableNames(p: string, sync: boolean): Promise<Set<string>> {
  const out = new Set<string>();
  let raw: Buffer[];
  try {
    raw = sync ? readdirSync(p, { encoding: 'buffer' }) : await readdir(p, { encoding: 'buffer' });
  } catch {
    return out;
  }
  for (const b of raw) {
    const name = b.toString('utf8');
    if (!Buffer.from(name, 'utf8').equals(b)) out.add(name);
  }
  return out;
}

/** Folders of rollouts below a top folder: itself (the oldest CLIs wrote flat) and `YYYY/MM/DD` (any depth ≤ 3). */
async function walk(top: string, archived: boolean, depth: number, out: SessionFile[], sync = false, skipped?: SkippedEntry[]): Promise<void> {
  const entries = await dir(top, sync, skipped, depth === 0);
  const bad = entries.some((e) => e.name.includes('\uFFFD')) ? await undecodableNames(top, sync) : null;
  const subdirs: Promise<void>[] = [];
  for (const e of entries) {
    const p = `${top}${path.sep}${e.name}`;
    if (bad?.has(e.name)) {
      if (e.isDirectory() || e.name.startsWith('rollout-')) skipped?.push({ path: p, reason: 'its name is not valid UTF-8' });
      continue;
    }
    if (e.isFile() || e.isSymbolicLink()) {
      const name = parseRolloutFileName(e.name);
      // `top` is normalized and a listed name holds no separator: plain concatenation is what path.join would
      // return, at a fraction of its cost over 10,000 files.
      if (name) out.push({ path: p, id: name.id, local_time: name.local_time, archived });
    } else if (parseRolloutFileName(e.name)) {
      skipped?.push({ path: p, reason: e.isDirectory() ? 'a folder where a file was expected' : 'not a regular file' });
    } else if (e.isDirectory() && depth < 3) {
      subdirs.push(walk(p, archived, depth + 1, out, sync, skipped));
    }
  }
  await Promise.all(subdirs);
}

/**
 * Every rollout file of a `CODEX_HOME` (`sessions/` and, unless told otherwise, `archived_sessions/`), newest first,
 * from directory listings alone: the skeleton of the history tree, fast even for 10,000+ sessions. `sync` lists with
 * blocking calls (see `SessionIndexOptions.io`). Folders that cannot be listed and entries that cannot be rollouts
 * although named like one (bad names, folders, FIFOs) go to `skipped` when given.
 */
export async function listSessionFiles(
  codexHome: string,
  opts: { archived?: boolean; sync?: boolean; skipped?: SkippedEntry[] } = {},
): Promise<SessionFile[]> {
  const out: SessionFile[] = [];
  await walk(path.join(codexHome, 'sessions'), false, 0, out, opts.sync, opts.skipped);
  if (opts.archived !== false) await walk(path.join(codexHome, 'archived_sessions'), true, 0, out, opts.sync, opts.skipped);
  // File names hold local time in a sortable form; comparing text keeps 10,000 entries cheap.
  return out.sort((a, b) => (a.local_time < b.local_time ? 1 : a.local_time > b.local_time ? -1 : a.path < b.path ? -1 : 1));
}

/** When a session started, in ms: its recorded start, else its file name's local time. */
export function sessionTimeMs(s: SessionFile & { started_at?: string | null }): number {
  const t = s.started_at ? Date.parse(s.started_at) : Number.NaN;
  return Number.isNaN(t) ? localTimeMs(s.local_time) : t;
}

/** What the history tree says about skipped entries: a one-line label and a tooltip listing them (the first `max`). */
export function describeSkipped(skipped: readonly SkippedEntry[], max = 20): { label: string; tooltip: string } {
  const n = skipped.length;
  const lines = skipped.slice(0, max).map((e) => `${e.path}: ${e.reason}`);
  if (n > max) lines.push(`… and ${n - max} more`);
  return {
    label: `Skipped ${n} ${n === 1 ? 'file' : 'files'} that could not be read`,
    tooltip: `These entries of the sessions folder were left out; every other session is listed.\n\n${lines.join('\n')}`,
  };
}
