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
export const INDEX_FORMAT = 4;

/*
 * The layout (format 4), in columns rather than a row per session: a fresh process parses it and builds its
 * sessions in a third of the time rows took (fewer, larger arrays; every repeated string once), which is most of a
 * warm `codex-sessions usage` besides the stats.
 *   { format, codex_home, strings: string[], files: string[], numbers: number[], meta: number[], usage: number[] }
 * - `files[i]`: session i's path below `codex_home` (an absolute path for a file elsewhere); the id and local time
 *   are read from its name again.
 * - `numbers[2i, 2i+1]`: size, mtime_ms.
 * - `meta[10i … 10i+9]`: started_at, cwd, cli_version, originator, model, title, source, family (indexes into
 *   `strings`, -1 for null), complete, archived (0 or 1).
 * - `usage`: per session in turn, a length n then n numbers: none (n = 0), or zone, last_activity, whether a total
 *   follows (0/1), the total (input, cached_input, output, reasoning_output), the number of slices, and each slice's
 *   model, day and four counts. The length lets a session that does not fit be dropped alone.
 */

const META = 10;
const SOURCES = new Set<unknown>(['cli', 'exec', 'ide', 'mcp', 'subagent', 'unknown'] satisfies SessionInfo['source'][]);
const FAMILIES = new Set<unknown>(['bare', 'state', 'envelope', 'unknown'] satisfies SessionInfo['family'][]);

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Four counts at `u[k]` (within `end`), or null. */
function countsAt(u: unknown[], k: number, end: number): Usage | null {
  const i = u[k];
  const c = u[k + 1];
  const o = u[k + 2];
  const r = u[k + 3];
  return k + 4 <= end && isCount(i) && isCount(c) && isCount(o) && isCount(r) ? { input_tokens: i, cached_input_tokens: c, output_tokens: o, reasoning_output_tokens: r } : null;
}

/** Reads one session's usage from `u[at, end)`; null when it does not fit. */
function usageAt(u: unknown[], at: number, end: number, str: (v: unknown) => string | null | undefined): CachedUsage | null {
  const zone = str(u[at]);
  const last = str(u[at + 1]);
  if (typeof zone !== 'string' || last === undefined) return null;
  let k = at + 3;
  let total: Usage | null = null;
  if (u[at + 2] === 1) {
    if (!(total = countsAt(u, k, end))) return null;
    k += 4;
  } else if (u[at + 2] !== 0) return null;
  const n = u[k++];
  if (!Number.isInteger(n) || k + (n as number) * 6 !== end) return null;
  const slices: UsageSlice[] = [];
  for (; k < end; k += 6) {
    const model = str(u[k]);
    const day = str(u[k + 1]);
    const usage = countsAt(u, k + 2, end);
    if (model === undefined || typeof day !== 'string' || !usage) return null;
    slices.push({ model, day, usage });
  }
  return { total, slices, last_activity: last, zone };
}

/** Writes the columns of {@link loadSessionCache}'s layout, the repeated strings once. */
class Columns {
  readonly strings: string[] = [];
  readonly files: string[] = [];
  readonly numbers: number[] = [];
  readonly meta: number[] = [];
  readonly usage: number[] = [];
  private readonly ids = new Map<string, number>();

  constructor(private readonly home: string) {}

  private str(v: string | null): number {
    if (v === null) return -1;
    let i = this.ids.get(v);
    if (i === undefined) this.ids.set(v, (i = this.strings.push(v) - 1));
    return i;
  }

  /** Adds a session; false for a relative path outside the home (it could not be told from one below it). */
  add(s: SessionInfo): boolean {
    const file = s.path.startsWith(this.home) ? s.path.slice(this.home.length) : path.isAbsolute(s.path) ? s.path : null;
    if (file === null) return false;
    this.files.push(file);
    this.numbers.push(s.size, s.mtime_ms);
    const m = this.meta;
    m.push(this.str(s.started_at), this.str(s.cwd), this.str(s.cli_version), this.str(s.originator), this.str(s.model), this.str(s.title));
    m.push(this.str(s.source), this.str(s.family), s.complete ? 1 : 0, s.archived ? 1 : 0);
    const u = s.usage;
    const out = this.usage;
    if (!u) {
      out.push(0);
      return true;
    }
    // The length first, known once the rest is written (no array built per session: 10,000 of them show).
    const at = out.length;
    out.push(0, this.str(u.zone), this.str(u.last_activity));
    out.push(u.total ? 1 : 0);
    if (u.total) pushCounts(out, u.total);
    out.push(u.slices.length);
    for (const x of u.slices) {
      out.push(this.str(x.model), this.str(x.day));
      pushCounts(out, x.usage);
    }
    out[at] = out.length - at - 1;
    return true;
  }
}

function pushCounts(out: number[], x: Usage): void {
  out.push(x.input_tokens, x.cached_input_tokens, x.output_tokens, x.reasoning_output_tokens);
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
 * (sessions that fail validation are dropped one by one; checked by hand: a zod schema would copy everything, and
 * loading zod costs a warm `codex-sessions usage` more than reading its cache). The cache is only ever an
 * optimisation.
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
  if (c.format !== INDEX_FORMAT || c.codex_home !== path.resolve(codexHome)) return out;
  const { strings, files, numbers, meta, usage } = c;
  if (![strings, files, numbers, meta, usage].every(Array.isArray)) return out;
  const [S, F, N, M, U] = [strings, files, numbers, meta, usage] as unknown[][];
  if (N!.length !== F!.length * 2 || M!.length !== F!.length * META || !S!.every((v) => typeof v === 'string')) return out;
  /** A string of the table (null for -1); undefined when `v` is no index of it. */
  const str = (v: unknown): string | null | undefined => (v === -1 ? null : Number.isInteger(v) && (v as number) >= 0 && (v as number) < S!.length ? (S![v as number] as string) : undefined);
  const home = homePrefix(codexHome);
  // Plain loops and reads below: a fresh process runs this once over 10,000 sessions, before any of it is optimised.
  const strs = (at: number, n: number): boolean => {
    for (let k = at; k < at + n; k++) if (str(M![k]) === undefined) return false;
    return true;
  };
  for (let i = 0, u = 0; i < F!.length && u < U!.length; i++) {
    const n = U![u];
    const at = u + 1;
    if (!Number.isInteger(n) || (n as number) < 0) break; // the column is damaged from here on
    u = at + (n as number);
    const f = F![i];
    const size = N![2 * i];
    const mtime = N![2 * i + 1];
    const m = i * META;
    const source = str(M![m + 6]);
    const family = str(M![m + 7]);
    const complete = M![m + 8];
    const archived = M![m + 9];
    if (typeof f !== 'string' || !isCount(size) || !isTime(mtime) || (complete !== 0 && complete !== 1) || (archived !== 0 && archived !== 1)) continue;
    if (!strs(m, 6) || !SOURCES.has(source) || !FAMILIES.has(family)) continue;
    const p = path.isAbsolute(f) ? f : home + f;
    const name = parseRolloutFileName(p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf(path.sep)) + 1));
    if (!name) continue;
    const info: SessionInfo = {
      path: p,
      id: name.id,
      local_time: name.local_time,
      archived: archived === 1,
      started_at: str(M![m])!,
      cwd: str(M![m + 1])!,
      cli_version: str(M![m + 2])!,
      originator: str(M![m + 3])!,
      source: source as SessionInfo['source'],
      model: str(M![m + 4])!,
      title: str(M![m + 5])!,
      family: family as SessionInfo['family'],
      size,
      mtime_ms: mtime,
      complete: complete === 1,
    };
    if (n !== 0) {
      const cached = u <= U!.length ? usageAt(U!, at, u, str) : null;
      if (!cached) continue;
      info.usage = cached;
    }
    out.set(p, info);
  }
  return out;
}

/** Writes the cache atomically (a temporary file renamed over the old one), creating its folder. */
export async function saveSessionCache(file: string, codexHome: string, sessions: Iterable<SessionInfo>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const columns = new Columns(homePrefix(codexHome));
  for (const s of sessions) columns.add(s);
  const { strings, files, numbers, meta, usage } = columns;
  const body = JSON.stringify({ format: INDEX_FORMAT, codex_home: path.resolve(codexHome), strings, files, numbers, meta, usage });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, body);
  await rename(tmp, file);
}
