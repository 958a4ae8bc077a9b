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

async function dir(p: string, sync: boolean): Promise<Dirent[]> {
  try {
    return sync ? readdirSync(p, { withFileTypes: true }) : await readdir(p, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** Folders of rollouts below a top folder: itself (the oldest CLIs wrote flat) and `YYYY/MM/DD` (any depth ≤ 3). */
async function walk(top: string, archived: boolean, depth: number, out: SessionFile[], sync = false): Promise<void> {
  const entries = await dir(top, sync);
  const subdirs: Promise<void>[] = [];
  for (const e of entries) {
    if (e.isFile() || e.isSymbolicLink()) {
      const name = parseRolloutFileName(e.name);
      // `top` is normalized and a listed name holds no separator: plain concatenation is what path.join would
      // return, at a fraction of its cost over 10,000 files.
      if (name) out.push({ path: `${top}${path.sep}${e.name}`, id: name.id, local_time: name.local_time, archived });
    } else if (e.isDirectory() && depth < 3) {
      subdirs.push(walk(`${top}${path.sep}${e.name}`, archived, depth + 1, out, sync));
    }
  }
  await Promise.all(subdirs);
}

/**
 * Every rollout file of a `CODEX_HOME` (`sessions/` and, unless told otherwise, `archived_sessions/`), newest first,
 * from directory listings alone: the skeleton of the history tree, fast even for 10,000+ sessions. `sync` lists with
 * blocking calls (see `SessionIndexOptions.io`).
 */
export async function listSessionFiles(codexHome: string, opts: { archived?: boolean; sync?: boolean } = {}): Promise<SessionFile[]> {
  const out: SessionFile[] = [];
  await walk(path.join(codexHome, 'sessions'), false, 0, out, opts.sync);
  if (opts.archived !== false) await walk(path.join(codexHome, 'archived_sessions'), true, 0, out, opts.sync);
  // File names hold local time in a sortable form; comparing text keeps 10,000 entries cheap.
  return out.sort((a, b) => (a.local_time < b.local_time ? 1 : a.local_time > b.local_time ? -1 : a.path < b.path ? -1 : 1));
}

/** When a session started, in ms: its recorded start, else its file name's local time. */
export function sessionTimeMs(s: SessionFile & { started_at?: string | null }): number {
  const t = s.started_at ? Date.parse(s.started_at) : Number.NaN;
  return Number.isNaN(t) ? localTimeMs(s.local_time) : t;
}
