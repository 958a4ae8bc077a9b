import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { SessionInfo } from './sessionFiles';
import type { CachedUsage } from './sessionUsage';

/**
 * Bumped whenever what a head read extracts changes, so metadata cached by an older build is read again rather than
 * trusted.
 */
export const INDEX_FORMAT = 2;

const nullStr = z.string().nullable();
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

/**
 * A session's token usage (format 2), checked in place: a zod object schema would copy every slice of 10,000
 * sessions, which costs more than the rest of a warm start.
 */
const wireCachedUsage = z.custom<CachedUsage>((v) => {
  if (v === null || typeof v !== 'object') return false;
  const u = v as Record<string, unknown>;
  return typeof u.zone === 'string' && (u.total === null || isUsage(u.total)) && Array.isArray(u.slices) && u.slices.every(isSlice) &&
    (u.last_activity === null || typeof u.last_activity === 'string');
});

const wireSessionInfo = z.object({
  path: z.string(),
  id: z.string(),
  local_time: z.string(),
  archived: z.boolean(),
  size: z.number(),
  mtime_ms: z.number(),
  started_at: nullStr,
  cwd: nullStr,
  cli_version: nullStr,
  originator: nullStr,
  source: z.enum(['cli', 'exec', 'ide', 'mcp', 'subagent', 'unknown']),
  model: nullStr,
  title: nullStr,
  family: z.enum(['bare', 'state', 'envelope', 'unknown']),
  complete: z.boolean(),
  usage: wireCachedUsage.optional(),
});

const SOURCES = new Set<unknown>(wireSessionInfo.shape.source.options);
const FAMILIES = new Set<unknown>(wireSessionInfo.shape.family.options);
const FIELDS = Object.keys(wireSessionInfo.shape).length - 1; // all but the optional usage
const isNullStr = (v: unknown): boolean => v === null || typeof v === 'string';

/**
 * Whether a cache entry is a {@link SessionInfo} without usage, exactly as `wireSessionInfo` would accept it (same
 * fields, no others): checked by hand because zod copies every object it validates, which made loading 10,000
 * entries a third of a warm start. Entries it rejects (those with usage, or bad ones) go through zod.
 */
function plainEntry(v: unknown): v is SessionInfo {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const e = v as Record<string, unknown>;
  return typeof e.path === 'string' && typeof e.id === 'string' && typeof e.local_time === 'string' && typeof e.archived === 'boolean' &&
    typeof e.size === 'number' && typeof e.mtime_ms === 'number' && isNullStr(e.started_at) && isNullStr(e.cwd) && isNullStr(e.cli_version) &&
    isNullStr(e.originator) && SOURCES.has(e.source) && isNullStr(e.model) && isNullStr(e.title) && FAMILIES.has(e.family) &&
    typeof e.complete === 'boolean' && e.usage === undefined && Object.keys(e).length === FIELDS;
}

const wireCache = z.object({
  format: z.literal(INDEX_FORMAT),
  codex_home: z.string(),
  sessions: z.array(z.unknown()),
});

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
  const p = wireCache.safeParse(raw);
  if (!p.success || p.data.codex_home !== path.resolve(codexHome)) return out;
  for (const s of p.data.sessions) {
    if (plainEntry(s)) out.set(s.path, s);
    else {
      const e = wireSessionInfo.safeParse(s);
      if (e.success) out.set(e.data.path, e.data);
    }
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
