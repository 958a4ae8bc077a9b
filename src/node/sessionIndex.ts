import { lstatSync, stat as fsStat, statSync, type Stats } from 'node:fs';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { DEFAULT_HEAD_BYTES, parseRolloutFileName } from '../core/rolloutSession';
import { readRolloutHead, type RolloutHead } from './headReader';
import { mark } from './phaseTrace';
import { loadSessionCache, saveSessionCache, type SaveOptions } from './sessionCache';
import { fsErrorReason, listSessionFiles, sessionTimeMs, type ListedDir, type SessionFile, type SessionInfo, type SkippedEntry } from './sessionFiles';
import { ReadPool, workerCount, type HeadAndUsage } from './parallelReads';
import { currentZone, readRolloutHeadAndUsage, readRolloutUsage, type CachedUsage } from './sessionUsage';

/** Options of {@link SessionIndex}. */
export interface SessionIndexOptions {
  /** The `CODEX_HOME` to index (see `resolveCodexHome`). */
  codexHome: string;
  /** Where metadata persists between runs; none: kept in memory only (and nothing is written). */
  cacheFile?: string | null;
  /** Budget of each head read (bytes). */
  headBytes?: number;
  /** Head reads and stats running at once. */
  concurrency?: number;
  /** Include `archived_sessions/` (default true). */
  archived?: boolean;
  /**
   * `sync`: stat and read files with blocking calls (a few times cheaper per file than the thread pool's round
   * trips). For one-shot processes such as the command line; the default `async` never blocks the event loop.
   */
  io?: 'async' | 'sync';
  /**
   * The built index worker (`dist/cli/indexWorker.js`): with `io: 'sync'`, a refresh with usage that has many files to
   * read shares them with worker threads (see `ReadPool`). None: everything is read on this thread.
   */
  indexWorker?: string | URL;
  /** `execArgv` of those workers (tests running from sources pass a loader). */
  workerExecArgv?: string[];
  /** How many (default: see `workerCount`, one per spare core when there are enough files). */
  workers?: number;
}

/** Progress of {@link SessionIndex.refresh}. */
export interface IndexProgress {
  /** Files looked at so far, of `total`. */
  done: number;
  total: number;
  /** Heads read so far (new or changed files); the rest came from the cache. */
  read: number;
  /** Files read whole for their usage so far (only with `usage: true`). */
  usageRead?: number;
}

/** Options of {@link SessionIndex.refresh}. */
export interface RefreshOptions {
  /** Stops the refresh (the promise rejects; sessions brought up to date so far are kept). */
  signal?: AbortSignal;
  /** Called every 64 files and at the end. */
  onProgress?: (p: IndexProgress) => void;
  /** Called for every session once its metadata is current (from the cache or a head read). */
  onSession?: (s: SessionInfo) => void;
  /**
   * Also bring every session's token usage up to date (`SessionInfo.usage`): whole files are read, but only those
   * that are new, changed, or were never read for usage; the rest comes from the cache.
   */
  usage?: boolean;
}

/** Counters of one refresh. */
interface Counters {
  /** The time zone usage days are computed in during this refresh. */
  zone: string;
  /** Heads read (new or rewritten files). */
  read: number;
  /** Files read whole for their usage. */
  usageRead: number;
}

/** `info` without its usage (the file changed, so the usage read before is stale). */
function withoutUsage(info: SessionInfo): SessionInfo {
  const rest = { ...info };
  delete rest.usage;
  return rest;
}

/**
 * A session from its file, stat and head (and usage), written out field by field, in the order the cache loader uses:
 * one object shape for every session (spreads made a slow object per call, 14 µs each over 10,000 files, and slowed
 * every later reader of them).
 */
function sessionInfo(file: SessionFile, st: FileStat, head: RolloutHead, usage?: CachedUsage): SessionInfo {
  const s = head.session;
  const info: SessionInfo = {
    path: file.path,
    id: file.id,
    local_time: file.local_time,
    archived: file.archived,
    started_at: s.started_at,
    cwd: s.cwd,
    cli_version: s.cli_version,
    originator: s.originator,
    source: s.source,
    model: s.model,
    title: s.title,
    family: s.family,
    size: st.size,
    mtime_ms: st.mtimeMs,
    complete: head.complete,
  };
  if (usage) info.usage = usage;
  return info;
}

/** What a refresh changed. */
export interface IndexChanges {
  added: SessionInfo[];
  changed: SessionInfo[];
  removed: string[];
}

/** `fs.stat` as a promise: half the main-thread time of `fs/promises`' `stat`, which shows at 10,000 files. */
function stat(file: string): Promise<Stats> {
  return new Promise((resolve, reject) => fsStat(file, (e, st) => (e ? reject(e) : resolve(st))));
}

/** A file's stat as the index uses it (`fs.Stats` has these). */
interface FileStat {
  size: number;
  mtimeMs: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

/** Kinds of a packed stat (0: not stat'ed). */
const FILE = 1;
const FOLDER = 2;
const OTHER = 3;
const FAILED = 4;

/** A stat read back from a {@link StatTable}. */
class PackedStat implements FileStat {
  constructor(
    readonly size: number,
    readonly mtimeMs: number,
    private readonly kind: number,
  ) {}
  isFile(): boolean {
    return this.kind === FILE;
  }
  isDirectory(): boolean {
    return this.kind === FOLDER;
  }
}

/**
 * The stats of many files, packed as kind, size and mtime per file. Keeping a `Stats` per file instead (with the
 * four `Date`s Node 20 builds for each) made the garbage collector copy 50,000 objects through a warm refresh of
 * 10,000 sessions: that cost more than the stat calls.
 */
class StatTable {
  private readonly packed: Float64Array;
  private readonly errors = new Map<number, Error>();

  constructor(readonly length: number) {
    this.packed = new Float64Array(3 * length);
  }

  put(i: number, st: Stats | Error): void {
    if (st instanceof Error) {
      this.packed[3 * i] = FAILED;
      this.errors.set(i, st);
      return;
    }
    this.packed[3 * i] = st.isFile() ? FILE : st.isDirectory() ? FOLDER : OTHER;
    this.packed[3 * i + 1] = st.size;
    this.packed[3 * i + 2] = st.mtimeMs;
  }

  /** Whether file `i` is a file of `size` bytes last modified at `mtimeMs` (what a cached entry was read at). */
  same(i: number, size: number, mtimeMs: number): boolean {
    return this.packed[3 * i] === FILE && this.packed[3 * i + 1] === size && this.packed[3 * i + 2] === mtimeMs;
  }

  get(i: number): FileStat | Error {
    const kind = this.packed[3 * i]!;
    if (kind === 0) return new Error('not stat-ed');
    return kind === FAILED ? this.errors.get(i)! : new PackedStat(this.packed[3 * i + 1]!, this.packed[3 * i + 2]!, kind);
  }
}

function statOrError(file: string): Stats | Error {
  try {
    return statSync(file);
  } catch (e) {
    return e as Error;
  }
}

/** Synchronous stats run in batches that start this small and double while fast, up to {@link MAX_STAT_BATCH}. */
const FIRST_STAT_BATCH = 16;
const MAX_STAT_BATCH = 1024;
/** A batch slower than this (a cold or remote disk) sends the rest of the stats to the thread pool. */
const SLOW_STAT_BATCH_MS = 8;

/**
 * The stats of many files (an error: gone or unreadable). With `sync` (see `SessionIndexOptions.io`) all at once.
 * Otherwise, while the disk answers from the OS cache, synchronously too but in batches with a turn of the event loop
 * between them: 10,000 then cost ~25 ms of main-thread time against ~150 ms through the thread pool (each async call
 * has a fixed cost far above a cached stat). The first batch is small and a slow one sends the rest through the
 * thread pool, so a cold or remote disk never blocks the loop for long. `wanted` picks the files to stat (default all).
 */
async function statAll(paths: readonly string[], concurrency: number, sync: boolean, signal?: AbortSignal, wanted?: (i: number) => boolean): Promise<StatTable> {
  const out = new StatTable(paths.length);
  let i = 0;
  for (let batch = FIRST_STAT_BATCH; i < paths.length; batch = Math.min(MAX_STAT_BATCH, batch * 2)) {
    signal?.throwIfAborted();
    const t0 = performance.now();
    for (const end = Math.min(paths.length, i + batch); i < end; i++) if (!wanted || wanted(i)) out.put(i, statOrError(paths[i]!));
    if (sync) continue;
    if (performance.now() - t0 > SLOW_STAT_BATCH_MS) break;
    if (i < paths.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const rest = Array.from({ length: paths.length - i }, (_, k) => i + k).filter((k) => !wanted || wanted(k));
  await mapLimit(rest, concurrency, async (k) => out.put(k, await stat(paths[k]!).catch((e: Error) => e)), signal);
  return out;
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      signal?.throwIfAborted();
      await fn(items[next++]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * The session history of one `CODEX_HOME`. The skeleton ({@link scan}) comes from file names alone, at once;
 * {@link refresh} then fills in metadata from a bounded head read of each file, reusing cached metadata for files
 * whose size and mtime are unchanged (a warm start only stats) and for files that merely grew once their head was
 * fully read. {@link update} handles single files a watcher reports. With `usage: true` it also keeps each session's
 * exact token usage (`SessionInfo.usage`), read whole once per version of a file and kept in the same cache (see
 * `usageForSessions`). Nothing here needs VS Code.
 */
export class SessionIndex {
  private readonly byPath = new Map<string, SessionInfo>();
  /** What the last refresh (and updates since) could not use, by path. */
  private readonly skippedByPath = new Map<string, SkippedEntry>();
  private cacheLoaded = false;
  private dirty = false;
  /** Refreshes and updates run one after another, so a watcher's update never races a full refresh. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly headBytes: number;
  private readonly concurrency: number;
  /** Reads done ahead on worker threads (see {@link readPool}), by path; each is taken once by the refresh of its file. */
  private readonly prefetched = new Map<string, HeadAndUsage | Error>();
  /** The folders of the last listing (or of the cache's), by path: a scan lists again only those that changed. */
  private listing = new Map<string, ListedDir>();

  constructor(private opts: SessionIndexOptions) {
    this.headBytes = opts.headBytes ?? DEFAULT_HEAD_BYTES;
    this.concurrency = opts.concurrency ?? 32;
  }

  /** The `CODEX_HOME` indexed. */
  get codexHome(): string {
    return this.opts.codexHome;
  }

  /**
   * Points the index at another `CODEX_HOME` (the setting changed): what it knew is dropped once the running refresh
   * is done; the next refresh reads the new home (and its part of the cache file, if any).
   */
  setCodexHome(codexHome: string): Promise<void> {
    return this.serial(async () => {
      if (codexHome === this.opts.codexHome) return;
      this.opts = { ...this.opts, codexHome };
      this.byPath.clear();
      this.skippedByPath.clear();
      this.listing.clear();
      this.cacheLoaded = false;
      this.dirty = false;
    });
  }

  /** The skeleton: every rollout file, newest first, from directory listings only (what cannot be used: to `skipped`). */
  async scan(skipped?: SkippedEntry[]): Promise<SessionFile[]> {
    const listing: ListedDir[] = [];
    const files = await listSessionFiles(this.opts.codexHome, { archived: this.opts.archived, sync: this.opts.io === 'sync', skipped, previous: this.listing, listing });
    this.listing = new Map(listing.map((d) => [d.path, d]));
    return files;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async loadCache(): Promise<void> {
    if (this.cacheLoaded) return;
    this.cacheLoaded = true;
    if (!this.opts.cacheFile) return;
    const cached = await loadSessionCache(this.opts.cacheFile, this.opts.codexHome);
    for (const [p, info] of cached.sessions) if (!this.byPath.has(p)) this.byPath.set(p, info);
    if (this.listing.size === 0) this.listing = cached.listing;
  }

  /**
   * Brings one file's metadata (and usage, when asked) up to date; returns whether it was new or changed, or null when
   * it is gone or unusable (then recorded in {@link skipped} with the reason).
   */
  private async refreshFile(file: SessionFile, counters: Counters, usage = false, known?: FileStat): Promise<'added' | 'changed' | 'same' | null> {
    let st: FileStat | undefined = known;
    try {
      st ??= this.opts.io === 'sync' ? statSync(file.path) : await stat(file.path);
    } catch (e) {
      return this.statFailed(file.path, e);
    }
    // Opening a FIFO (a symbolic link to one) for reading would wait forever for a writer.
    if (!st.isFile()) return this.skip(file.path, st.isDirectory() ? 'a folder where a file was expected' : 'not a regular file');
    this.skippedByPath.delete(file.path);
    const old = this.byPath.get(file.path);
    try {
      if (old && old.size === st.size && old.mtime_ms === st.mtimeMs) {
        if (usage && old.usage?.zone !== counters.zone) this.set({ ...old, usage: await this.readUsage(file.path, st.size, counters) });
        return 'same';
      }
      if (old && old.complete && st.size > old.size) {
        // Appended to (a turn or a resume): the head, and so the metadata, is what it was; the usage is not.
        const grown = { ...withoutUsage(old), size: st.size, mtime_ms: st.mtimeMs };
        this.set(usage ? { ...grown, usage: await this.readUsage(file.path, st.size, counters) } : grown);
        return 'changed';
      }
      counters.read++;
      let s, complete, fresh: CachedUsage | undefined;
      if (usage) {
        counters.usageRead++;
        ({ head: { session: s, complete }, usage: fresh } = await this.readHeadAndUsage(file.path, st.size, counters));
      } else ({ session: s, complete } = await readRolloutHead(file.path, { maxBytes: this.headBytes }));
      this.set(sessionInfo(file, st, { session: s, complete, bytes: 0 }, fresh));
    } catch (e) {
      return this.skip(file.path, fsErrorReason(e)); // vanished or unreadable between stat and open
    }
    return old ? 'changed' : 'added';
  }

  private statFailed(file: string, e: unknown): null {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink()) return this.skip(file, 'a symbolic link to nothing');
    return this.skip(file, fsErrorReason(e));
  }

  private skip(file: string, reason: string): null {
    this.skippedByPath.set(file, { path: file, reason });
    return null;
  }

  /**
   * Files and folders of the history that could not be used at the last refresh (or update since), with the reason:
   * unreadable, gone while read, symbolic link loops, names that are not UTF-8, folders or FIFOs named like rollouts.
   */
  skipped(): SkippedEntry[] {
    return [...this.skippedByPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private set(info: SessionInfo): void {
    this.byPath.set(info.path, info);
    this.dirty = true;
  }

  private readUsage(file: string, size: number, counters: Counters): Promise<CachedUsage> {
    counters.usageRead++;
    const ahead = this.takePrefetched(file);
    if (ahead) return ahead.then((r) => r.usage);
    return readRolloutUsage(file, { size, zone: counters.zone, sync: this.opts.io === 'sync' });
  }

  private readHeadAndUsage(file: string, size: number, counters: Counters): Promise<{ head: RolloutHead; usage: CachedUsage }> {
    return this.takePrefetched(file) ?? readRolloutHeadAndUsage(file, this.headBytes, { size, zone: counters.zone, sync: this.opts.io === 'sync' });
  }

  /** The read done ahead for `file` (settled as that read did), once; undefined when there is none. */
  private takePrefetched(file: string): Promise<HeadAndUsage> | undefined {
    const r = this.prefetched.get(file);
    if (r === undefined) return undefined;
    this.prefetched.delete(file);
    return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
  }

  /**
   * Worker threads for a refresh with usage that will read `unread` files (new ones, or without usage in this zone):
   * only when the index may block (`io: 'sync'`) and has a worker to start.
   */
  private readPool(unread: number, zone: string): ReadPool | null {
    if (this.opts.io !== 'sync' || !this.opts.indexWorker) return null;
    const workers = unread && (this.opts.workers ?? workerCount(unread));
    return workers ? new ReadPool({ headBytes: this.headBytes, zone, workerScript: this.opts.indexWorker, workerExecArgv: this.opts.workerExecArgv, workers }) : null;
  }

  /**
   * Lists the files again and brings every session's metadata up to date (new files read, vanished ones dropped).
   * Cancellable with `signal` (what was read so far is kept).
   */
  refresh(opts: RefreshOptions = {}): Promise<IndexChanges> {
    return this.serial(() => this.refreshAll(opts));
  }

  private async refreshAll(opts: RefreshOptions): Promise<IndexChanges> {
    // The cache first: the folders it lists that did not change since are not listed again.
    const listed: SkippedEntry[] = [];
    await this.loadCache();
    mark('load cache');
    const zone = currentZone();
    // An index that knows nothing yet (no cache) will read every file: its workers start loading now, while the
    // folders are listed, rather than once they are (a worker takes ~0.3 s to load its reader and warm up).
    let pool = opts.usage && this.byPath.size === 0 ? this.readPool(Number.POSITIVE_INFINITY, zone) : null;
    const files = await this.scan(listed);
    mark('list');
    this.skippedByPath.clear();
    for (const e of listed) this.skippedByPath.set(e.path, e);
    const changes: IndexChanges = { added: [], changed: [], removed: [] };
    const seen = new Set(files.map((f) => f.path));
    for (const p of [...this.byPath.keys()]) {
      if (seen.has(p)) continue;
      this.byPath.delete(p);
      changes.removed.push(p);
      this.dirty = true;
    }
    const counters: Counters = { zone, read: 0, usageRead: 0 };
    const unread = files.reduce((n, f) => (this.byPath.get(f.path)?.usage?.zone === zone ? n : n + 1), 0);
    if (pool && workerCount(unread) === 0) {
      await pool.close();
      pool = null;
    }
    if (opts.usage) pool ??= this.readPool(unread, zone);
    let done = 0;
    const settled = (f: SessionFile, r: 'added' | 'changed' | 'same' | null): void => {
      const info = this.byPath.get(f.path);
      if (r === 'added' || r === 'changed') changes[r].push(info!);
      if (info && r !== null) opts.onSession?.(info);
      done++;
      if (done % 64 === 0 || done === files.length) opts.onProgress?.({ done, total: files.length, read: counters.read, ...(opts.usage ? { usageRead: counters.usageRead } : {}) });
    };
    // Every file the index knows is stat-ed first (cheap): those the cache answers are settled at once, the rest read.
    // With a pool, the files it has never seen are not (they are read anyway): their reads stat them once open, on
    // every thread, instead of this thread stat-ing them all before the reads start.
    const unseen = (i: number): boolean => pool !== null && !this.byPath.has(files[i]!.path);
    try {
      const stats = await statAll(files.map((f) => f.path), this.concurrency, this.opts.io === 'sync', opts.signal, (i) => !unseen(i));
      const toRead = new Map<number, FileStat | undefined>();
      for (const [i, f] of files.entries()) {
        if (unseen(i)) {
          toRead.set(i, undefined);
          continue;
        }
        const old = this.byPath.get(f.path);
        if (old && stats.same(i, old.size, old.mtime_ms) && !(opts.usage && old.usage?.zone !== counters.zone)) {
          settled(f, 'same');
          continue;
        }
        const st = stats.get(i);
        if (st instanceof Error) settled(f, this.statFailed(f.path, st));
        else toRead.set(i, st);
      }
      if (pool) {
        // Read ahead on every thread; FIFOs and folders named like rollouts are never opened (see refreshFile), and
        // those found by a read that stats are refused before a byte is read.
        const reads = [...toRead].filter(([, st]) => !st || st.isFile());
        mark('stat');
        const results = await pool.read(reads.map(([i]) => files[i]!.path), reads.map(([, st]) => st?.size ?? -1), opts.signal);
        mark('read (threads)');
        for (const [k, [i, st]] of reads.entries()) {
          const r = results[k]!;
          const f = files[i]!;
          // A file never stat-ed whose read failed is left to refreshFile, which stats it and gives the reason an index
          // without workers gives (a socket is "not a regular file", not the error of its open).
          if (!st && r instanceof Error) continue;
          const known = st ?? (!(r instanceof Error) && r.stat ? new PackedStat(r.stat.size, r.stat.mtimeMs, FILE) : undefined);
          // A session the index never had: taken as read, here and now (10,000 of them through refreshFile's promises
          // cost a cold index ~80 ms).
          if (!(r instanceof Error) && known?.isFile() && !this.byPath.has(f.path)) {
            this.skippedByPath.delete(f.path);
            counters.read++;
            counters.usageRead++;
            this.set(sessionInfo(f, known, r.head, r.usage));
            toRead.delete(i);
            settled(f, 'added');
            continue;
          }
          if (known) toRead.set(i, known);
          this.prefetched.set(f.path, r);
        }
      }
      await mapLimit([...toRead], this.concurrency, async ([i, st]) => settled(files[i]!, await this.refreshFile(files[i]!, counters, opts.usage === true, st)), opts.signal);
    } finally {
      this.prefetched.clear();
      await pool?.close();
    }
    return changes;
  }

  /** Updates the given files only (a watcher saw them appear, grow or vanish); `usage` as in {@link refresh}. */
  update(paths: readonly string[], opts: { usage?: boolean } = {}): Promise<IndexChanges> {
    return this.serial(() => this.updateFiles(paths, opts.usage === true));
  }

  private async updateFiles(paths: readonly string[], usage: boolean): Promise<IndexChanges> {
    await this.loadCache();
    const changes: IndexChanges = { added: [], changed: [], removed: [] };
    const counters: Counters = { zone: currentZone(), read: 0, usageRead: 0 };
    for (const p of paths) {
      const name = parseRolloutFileName(path.basename(p));
      if (!name) continue;
      const archived = path.relative(this.opts.codexHome, p).split(path.sep)[0] === 'archived_sessions';
      const r = await this.refreshFile({ path: p, id: name.id, local_time: name.local_time, archived }, counters, usage);
      if (r === null) {
        // A file the watcher saw go away is simply gone.
        if (this.skippedByPath.get(p)?.reason === fsErrorReason({ code: 'ENOENT' })) this.skippedByPath.delete(p);
        if (this.byPath.delete(p)) {
          changes.removed.push(p);
          this.dirty = true;
        }
      } else if (r !== 'same') changes[r].push(this.byPath.get(p)!);
    }
    return changes;
  }

  /** Every session with metadata, newest first. */
  sessions(): SessionInfo[] {
    // Sort keys computed once: parsing 10,000 dates inside the comparator costs more than the sort.
    const keyed = [...this.byPath.values()].map((s) => ({ s, t: sessionTimeMs(s) }));
    keyed.sort((a, b) => b.t - a.t || (a.s.path < b.s.path ? -1 : a.s.path > b.s.path ? 1 : 0));
    return keyed.map((k) => k.s);
  }

  /** The session of a file, if indexed. */
  get(file: string): SessionInfo | undefined {
    return this.byPath.get(file);
  }

  /** Sessions whose id is `id` or starts with it (newest first; several files can share an id once archived). */
  find(id: string): SessionInfo[] {
    const q = id.toLowerCase();
    return this.sessions().filter((s) => s.id.toLowerCase() === q || s.id.toLowerCase().startsWith(q));
  }

  /** Writes the cache when something changed since it was loaded (no-op without a cache file). */
  save(opts: SaveOptions = {}): Promise<void> {
    return this.serial(async () => {
      if (!this.opts.cacheFile || !this.dirty) return;
      this.dirty = false;
      try {
        await saveSessionCache(this.opts.cacheFile, this.opts.codexHome, this.byPath.values(), [...this.listing.values()], currentZone(), { sync: this.opts.io === 'sync', ...opts });
      } catch (e) {
        this.dirty = true;
        throw e;
      }
    });
  }
}
