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
  // One pass over the whole list is much cheaper than 10,000 separate ones; entry by entry only when it fails.
  const all = z.array(wireSessionInfo).safeParse(p.data.sessions);
  if (all.success) for (const e of all.data) out.set(e.path, e);
  else {
    for (const s of p.data.sessions) {
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
