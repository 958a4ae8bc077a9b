import os from 'node:os';
import path from 'node:path';
import { localTimeMs, parseRolloutFileName, type RolloutSession } from '../core/rolloutSession';
import { walkHistory, type ListedDir, type SkippedEntry } from './historyListing';
import { defaultCodexHome } from './codexHome';
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

export { fsErrorReason, type ListedDir, type SkippedEntry } from './historyListing';

/** Options of {@link listSessionFiles}. */
export interface ListOptions {
  /** Include `archived_sessions/` (default true). */
  archived?: boolean;
  /** Blocking calls (see `SessionIndexOptions.io`). */
  sync?: boolean;
  /** Where folders that cannot be listed and entries that cannot be rollouts although named like one go. */
  skipped?: SkippedEntry[];
  /** The folders of an earlier listing, by path: those unchanged since are not listed again (see `walkHistory`). */
  previous?: ReadonlyMap<string, ListedDir>;
  /** Receives every folder of this listing (to be kept for the next one). */
  listing?: ListedDir[];
}

/** The session file `name` in `dir` (a name that parses as a rollout's). */
export function sessionFileIn(dir: ListedDir, name: string): SessionFile | null {
  const parsed = parseRolloutFileName(name);
  // `dir.path` is normalized and a listed name holds no separator: plain concatenation is what path.join would
  // return, at a fraction of its cost over 10,000 files.
  return parsed && { path: `${dir.path}${path.sep}${name}`, id: parsed.id, local_time: parsed.local_time, archived: dir.archived };
}

/**
 * Every rollout file of a `CODEX_HOME` (`sessions/` and, unless told otherwise, `archived_sessions/`), newest first,
 * from directory listings alone: the skeleton of the history tree, fast even for 10,000+ sessions. Folders that
 * cannot be listed and entries that cannot be rollouts although named like one (bad names, folders, FIFOs) go to
 * `skipped` when given.
 */
export async function listSessionFiles(codexHome: string, opts: ListOptions = {}): Promise<SessionFile[]> {
  const out: SessionFile[] = [];
  await walkHistory(codexHome, opts, (d) => {
    opts.listing?.push(d);
    for (const name of d.files) {
      const f = sessionFileIn(d, name);
      if (f) out.push(f);
    }
  });
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
