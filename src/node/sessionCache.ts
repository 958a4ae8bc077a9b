import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writevSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseRolloutFileName } from '../core/rolloutSession';
import { missingPriceHint } from '../core/priceBook';
import { BUILTIN_PRICES, PRICES_CHECKED } from '../core/priceTable';
import type { UsageSlice } from '../core/rolloutUsage';
import type { Usage } from '../shared/threadModel';
import type { ListedDir } from './historyListing';
import { sessionTimeMs, type SessionInfo } from './sessionFiles';
import type { CachedUsage } from './sessionUsage';
import { usageReport, type UsageRow } from './usageReport';

/**
 * Bumped whenever what a head read extracts, or the layout of the file, changes, so metadata cached by an older build
 * is read again rather than trusted.
 */
export const INDEX_FORMAT = 5;

/*
 * The layout (format 5): a line of JSON (the header), the string table as a JSON array, then, from an offset that is
 * a multiple of 8, every number as a little-endian float64: a warm `codex-sessions usage` reads them through a
 * Float64Array over the file's bytes, with nothing to parse (a JSON array of them took longer to parse than the rest
 * of the run outside the stats), and repeated strings once. Last, the rows of the by-session report (whole history,
 * built-in prices) as `usage --json --by session` prints them, in its order, comma-separated: a warm run of that
 * report prints them as they are (turning 10,000 rows into objects and back into JSON was most of its time). They
 * hold for the prices they were priced at (`rows_key`); a change to how rows are written bumps INDEX_FORMAT.
 *   header: { format, codex_home, endian: "LE", zone, dirs, files, usage, numbers, strings_bytes, rows_bytes, rows_key }
 * Numbers, in four parts:
 * - folders, DIR numbers each: path (relative to `codex_home`), parent folder (-1 for a top folder), depth, archived
 *   (0/1), mtime_ms, ctime_ms, reusable (0/1; see `ListedDir`), first row, row count. A folder's sessions are rows
 *   first … first + count - 1.
 * - sessions, ROW numbers each: folder, file name, size, mtime_ms, started_at, cwd, cli_version, originator, model,
 *   title, source, family, flags (1: complete, 2: archived), the session's time (`sessionTimeMs` in `zone`), the offset
 *   of its usage in the third part (-1: none), and its figures in the by-session report (whole history, built-in
 *   prices): input, cached input, output, reasoning (input -1: it has no row there) and the cost (NaN: unpriced).
 * - usage, per session that has one: zone, last_activity, whether a total follows (0/1), the total (input,
 *   cached_input, output, reasoning_output; zeros without one), the number of slices, and each slice's model, day and
 *   four counts.
 * - the rows in the order `SessionIndex.sessions()` gives (newest first, then by path): the warm path adds up the
 *   sessions in that order without sorting them (and so gets every sum the index gets, to the last bit).
 * Strings are indexes into the table (-1 for null). Every index and count is checked where it is read: a damaged
 * session is dropped alone, and a damaged file is an empty cache; the cache is only ever an optimisation.
 */

export const DIR = 9;
export const ROW = 20;
/** Fields of a session row. */
export const R = {
  dir: 0, name: 1, size: 2, mtime: 3, started_at: 4, cwd: 5, cli_version: 6, originator: 7, model: 8, title: 9, source: 10, family: 11, flags: 12, time: 13, usage: 14,
  input: 15, cached: 16, output: 17, reasoning: 18, usd: 19,
} as const;
/** Fields of a folder. */
export const D = { path: 0, parent: 1, depth: 2, archived: 3, mtime: 4, ctime: 5, reusable: 6, first: 7, count: 8 } as const;
export const COMPLETE = 1;
export const ARCHIVED = 2;

const SOURCES = new Set<unknown>(['cli', 'exec', 'ide', 'mcp', 'subagent', 'unknown'] satisfies SessionInfo['source'][]);
const FAMILIES = new Set<unknown>(['bare', 'state', 'envelope', 'unknown'] satisfies SessionInfo['family'][]);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const isCount = (v: number): boolean => Number.isSafeInteger(v) && v >= 0;

/** The header line of a cache file. */
interface Header {
  format: number;
  codex_home: string;
  endian: string;
  /** The time zone the sessions' times (and usage days) were computed in. */
  zone: string;
  dirs: number;
  files: number;
  /** Numbers in the usage part. */
  usage: number;
  numbers: number;
  strings_bytes: number;
  /** Bytes of the by-session rows at the end of the file. */
  rows_bytes: number;
  /** What the rows were priced with ({@link reportRowsKey}). */
  rows_key: string;
}

/** The prefix of every indexed path: `codexHome` as the index joins it, with a trailing separator. */
export function homePrefix(codexHome: string): string {
  return path.join(codexHome, 'x').slice(0, -1);
}

/**
 * A cache file as read (format 5), not yet turned into sessions: the command line's warm `usage` reads its columns in
 * place; the index makes sessions of it ({@link loadSessionCache}).
 */
export class IndexTable {
  /** Where the usage part starts in {@link n}. */
  readonly usageAt: number;
  /** Where the order of the rows starts in {@link n}. */
  readonly orderAt: number;
  /**
   * The by-session report's rows as printed (JSON objects joined by commas, no brackets), when priced as this build
   * prices (see `reportRowsKey`); null otherwise.
   */
  readonly reportRows: Uint8Array | null;
  readonly home: string;

  constructor(
    readonly header: Header,
    readonly strings: string[],
    readonly n: Float64Array,
    reportRows: Uint8Array | null = null,
  ) {
    this.reportRows = reportRows && header.rows_key === reportRowsKey() ? reportRows : null;
    this.usageAt = header.dirs * DIR + header.files * ROW;
    this.orderAt = this.usageAt + header.usage;
    this.home = homePrefix(header.codex_home);
  }

  get dirCount(): number {
    return this.header.dirs;
  }

  get rowCount(): number {
    return this.header.files;
  }

  /** The string at index `v` (null for -1); undefined when `v` is no index of the table. */
  str(v: number): string | null | undefined {
    return v === -1 ? null : Number.isInteger(v) && v >= 0 && v < this.strings.length ? this.strings[v] : undefined;
  }

  /** Absolute path of folder `d` (undefined when damaged). */
  dirPath(d: number): string | undefined {
    const p = this.str(this.n[d * DIR + D.path]!);
    if (typeof p !== 'string') return undefined;
    return path.isAbsolute(p) ? p : this.home + p;
  }

  /** The rows of folder `d` as [first, end), or null when they do not fit. */
  rowsOf(d: number): [number, number] | null {
    const first = this.n[d * DIR + D.first]!;
    const count = this.n[d * DIR + D.count]!;
    return isCount(first) && isCount(count) && first + count <= this.rowCount ? [first, first + count] : null;
  }

  /** Usage of row `r` read from `at` (its offset); null when it does not fit. */
  usage(at: number): CachedUsage | null {
    const u = this.n;
    const k0 = this.usageAt + at;
    const end = this.orderAt;
    if (!isCount(at) || k0 + 8 > end) return null;
    const zone = this.str(u[k0]!);
    const last = this.str(u[k0 + 1]!);
    const hasTotal = u[k0 + 2];
    const slices = u[k0 + 7]!;
    if (typeof zone !== 'string' || last === undefined || (hasTotal !== 0 && hasTotal !== 1) || !isCount(slices) || k0 + 8 + slices * 6 > end) return null;
    const total = hasTotal ? countsAt(u, k0 + 3) : null;
    if (hasTotal && !total) return null;
    const out: UsageSlice[] = [];
    for (let j = 0, k = k0 + 8; j < slices; j++, k += 6) {
      const model = this.str(u[k]!);
      const day = this.str(u[k + 1]!);
      const usage = countsAt(u, k + 2);
      if (model === undefined || typeof day !== 'string' || !usage) return null;
      out.push({ model, day, usage });
    }
    return { total, slices: out, last_activity: last, zone };
  }

  /** Row `r` as a session (its path in folder `dirPath`), or null when damaged. */
  info(r: number, dirPath: string): SessionInfo | null {
    const n = this.n;
    const k = r * ROW + this.header.dirs * DIR;
    const name = this.str(n[k + R.name]!);
    const parsed = typeof name === 'string' ? parseRolloutFileName(name) : null;
    const size = n[k + R.size]!;
    const mtime = n[k + R.mtime]!;
    const flags = n[k + R.flags]!;
    const source = this.str(n[k + R.source]!);
    const family = this.str(n[k + R.family]!);
    if (!parsed || !isCount(size) || !Number.isFinite(mtime) || mtime < 0 || !isCount(flags) || flags > 3 || !SOURCES.has(source) || !FAMILIES.has(family)) return null;
    const strs = [R.started_at, R.cwd, R.cli_version, R.originator, R.model, R.title].map((f) => this.str(n[k + f]!));
    if (strs.some((v) => v === undefined)) return null;
    const [started_at, cwd, cli_version, originator, model, title] = strs as (string | null)[];
    const info: SessionInfo = {
      path: `${dirPath}${path.sep}${name}`,
      id: parsed.id,
      local_time: parsed.local_time,
      archived: (flags & ARCHIVED) !== 0,
      started_at: started_at!,
      cwd: cwd!,
      cli_version: cli_version!,
      originator: originator!,
      source: source as SessionInfo['source'],
      model: model!,
      title: title!,
      family: family as SessionInfo['family'],
      size,
      mtime_ms: mtime,
      complete: (flags & COMPLETE) !== 0,
    };
    const at = n[k + R.usage]!;
    if (at !== -1) {
      const usage = this.usage(at);
      if (!usage) return null;
      info.usage = usage;
    }
    return info;
  }

  /** Folder `d` as a listing to reuse, or null when damaged (then it is listed again). */
  listedDir(d: number, childNames: readonly string[]): ListedDir | null {
    const n = this.n;
    const k = d * DIR;
    const p = this.dirPath(d);
    const rows = this.rowsOf(d);
    const depth = n[k + D.depth]!;
    if (p === undefined || !rows || !isCount(depth) || depth > 3) return null;
    const files: string[] = [];
    for (let r = rows[0]; r < rows[1]; r++) {
      const name = this.str(n[this.header.dirs * DIR + r * ROW + R.name]!);
      if (typeof name !== 'string' || !parseRolloutFileName(name)) return null;
      files.push(name);
    }
    return { path: p, depth, archived: n[k + D.archived] === 1, mtimeMs: n[k + D.mtime]!, ctimeMs: n[k + D.ctime]!, reusable: n[k + D.reusable] === 1, files, dirs: [...childNames] };
  }
}

function countsAt(u: Float64Array, k: number): Usage | null {
  const i = u[k]!;
  const c = u[k + 1]!;
  const o = u[k + 2]!;
  const r = u[k + 3]!;
  return isCount(i) && isCount(c) && isCount(o) && isCount(r) ? { input_tokens: i, cached_input_tokens: c, output_tokens: o, reasoning_output_tokens: r } : null;
}

/** Reads a cache file's table: null when missing, unreadable, of another format, machine or home, or cut short. */
export function parseIndexTable(bytes: Buffer, codexHome: string): IndexTable | null {
  const eol = bytes.indexOf(10);
  if (eol < 0 || eol > 64 * 1024) return null;
  let header: Header;
  try {
    header = JSON.parse(bytes.toString('utf8', 0, eol)) as Header;
  } catch {
    return null;
  }
  if (typeof header !== 'object' || header === null || header.format !== INDEX_FORMAT || header.endian !== (LITTLE_ENDIAN ? 'LE' : 'BE')) return null;
  if (header.codex_home !== path.resolve(codexHome) || typeof header.zone !== 'string') return null;
  const { dirs, files, usage, numbers, strings_bytes: sb, rows_bytes: rb } = header;
  if (![dirs, files, usage, numbers, sb, rb].every(isCount) || dirs * DIR + files * ROW + usage + files !== numbers || typeof header.rows_key !== 'string') return null;
  const numbersAt = Math.ceil((eol + 1 + sb + 1) / 8) * 8;
  if (bytes.length !== numbersAt + numbers * 8 + rb) return null;
  let strings: unknown;
  try {
    strings = JSON.parse(bytes.toString('utf8', eol + 1, eol + 1 + sb));
  } catch {
    return null;
  }
  if (!Array.isArray(strings) || !strings.every((s) => typeof s === 'string')) return null;
  // A view over the file's bytes when they are aligned (a file read whole has a buffer of its own), else a copy.
  const at = bytes.byteOffset + numbersAt;
  const n = at % 8 === 0 ? new Float64Array(bytes.buffer, at, numbers) : new Float64Array(bytes.buffer.slice(at, at + numbers * 8));
  const rowsAt = numbersAt + numbers * 8;
  return new IndexTable(header, strings as string[], n, bytes.subarray(rowsAt, rowsAt + rb));
}

/** {@link parseIndexTable} of a file, read with a blocking call (the command line) or not. */
export async function readIndexTable(file: string, codexHome: string, sync = false): Promise<IndexTable | null> {
  let bytes: Buffer;
  try {
    bytes = sync ? readFileSync(file) : await readFile(file);
  } catch {
    return null;
  }
  return parseIndexTable(bytes, codexHome);
}

/** What a cache file holds for the index: its sessions by path, and the folders of the listing they came from. */
export interface LoadedCache {
  sessions: Map<string, SessionInfo>;
  /** By path: the listing a refresh reuses for folders that did not change (see `walkHistory`). */
  listing: Map<string, ListedDir>;
  /** The zone the cache was written in. */
  zone: string | null;
}

/** Turns a table into sessions and folders (damaged ones are dropped one by one). */
export function tableContents(t: IndexTable): LoadedCache {
  const sessions = new Map<string, SessionInfo>();
  const listing = new Map<string, ListedDir>();
  const children: string[][] = Array.from({ length: t.dirCount }, () => []);
  const paths: (string | undefined)[] = [];
  for (let d = 0; d < t.dirCount; d++) {
    const p = t.dirPath(d);
    paths.push(p);
    const parent = t.n[d * DIR + D.parent]!;
    if (p !== undefined && Number.isInteger(parent) && parent >= 0 && parent < d) children[parent]!.push(p.slice(p.lastIndexOf(path.sep) + 1));
  }
  for (let d = 0; d < t.dirCount; d++) {
    const p = paths[d];
    const rows = t.rowsOf(d);
    if (p === undefined || !rows) continue;
    for (let r = rows[0]; r < rows[1]; r++) {
      if (t.n[t.dirCount * DIR + r * ROW + R.dir] !== d) continue;
      const info = t.info(r, p);
      if (info) sessions.set(info.path, info);
    }
    const listed = t.listedDir(d, children[d]!);
    if (listed) listing.set(listed.path, listed);
  }
  return { sessions, listing, zone: t.header.zone };
}

/**
 * Loads cached session metadata, keyed by path, and the listing it came from. A missing, unreadable, corrupt or
 * foreign cache is an empty one.
 */
export async function loadSessionCache(file: string, codexHome: string): Promise<LoadedCache> {
  const t = await readIndexTable(file, codexHome);
  return t ? tableContents(t) : { sessions: new Map(), listing: new Map(), zone: null };
}

/** The string table of a cache being written. */
class StringTable {
  readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();

  /** A string that repeats (a folder, a model, a day): each once. */
  id(v: string | null): number {
    if (v === null) return -1;
    let i = this.ids.get(v);
    if (i === undefined) this.ids.set(v, (i = this.strings.push(v) - 1));
    return i;
  }

  /** A string of one session (its file name, title, times): added as it is, without the lookup that finds no other. */
  own(v: string | null): number {
    return v === null ? -1 : this.strings.push(v) - 1;
  }
}

/** A folder of the cache being written, with its sessions (file name, session, time). */
interface DirEntry {
  path: string;
  listed: ListedDir | null;
  sessions: { name: string; s: SessionInfo; t: number }[];
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The bytes of a cache file for `sessions`, and `listing`, the folders of the walk they came from. A folder is kept as
 * reusable only when its sessions are exactly the rollouts it listed (a file that could not be read, or one a watcher
 * added since, makes it listed again next time). The numbers are written straight into their Float64Array (the
 * command line writes 10,000 sessions after a cold index: arrays of numbers grown push by push cost it ~150 ms).
 */
export function encodeSessionCache(codexHome: string, sessions: Iterable<SessionInfo>, listing: readonly ListedDir[] = [], zone = '', opts: SaveOptions = {}): Buffer {
  return Buffer.concat(encodeSessionCacheParts(codexHome, sessions, listing, zone, opts));
}

/**
 * {@link encodeSessionCache} as the pieces of the file, in order: written as they are (one `writev`), not copied into
 * one buffer first (7.6 MB for 10,000 sessions: on a VM, fresh memory costs a page fault per 4 KB).
 */
export function encodeSessionCacheParts(codexHome: string, sessions: Iterable<SessionInfo>, listing: readonly ListedDir[] = [], zone = '', opts: SaveOptions = {}): Uint8Array[] {
  const home = homePrefix(codexHome);
  const dirs: DirEntry[] = [];
  const byPath = new Map<string, DirEntry>();
  for (const d of listing) {
    let e = byPath.get(d.path);
    if (!e) {
      byPath.set(d.path, (e = { path: d.path, listed: d, sessions: [] }));
      dirs.push(e);
    }
    e.listed = d;
  }
  let rowCount = 0;
  let usageLength = 0;
  for (const s of sessions) {
    const sep = Math.max(s.path.lastIndexOf('/'), s.path.lastIndexOf(path.sep));
    const p = s.path.slice(0, sep);
    let e = byPath.get(p);
    if (!e) {
      byPath.set(p, (e = { path: p, listed: null, sessions: [] }));
      dirs.push(e);
    }
    e.sessions.push({ name: s.path.slice(sep + 1), s, t: sessionTimeMs(s) });
    rowCount++;
    if (s.usage) usageLength += 8 + 6 * s.usage.slices.length;
  }
  const T = new StringTable();
  const n = new Float64Array(dirs.length * DIR + rowCount * ROW + usageLength + rowCount);
  const index = new Map(dirs.map((d, i) => [d.path, i]));
  /** Each row's session, path and time, in row order. */
  const rows: DirEntry['sessions'] = [];
  let k = 0;
  let r0 = dirs.length * DIR;
  let u = 0;
  const usageAt = r0 + rowCount * ROW;
  for (const [i, d] of dirs.entries()) {
    const rel = d.path.startsWith(home) ? d.path.slice(home.length) : d.path;
    const parent = index.get(d.path.slice(0, d.path.lastIndexOf(path.sep)));
    const l = d.listed;
    d.sessions.sort(byName);
    const listedFiles = l ? [...l.files].sort() : [];
    const same = l !== null && listedFiles.length === d.sessions.length && d.sessions.every((x, j) => x.name === listedFiles[j]);
    // Only a walked folder is a parent's child: one known from its sessions alone is found again by a walk, or dropped.
    n[k++] = T.id(rel);
    n[k++] = l && parent !== undefined && parent < i ? parent : -1;
    n[k++] = l?.depth ?? 0;
    n[k++] = l?.archived ? 1 : 0;
    n[k++] = l?.mtimeMs ?? Number.NaN;
    n[k++] = l?.ctimeMs ?? Number.NaN;
    n[k++] = l?.reusable && same ? 1 : 0;
    n[k++] = rows.length;
    n[k++] = d.sessions.length;
    for (const x of d.sessions) {
      const s = x.s;
      n[r0 + R.dir] = i;
      n[r0 + R.name] = T.own(x.name);
      n[r0 + R.size] = s.size;
      n[r0 + R.mtime] = s.mtime_ms;
      n[r0 + R.started_at] = T.own(s.started_at);
      n[r0 + R.cwd] = T.id(s.cwd);
      n[r0 + R.cli_version] = T.id(s.cli_version);
      n[r0 + R.originator] = T.id(s.originator);
      n[r0 + R.model] = T.id(s.model);
      n[r0 + R.title] = T.own(s.title);
      n[r0 + R.source] = T.id(s.source);
      n[r0 + R.family] = T.id(s.family);
      n[r0 + R.flags] = (s.complete ? COMPLETE : 0) | (s.archived ? ARCHIVED : 0);
      n[r0 + R.time] = x.t;
      n[r0 + R.usage] = s.usage ? u : -1;
      n[r0 + R.input] = -1; // the report's figures, once known
      n[r0 + R.usd] = Number.NaN;
      r0 += ROW;
      rows.push(x);
      const use = s.usage;
      if (!use) continue;
      let at = usageAt + u;
      const t = use.total;
      n[at++] = T.id(use.zone);
      n[at++] = T.own(use.last_activity);
      n[at++] = t ? 1 : 0;
      n[at++] = t?.input_tokens ?? 0;
      n[at++] = t?.cached_input_tokens ?? 0;
      n[at++] = t?.output_tokens ?? 0;
      n[at++] = t?.reasoning_output_tokens ?? 0;
      n[at++] = use.slices.length;
      for (const sl of use.slices) {
        const c = sl.usage;
        n[at++] = T.id(sl.model);
        n[at++] = T.id(sl.day);
        n[at++] = c.input_tokens;
        n[at++] = c.cached_input_tokens;
        n[at++] = c.output_tokens;
        n[at++] = c.reasoning_output_tokens;
      }
      u = at - usageAt;
    }
  }
  // The order `SessionIndex.sessions()` gives, and the by-session report of the sessions in that order: its rows as it
  // prints them, and each session's figures.
  const order = rows.map((x, row) => ({ x, row })).sort((a, b) => b.x.t - a.x.t || (a.x.s.path < b.x.s.path ? -1 : a.x.s.path > b.x.s.path ? 1 : 0));
  for (const [j, o] of order.entries()) n[usageAt + usageLength + j] = o.row;
  const reportRows = opts.bySessionRows ?? usageReport(order.map((o) => o.x.s), { by: 'session' }).rows;
  const given = opts.bySessionRows && opts.bySessionRowsJson;
  const printed = given ? given.subarray(1, -1) : Buffer.from(JSON.stringify(reportRows).slice(1, -1));
  const rowOf = new Map(order.map((o) => [o.x.s.path, o.row]));
  for (const x of reportRows) {
    const row = 'path' in x ? rowOf.get(x.path) : undefined;
    if (row === undefined) continue;
    const at = dirs.length * DIR + row * ROW;
    n[at + R.input] = x.input_tokens;
    n[at + R.cached] = x.cached_input_tokens;
    n[at + R.output] = x.output_tokens;
    n[at + R.reasoning] = x.reasoning_output_tokens;
    n[at + R.usd] = x.cost_usd ?? Number.NaN;
  }
  const strings = Buffer.from(JSON.stringify(T.strings));
  const header: Header = {
    format: INDEX_FORMAT,
    codex_home: path.resolve(codexHome),
    endian: LITTLE_ENDIAN ? 'LE' : 'BE',
    zone,
    dirs: dirs.length,
    files: rowCount,
    usage: usageLength,
    numbers: n.length,
    strings_bytes: strings.length,
    rows_bytes: printed.length,
    rows_key: reportRowsKey(),
  };
  const head = Buffer.from(`${JSON.stringify(header)}\n`);
  const at = Math.ceil((head.length + strings.length + 1) / 8) * 8;
  const pad = Buffer.alloc(at - head.length - strings.length, 0x20);
  pad[0] = 10;
  return [head, strings, pad, new Uint8Array(n.buffer, n.byteOffset, n.byteLength), printed];
}

/** Options of {@link saveSessionCache}. */
export interface SaveOptions {
  /**
   * The rows of the by-session report (whole history, built-in prices) of these very sessions, when the caller has
   * them already (the command line printed that report): they are kept as they are rather than computed again.
   */
  bySessionRows?: readonly UsageRow[];
  /** The UTF-8 bytes of `JSON.stringify(bySessionRows)`, when the caller has them too (it printed the report as JSON). */
  bySessionRowsJson?: Uint8Array;
  /** Write with blocking calls (a one-shot process: the command line). */
  sync?: boolean;
}

/** Writes the cache atomically (a temporary file renamed over the old one), creating its folder. */
export async function saveSessionCache(file: string, codexHome: string, sessions: Iterable<SessionInfo>, listing: readonly ListedDir[] = [], zone = '', opts: SaveOptions = {}): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    if (opts.sync) {
      mkdirSync(path.dirname(file), { recursive: true });
      const fd = openSync(tmp, 'w');
      try {
        writeAll(fd, encodeSessionCacheParts(codexHome, sessions, listing, zone, opts));
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
    } else {
      await mkdir(path.dirname(file), { recursive: true });
      const parts = encodeSessionCacheParts(codexHome, sessions, listing, zone, opts);
      const fh = await open(tmp, 'w');
      try {
        for (let left = parts; left.length; ) left = unwritten(left, (await fh.writev(left)).bytesWritten);
      } finally {
        await fh.close();
      }
      await rename(tmp, file);
    }
  } catch (e) {
    // A write that failed (a full disk) leaves no half-written temporary file behind.
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  await removeLegacyCaches(path.dirname(file));
}

/** Writes `parts` whole to `fd` (`writev` may write less than asked: the rest is written again). */
function writeAll(fd: number, parts: Uint8Array[]): void {
  for (let left = parts; left.length; ) left = unwritten(left, writevSync(fd, left));
}

/** What is left of `parts` once their first `written` bytes are out (nothing written of something: an error). */
export function unwritten(parts: Uint8Array[], written: number): Uint8Array[] {
  if (written === 0 && parts.some((p) => p.length > 0)) throw new Error('the cache file took no more bytes');
  let i = 0;
  while (i < parts.length && written >= parts[i]!.length) written -= parts[i++]!.length;
  const left = parts.slice(i);
  if (left.length && written > 0) left[0] = left[0]!.subarray(written);
  return left.filter((p) => p.length > 0);
}

/** The JSON caches of earlier builds (formats 1 – 4: `index-<hash>.json` of the CLI, `session-index.json` of the editor). */
const LEGACY = /^(?:index-[0-9a-f]{16}|session-index)\.json$/;

/** Removes the caches earlier builds left in `dir` (best effort: they are only ever ignored). */
async function removeLegacyCaches(dir: string): Promise<void> {
  try {
    const stale = (await readdir(dir)).filter((name) => LEGACY.test(name));
    await Promise.all(stale.map((name) => rm(path.join(dir, name), { force: true })));
  } catch {
    // nothing to clean, or not ours to clean
  }
}

let rowsKey: string | undefined;

/** What the stored report rows depend on besides the sessions: the built-in prices and the hint for a missing one. */
export function reportRowsKey(): string {
  return (rowsKey ??= fnv1a64(JSON.stringify([BUILTIN_PRICES, PRICES_CHECKED, missingPriceHint('m')])));
}

/**
 * 64-bit FNV-1a of `text`'s UTF-8 bytes as 16 hex digits: a stable file name, and a key of what the kept rows depend
 * on (loading node:crypto for a hash cost a warm run ~5 ms). In four 16-bit limbs (BigInt arithmetic took ~2 ms for
 * the key): the prime is 2^40 + 435.
 */
export function fnv1a64(text: string): string {
  let v0 = 0x2325;
  let v1 = 0x8422;
  let v2 = 0x9ce4;
  let v3 = 0xcbf2;
  for (const b of Buffer.from(text, 'utf8')) {
    v0 ^= b;
    const t0 = v0 * 435;
    let t1 = v1 * 435;
    let t2 = v2 * 435 + (v0 << 8);
    const t3 = v3 * 435 + (v1 << 8);
    t1 += t0 >>> 16;
    v0 = t0 & 0xffff;
    t2 += t1 >>> 16;
    v1 = t1 & 0xffff;
    v3 = (t3 + (t2 >>> 16)) & 0xffff;
    v2 = t2 & 0xffff;
  }
  return [v3, v2, v1, v0].map((v) => v.toString(16).padStart(4, '0')).join('');
}

/**
 * The CLI's cache file for a `CODEX_HOME`: `${XDG_CACHE_HOME:-~/.cache}/codex-sessions/index-<hash>.bin` (one file
 * per home, so `--codex-home` switches never mix).
 */
export function defaultCacheFile(codexHome: string, env: Record<string, string | undefined> = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(base, 'codex-sessions', `index-${fnv1a64(path.resolve(codexHome))}.bin`);
}
