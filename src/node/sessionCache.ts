import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseRolloutFileName } from '../core/rolloutSession';
import type { UsageSlice } from '../core/rolloutUsage';
import type { Usage } from '../shared/threadModel';
import type { SessionInfo } from './sessionFiles';
import type { CachedUsage } from './sessionUsage';

/**
 * Bumped whenever what a head read extracts, or the layout of the file, changes, so metadata cached by an older build
 * is read again rather than trusted.
 */
export const INDEX_FORMAT = 3;

/*
 * The layout (format 3): `{ format, codex_home, sessions: Row[] }`, one row (an array) per session:
 *   [file, archived, size, mtime_ms, started_at, cwd, cli_version, originator, source, model, title, family, complete, usage?]
 * `file` is the path below `codex_home` (an absolute path for a file elsewhere); the id and local time are read
 * from its name again. `usage` is `[zone, total, slices, last_activity]`, a usage being
 * `[input, cached_input, output, reasoning_output]` and a slice `[model, day, ...usage]`.
 * Rows instead of objects keep the cache of 10,000 sessions at less than half the size: parsing it is most of what a
 * warm `codex-sessions usage` does besides the stats.
 */

type WireUsage = [number, number, number, number];
type WireSlice = [string | null, string, number, number, number, number];
type WireCachedUsage = [string, WireUsage | null, WireSlice[], string | null];

const isCount = (v: unknown): v is number => typeof v === 'number' && v >= 0;
const isNullStr = (v: unknown): v is string | null => v === null || typeof v === 'string';

const SOURCES = new Set<unknown>(['cli', 'exec', 'ide', 'mcp', 'subagent', 'unknown'] satisfies SessionInfo['source'][]);
const FAMILIES = new Set<unknown>(['bare', 'state', 'envelope', 'unknown'] satisfies SessionInfo['family'][]);

const wireUsage = (u: Usage): WireUsage => [u.input_tokens, u.cached_input_tokens, u.output_tokens, u.reasoning_output_tokens];

function usageFrom(a: unknown[], at: number): Usage | null {
  const [i, c, o, r] = [a[at], a[at + 1], a[at + 2], a[at + 3]];
  return isCount(i) && isCount(c) && isCount(o) && isCount(r) ? { input_tokens: i, cached_input_tokens: c, output_tokens: o, reasoning_output_tokens: r } : null;
}

function usageOf(v: unknown): CachedUsage | null {
  if (!Array.isArray(v) || v.length !== 4) return null;
  const [zone, total, slices, last] = v as unknown[];
  if (typeof zone !== 'string' || !isNullStr(last) || !Array.isArray(slices)) return null;
  let t: Usage | null = null;
  if (total !== null && !(Array.isArray(total) && total.length === 4 && (t = usageFrom(total, 0)))) return null;
  const out: UsageSlice[] = [];
  for (const s of slices as unknown[]) {
    if (!Array.isArray(s) || s.length !== 6 || !isNullStr(s[0]) || typeof s[1] !== 'string') return null;
    const usage = usageFrom(s, 2);
    if (!usage) return null;
    out.push({ model: s[0], day: s[1], usage });
  }
  return { total: t, slices: out, last_activity: last, zone };
}

/**
 * A row as a {@link SessionInfo}, or null when it is not one (checked by hand: a zod schema would copy every row, and
 * loading zod costs a warm `codex-sessions usage` more than reading its cache).
 */
function sessionOf(v: unknown, home: string): SessionInfo | null {
  if (!Array.isArray(v) || (v.length !== 13 && v.length !== 14)) return null;
  const [file, archived, size, mtime, startedAt, cwd, cliVersion, originator, source, model, title, family, complete] = v as unknown[];
  if (typeof file !== 'string' || typeof archived !== 'boolean' || typeof size !== 'number' || typeof mtime !== 'number') return null;
  if (!isNullStr(startedAt) || !isNullStr(cwd) || !isNullStr(cliVersion) || !isNullStr(originator) || !SOURCES.has(source)) return null;
  if (!isNullStr(model) || !isNullStr(title) || !FAMILIES.has(family) || typeof complete !== 'boolean') return null;
  const p = path.isAbsolute(file) ? file : home + file;
  const name = parseRolloutFileName(path.basename(p));
  if (!name) return null;
  const info: SessionInfo = {
    path: p,
    id: name.id,
    local_time: name.local_time,
    archived,
    started_at: startedAt,
    cwd,
    cli_version: cliVersion,
    originator,
    source: source as SessionInfo['source'],
    model,
    title,
    family: family as SessionInfo['family'],
    size,
    mtime_ms: mtime,
    complete,
  };
  if (v.length === 14) {
    const usage = usageOf(v[13]);
    if (!usage) return null;
    info.usage = usage;
  }
  return info;
}

/** The row of a session; null for a relative path outside the home (it could not be told from one below it). */
function rowOf(s: SessionInfo, home: string): unknown[] | null {
  const file = s.path.startsWith(home) ? s.path.slice(home.length) : path.isAbsolute(s.path) ? s.path : null;
  if (file === null) return null;
  const row: unknown[] = [file, s.archived, s.size, s.mtime_ms, s.started_at, s.cwd, s.cli_version, s.originator, s.source, s.model, s.title, s.family, s.complete];
  const u = s.usage;
  if (u) {
    const slices = u.slices.map((x): WireSlice => [x.model, x.day, ...wireUsage(x.usage)]);
    row.push([u.zone, u.total && wireUsage(u.total), slices, u.last_activity] satisfies WireCachedUsage);
  }
  return row;
}

/** The prefix of every indexed path: `codexHome` as the index joins it, with a trailing separator. */
function homePrefix(codexHome: string): string {
  return path.join(codexHome, 'x').slice(0, -1);
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
  const home = homePrefix(codexHome);
  for (const row of c.sessions as unknown[]) {
    const s = sessionOf(row, home);
    if (s) out.set(s.path, s);
  }
  return out;
}

/** Writes the cache atomically (a temporary file renamed over the old one), creating its folder. */
export async function saveSessionCache(file: string, codexHome: string, sessions: Iterable<SessionInfo>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const home = homePrefix(codexHome);
  const rows = Array.from(sessions, (s) => rowOf(s, home)).filter((r) => r !== null);
  const body = JSON.stringify({ format: INDEX_FORMAT, codex_home: path.resolve(codexHome), sessions: rows });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, body);
  await rename(tmp, file);
}
