import path from 'node:path';
import { newStamp, stampOf } from './fileStamp';
import { walkHistory, type ListedDir, type SkippedEntry } from './historyListing';
import { D, DIR, R, ROW, ARCHIVED, readIndexTable, type IndexTable } from './sessionCache';
import { currentZone } from './timeZone';
import { PRICES_CHECKED } from '../core/priceTable';
import { COST_BASIS, UsageAggregator, type UsageReport, type UsageReportOptions, type UsageTotalsRow } from './usageReport';

/*
 * A warm `codex-sessions usage`: the report straight from the index cache, when the cache still holds for every file
 * of the history: the folders unchanged (or listed again with the same files), every rollout of the size and
 * modification time it was read at, its usage read in this time zone. Nothing is turned into sessions: the cache's
 * numbers are read in place, and each session is handed to the report as one reused view. Anything new, changed,
 * gone, damaged or skipped, and the caller refreshes the index instead (which reads what changed and writes the
 * cache again): the figures are the same either way.
 */

/** A folder of the cache as the walk reuses it: its files are the names of its rows, read only when asked for. */
class CachedDir implements ListedDir {
  readonly dirs: string[] = [];
  readonly depth: number;
  readonly archived: boolean;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly reusable: boolean;

  constructor(
    private readonly t: IndexTable,
    readonly index: number,
    readonly path: string,
  ) {
    const k = index * DIR;
    this.depth = t.n[k + D.depth]!;
    this.archived = t.n[k + D.archived] === 1;
    this.mtimeMs = t.n[k + D.mtime]!;
    this.ctimeMs = t.n[k + D.ctime]!;
    this.reusable = t.n[k + D.reusable] === 1;
  }

  get files(): string[] {
    const rows = this.t.rowsOf(this.index);
    const out: string[] = [];
    if (rows) for (let r = rows[0]; r < rows[1]; r++) out.push(String(this.t.str(this.t.n[this.t.dirCount * DIR + r * ROW + R.name]!)));
    return out;
  }
}

/** The cache's folders, by path, with their subfolders (damaged ones left out: they are listed again). */
function cachedDirs(t: IndexTable): Map<string, CachedDir> {
  const out = new Map<string, CachedDir>();
  const all: (CachedDir | undefined)[] = [];
  for (let d = 0; d < t.dirCount; d++) {
    const p = t.dirPath(d);
    const dir = p === undefined || !t.rowsOf(d) ? undefined : new CachedDir(t, d, p);
    all.push(dir);
    if (!dir) continue;
    out.set(p!, dir);
    const parent = all[t.n[d * DIR + D.parent]!];
    parent?.dirs.push(p!.slice(p!.lastIndexOf(path.sep) + 1));
  }
  return out;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((v, i) => v === y[i]);
}

/**
 * The rows of the cache that the history's folders hold now, in walk order; null when a folder is new, lists other
 * files, or could not be listed, or when some row is in no folder visited (its file or folder is gone).
 */
async function currentRows(t: IndexTable, codexHome: string): Promise<{ rows: number[]; dirOf: string[] } | null> {
  const dirs = cachedDirs(t);
  const skipped: SkippedEntry[] = [];
  const rows: number[] = [];
  const dirOf: string[] = [];
  let holds = true;
  await walkHistory(codexHome, { sync: true, skipped, previous: dirs }, (d, reused) => {
    const cached = reused ? (d as CachedDir) : dirs.get(d.path);
    const range = cached && t.rowsOf(cached.index);
    if (!cached || !range || (!reused && !sameNames(d.files, cached.files))) {
      holds = false;
      return;
    }
    for (let r = range[0]; r < range[1]; r++) {
      rows.push(r);
      dirOf[r] = cached.path;
    }
  });
  return holds && skipped.length === 0 && rows.length === t.rowCount ? { rows, dirOf } : null;
}

/** Every row once: `order` must be a permutation of the rows (as written). */
function isPermutation(order: Float64Array, rows: number): boolean {
  const seen = new Uint8Array(rows);
  for (const r of order) {
    if (!(r >= 0 && r < rows) || seen[r]) return false;
    seen[r] = 1;
  }
  return true;
}

/** A cache that holds for every file: the table, each row's file, and the rows in the index's order. */
interface HeldCache {
  t: IndexTable;
  files: string[];
  order: Float64Array;
}

/** The cache of `codexHome`, when it holds for every file (see above); null otherwise. */
async function heldCache(codexHome: string, cacheFile: string): Promise<HeldCache | null> {
  const zone = currentZone();
  const t = await readIndexTable(cacheFile, codexHome, true);
  if (!t || t.header.zone !== zone) return null;
  const zoneAt = t.strings.indexOf(zone);
  const current = await currentRows(t, codexHome);
  if (!current) return null;
  const n = t.n;
  const base = t.dirCount * DIR;
  const files = new Array<string>(t.rowCount);
  const stamp = newStamp();
  for (const r of current.rows) {
    const k = base + r * ROW;
    const name = t.str(n[k + R.name]!);
    const at = n[k + R.usage]!;
    // Every session's usage read, in this zone.
    if (typeof name !== 'string' || !name.startsWith('rollout-') || !name.endsWith('.jsonl') || name.length < 35 || !(at >= 0) || n[t.usageAt + at] !== zoneAt) return null;
    const file = `${current.dirOf[r]}${path.sep}${name}`;
    const st = stampOf(file, stamp);
    if (!st?.isFile || st.size !== n[k + R.size] || st.mtimeMs !== n[k + R.mtime]) return null;
    files[r] = file;
  }
  const order = n.subarray(t.orderAt, t.orderAt + t.rowCount);
  return isPermutation(order, t.rowCount) ? { t, files, order } : null;
}

/** Hands every session of `c` to `agg`, in the index's order; false when a row turns out damaged. */
function feed(c: HeldCache, agg: UsageAggregator): boolean {
  const { t, files, order } = c;
  const n = t.n;
  const S = t.strings;
  const base = t.dirCount * DIR;
  const top = t.orderAt;
  for (const r of order) {
    const k = base + r * ROW;
    const file = files[r]!;
    const u = t.usageAt + n[k + R.usage]!;
    const slices = n[u + 7]!;
    if (!(slices >= 0 && u + 8 + slices * 6 <= top)) return false;
    agg.begin(file);
    if (n[u + 2] !== 1) {
      agg.noUsage(n[k + R.time]!);
      continue;
    }
    for (let s = u + 8, e = s + slices * 6; s < e; s += 6) {
      const model = n[s]!;
      const day = S[n[s + 1]!];
      if (!(model === -1 || S[model] !== undefined) || day === undefined || !(n[s + 2]! >= 0 && n[s + 3]! >= 0 && n[s + 4]! >= 0 && n[s + 5]! >= 0)) return false;
      agg.slice(model === -1 ? null : S[model]!, day, n[s + 2]!, n[s + 3]!, n[s + 4]!, n[s + 5]!);
    }
    const started = t.str(n[k + R.started_at]!);
    const title = t.str(n[k + R.title]!);
    const last = t.str(n[u + 1]!);
    if (started === undefined || title === undefined || last === undefined) return false;
    // `…/rollout-YYYY-MM-DDTHH-MM-SS-<id>.jsonl`: the id is what the name's fixed-width start and `.jsonl` leave.
    agg.end(file.slice(file.lastIndexOf(path.sep) + 29, -6), (n[k + R.flags]! & ARCHIVED) !== 0, started, title, last, n[k + R.time]!);
  }
  return true;
}

/**
 * The usage report of `codexHome` from its cache file alone (see above), or null when the cache does not hold for
 * every file (or is missing, damaged, of another format, or of another time zone): then refresh the index.
 */
export async function usageFromCache(codexHome: string, cacheFile: string, opts: UsageReportOptions = {}): Promise<UsageReport | null> {
  const c = await heldCache(codexHome, cacheFile);
  if (!c) return null;
  const agg = new UsageAggregator(opts);
  return feed(c, agg) ? agg.finish() : null;
}

/**
 * The totals of the whole history at built-in prices, from the figures the cache keeps per session, added up in the
 * index's order as the aggregator adds sessions up (so to the same bits); null when a session has tokens without a
 * price (the aggregator lists those) or a figure is damaged.
 */
function keptTotals(c: HeldCache): UsageTotalsRow | null {
  const { t, order } = c;
  const n = t.n;
  const base = t.dirCount * DIR;
  let input = 0;
  let cached = 0;
  let output = 0;
  let reasoning = 0;
  let usd = 0;
  let sessions = 0;
  let without = 0;
  for (const r of order) {
    const k = base + r * ROW;
    if (n[t.usageAt + n[k + R.usage]! + 2] !== 1) {
      if (!Number.isNaN(n[k + R.time]!)) without++;
      continue;
    }
    const i = n[k + R.input]!;
    if (i === -1) continue; // usage without a slice: no row, nothing counted
    const x = n[k + R.usd]!;
    if (!(i >= 0 && n[k + R.cached]! >= 0 && n[k + R.output]! >= 0 && n[k + R.reasoning]! >= 0 && x >= 0)) return null;
    input += i;
    cached += n[k + R.cached]!;
    output += n[k + R.output]!;
    reasoning += n[k + R.reasoning]!;
    usd += x;
    sessions++;
  }
  return { input_tokens: input, cached_input_tokens: cached, output_tokens: output, reasoning_output_tokens: reasoning, cost_usd: usd, cost_complete: true, unpriced: [], sessions, sessions_without_usage: without };
}

/**
 * `usage --json --by session` (whole history, built-in prices) from the cache alone, as the bytes to print: the rows
 * the cache keeps as printed (see `sessionCache`), between totals added up afresh. Null when the cache does not hold
 * (see {@link usageFromCache}), or keeps no rows of these prices, or `opts` ask for another report.
 */
export async function usageJsonFromCache(codexHome: string, cacheFile: string, opts: UsageReportOptions = {}): Promise<Uint8Array[] | null> {
  if (opts.by !== 'session' || opts.since || opts.until || Object.keys(opts.pricing ?? {}).length) return null;
  const c = await heldCache(codexHome, cacheFile);
  if (!c?.t.reportRows) return null;
  let totals = keptTotals(c);
  if (!totals) {
    const agg = new UsageAggregator({ by: 'session', noRows: true });
    if (!feed(c, agg)) return null;
    totals = agg.finish().totals;
  }
  // `JSON.stringify(report)`, its keys in the report's order, with the kept rows where its rows go.
  const head = `{"totals":${JSON.stringify(totals)},"by":"session","rows":[`;
  const tail = `],"cost_basis":${JSON.stringify(COST_BASIS)},"prices_checked":${JSON.stringify(PRICES_CHECKED)}}\n`;
  return [Buffer.from(head), c.t.reportRows, Buffer.from(tail)];
}
