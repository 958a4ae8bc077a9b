import { readdirSync, stat as statCb, type Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseRolloutFileName } from '../core/rolloutSession';
import { newStamp, stampOf, type FileStamp } from './fileStamp';

/*
 * Walking the history folders (`sessions/`, `archived_sessions/`, and their `YYYY/MM/DD` folders), with the listing of
 * an earlier walk to reuse: a folder whose modification and change times are those it was listed at holds the same
 * entries (creating, deleting or renaming an entry changes both), so it is not listed again. A warm start then costs a
 * stat per folder instead of a listing of it and a parse of every name in it.
 */

/** A file or folder of the history that could not be used, and why (shown to the user, never silently dropped). */
export interface SkippedEntry {
  path: string;
  reason: string;
}

/** A folder of the history as a walk found it. */
export interface ListedDir {
  path: string;
  /** 0 for `sessions/` and `archived_sessions/`; folders deeper than 3 are not walked. */
  depth: number;
  archived: boolean;
  /** Its times when it was listed (NaN: unknown, so never reused). */
  mtimeMs: number;
  ctimeMs: number;
  /**
   * Whether a later walk may take its entries from here while its times are unchanged. Not when it changed too
   * recently for its times to be trusted (see {@link RACY_MS}), could not be listed, or held entries that were
   * skipped (they are reported again by listing it).
   */
  reusable: boolean;
  /** Names of the rollout files in it (file names that parse as rollouts, symbolic links included). */
  files: string[];
  /** Names of the folders in it that were walked. */
  dirs: string[];
}

/**
 * A folder modified less than this long before it was listed may change again within the same tick of the file
 * system's clock (coarse: a few milliseconds on Linux, up to 2 s on FAT) without its time changing: it is listed
 * again next time rather than trusted (git's "racily clean" entries).
 */
export const RACY_MS = 3000;

/** The window in force ({@link RACY_MS}; tests shorten it rather than wait for a folder to age). */
export const racyWindow = { ms: RACY_MS };

/** Options of {@link walkHistory}. */
export interface WalkOptions {
  /** Include `archived_sessions/` (default true). */
  archived?: boolean;
  /** Blocking calls (see `SessionIndexOptions.io`). */
  sync?: boolean;
  /** Where folders that cannot be listed and entries that cannot be rollouts go. */
  skipped?: SkippedEntry[];
  /** The folders of an earlier walk, by path: reused while unchanged. */
  previous?: ReadonlyMap<string, ListedDir>;
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

/** A folder's stamp (a new object each: walks of sibling folders interleave). */
const statDir = (p: string, sync: boolean): Promise<FileStamp | null> | FileStamp | null => {
  if (sync) return stampOf(p, newStamp());
  return new Promise((resolve) =>
    statCb(p, (e, st) => resolve(e ? null : { isFile: st.isFile(), isDirectory: st.isDirectory(), size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs })),
  );
};

async function entriesOf(p: string, sync: boolean, skipped: SkippedEntry[] | undefined, top: boolean): Promise<Dirent[] | null> {
  try {
    return sync ? readdirSync(p, { withFileTypes: true }) : await readdir(p, { withFileTypes: true });
  } catch (e) {
    // A missing top folder is a history with no sessions yet, not a fault.
    if (!(top && (e as NodeJS.ErrnoException).code === 'ENOENT')) skipped?.push({ path: p, reason: `folder not listed: ${fsErrorReason(e)}` });
    return null;
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

/** Lists one folder (its times taken first, so that a change while it is listed shows next time). */
async function listDir(dir: string, depth: number, archived: boolean, opts: WalkOptions, now: number): Promise<ListedDir> {
  const sync = opts.sync === true;
  const st = await statDir(dir, sync);
  const listed: ListedDir = { path: dir, depth, archived, mtimeMs: st?.mtimeMs ?? Number.NaN, ctimeMs: st?.ctimeMs ?? Number.NaN, reusable: false, files: [], dirs: [] };
  const entries = await entriesOf(dir, sync, opts.skipped, depth === 0);
  if (!entries) return listed;
  const bad = entries.some((e) => e.name.includes('\uFFFD')) ? await undecodableNames(dir, sync) : null;
  let skippedHere = false;
  for (const e of entries) {
    const p = `${dir}${path.sep}${e.name}`;
    if (bad?.has(e.name)) {
      if (e.isDirectory() || e.name.startsWith('rollout-')) {
        opts.skipped?.push({ path: p, reason: 'its name is not valid UTF-8' });
        skippedHere = true;
      }
      continue;
    }
    if (e.isFile() || e.isSymbolicLink()) {
      if (parseRolloutFileName(e.name)) listed.files.push(e.name);
    } else if (parseRolloutFileName(e.name)) {
      opts.skipped?.push({ path: p, reason: e.isDirectory() ? 'a folder where a file was expected' : 'not a regular file' });
      skippedHere = true;
    } else if (e.isDirectory() && depth < 3) {
      listed.dirs.push(e.name);
    }
  }
  const settled = now - racyWindow.ms;
  listed.reusable = !skippedHere && Number.isFinite(listed.mtimeMs) && listed.mtimeMs < settled && listed.ctimeMs < settled;
  return listed;
}

/** Whether `prev` still describes the folder (its times unchanged), with a stat of it; null when it must be listed. */
async function reused(dir: string, prev: ListedDir | undefined, sync: boolean): Promise<ListedDir | null> {
  if (!prev?.reusable) return null;
  const st = await statDir(dir, sync);
  return st?.isDirectory && st.mtimeMs === prev.mtimeMs && st.ctimeMs === prev.ctimeMs ? prev : null;
}

async function walk(dir: string, depth: number, archived: boolean, opts: WalkOptions, now: number, visit: (d: ListedDir, reused: boolean) => void): Promise<void> {
  const prev = opts.previous?.get(dir);
  const same = await reused(dir, prev, opts.sync === true);
  const d = same ?? (await listDir(dir, depth, archived, opts, now));
  visit(d, same !== null);
  const subdirs = d.dirs.map((name) => walk(`${dir}${path.sep}${name}`, depth + 1, archived, opts, now, visit));
  await Promise.all(subdirs);
}

/**
 * Walks the history folders of a `CODEX_HOME`: `visit` gets each folder, listed now or (`reused`) taken from
 * `opts.previous` because it did not change. Folders are visited parents first.
 */
export async function walkHistory(codexHome: string, opts: WalkOptions, visit: (d: ListedDir, reused: boolean) => void): Promise<void> {
  const now = Date.now();
  await walk(path.join(codexHome, 'sessions'), 0, false, opts, now, visit);
  if (opts.archived !== false) await walk(path.join(codexHome, 'archived_sessions'), 0, true, opts, now, visit);
}
