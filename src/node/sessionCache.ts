import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SessionInfo } from './sessionFiles';
import type { CachedUsage } from './sessionUsage';

/**
 * Bumped whenever what a head read extracts changes, so metadata cached by an older build is read again rather than
 * trusted.
 */
export const INDEX_FORMAT = 2;

const isCount = (v: unknown): boolean => typeof v === 'number' && v >= 0;
const isUsage = (v: unknown): boolean => {
  if (v === null || typeof v !== 'object') return false;
  const u = v as Record<string, unknown>;
  return isCount(u.input_tokens) && isCount(u.cached_input_tokens) && isCount(u.output_tokens) && isCount(u.reasoning_output_tokens);
};
const isSlice = (v: unknown): boolean => {
  if (v === null || typeof v !== 'object') return false;
  const s = v as Record<string, unknown>;
  return (s.model === null || typeof s.model === 'string') && typeof s.day === 'string' && isUsage(s.usage);
};

/** A session's token usage (format 2). */
function isCachedUsage(v: unknown): v is CachedUsage {
  if (v === null || typeof v !== 'object') return false;
  const u = v as Record<string, unknown>;
  return typeof u.zone === 'string' && (u.total === null || isUsage(u.total)) && Array.isArray(u.slices) && u.slices.every(isSlice) &&
    (u.last_activity === null || typeof u.last_activity === 'string');
}

const SOURCES = new Set<unknown>(['cli', 'exec', 'ide', 'mcp', 'subagent', 'unknown'] satisfies SessionInfo['source'][]);
const FAMILIES = new Set<unknown>(['bare', 'state', 'envelope', 'unknown'] satisfies SessionInfo['family'][]);
/** The fields of a {@link SessionInfo}, all required but `usage`. */
const KEYS = ['path', 'id', 'local_time', 'archived', 'size', 'mtime_ms', 'started_at', 'cwd', 'cli_version', 'originator', 'source', 'model', 'title', 'family', 'complete'] as const satisfies readonly (keyof SessionInfo)[];
const isNullStr = (v: unknown): boolean => v === null || typeof v === 'string';

/**
 * A cache entry as a {@link SessionInfo}, or null when it is not one. Checked by hand rather than with zod: a zod
 * schema copies every object it validates (a third of a warm start at 10,000 sessions), and loading zod at all
 * costs a warm `codex-sessions usage` more than reading its cache. Unknown fields are dropped, as a zod object would.
 */
function sessionEntry(v: unknown): SessionInfo | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const e = v as Record<string, unknown>;
  const ok = typeof e.path === 'string' && typeof e.id === 'string' && typeof e.local_time === 'string' && typeof e.archived === 'boolean' &&
    typeof e.size === 'number' && typeof e.mtime_ms === 'number' && isNullStr(e.started_at) && isNullStr(e.cwd) && isNullStr(e.cli_version) &&
    isNullStr(e.originator) && SOURCES.has(e.source) && isNullStr(e.model) && isNullStr(e.title) && FAMILIES.has(e.family) &&
    typeof e.complete === 'boolean' && (e.usage === undefined || isCachedUsage(e.usage));
  if (!ok) return null;
  const fields = Object.keys(e).length;
  if (fields === KEYS.length + (e.usage === undefined ? 0 : 1)) return e as unknown as SessionInfo;
  const out: Record<string, unknown> = {};
  for (const k of KEYS) out[k] = e[k];
  if (e.usage !== undefined) out.usage = e.usage;
  return out as unknown as SessionInfo;
}

/**
 * The CLI's cache file for a `CODEX_HOME`: `${XDG_CACHE_HOME:-~/.cache}/codex-sessions/index-<hash>.json` (one file
 * per home, so `--codex-home` switches never mix).
 */
export function defaultCacheFile(codexHome: string, env: Record<string, string | undefined> = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  const hash = createHash('sha256').update(path.resolve(codexHome)).digest('hex').slice(0, 16);
  return path.join(base, 'codex-sessions', `index-${hash}.json`);
}

/**
 * Loads cached session metadata, keyed by path. A missing, unreadable, corrupt or foreign cache is an empty one
 * (entries that fail validation are dropped one by one); the cache is only ever an optimisation.
 */
export async function loadSessionCache(file: string, codexHome: string): Promise<Map<string, SessionInfo>> {
  const out = new Map<string, SessionInfo>();
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return out;
  }
  if (typeof raw !== 'object' || raw === null) return out;
  const c = raw as Record<string, unknown>;
  if (c.format !== INDEX_FORMAT || c.codex_home !== path.resolve(codexHome) || !Array.isArray(c.sessions)) return out;
  for (const s of c.sessions as unknown[]) {
    const e = sessionEntry(s);
    if (e) out.set(e.path, e);
  }
  return out;
}

/** Writes the cache atomically (a temporary file renamed over the old one), creating its folder. */
export async function saveSessionCache(file: string, codexHome: string, sessions: Iterable<SessionInfo>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const body = JSON.stringify({ format: INDEX_FORMAT, codex_home: path.resolve(codexHome), sessions: [...sessions] });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, body);
  await rename(tmp, file);
}
