import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { ReadPool, readHeadsAndUsage, workerCount, type HeadAndUsage } from '../../../src/node/parallelReads';
import { listSessionFiles } from '../../../src/node/sessionFiles';
import { SessionIndex } from '../../../src/node/sessionIndex';
import { readRolloutHeadAndUsage } from '../../../src/node/sessionUsage';
import { makeCorpusCodexHome } from '../../helpers/codexHome';
import { generateUsageHome } from '../../helpers/usageHome';

/** The worker from its sources (see the helper; the build runs `dist/cli/indexWorker.js`). */
const WORKER = new URL('../../helpers/indexWorker.mjs', import.meta.url);
const COUNTING_WORKER = new URL('../../helpers/countingIndexWorker.mjs', import.meta.url);
const HEAD_BYTES = 1024 * 1024;
const ZONE = 'UTC';

/** The same read on this thread alone. */
async function serial(files: string[], sizes: number[]): Promise<(HeadAndUsage | Error)[]> {
  const out: (HeadAndUsage | Error)[] = [];
  for (const [i, f] of files.entries()) out.push(await readRolloutHeadAndUsage(f, HEAD_BYTES, { size: sizes[i], zone: ZONE, sync: true }).catch((e: Error) => e));
  return out;
}

/** Results as comparable data: an error by its code and message. */
const plain = (rs: (HeadAndUsage | Error)[]): unknown[] => rs.map((r) => (r instanceof Error ? { error: (r as NodeJS.ErrnoException).code ?? r.message } : r));

describe('parallelReads', () => {
  const homes: string[] = [];
  after(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

  /** The rollouts of a new home (the corpus's, or `generated` sessions) and their sizes. */
  async function homeFiles(generated?: { count: number; seed: number }): Promise<{ home: string; files: string[]; sizes: number[] }> {
    const home = generated ? generateUsageHome(generated.count, generated.seed).home : makeCorpusCodexHome();
    homes.push(home);
    const files = (await listSessionFiles(home, { sync: true })).map((f) => f.path);
    return { home, files, sizes: files.map((f) => statSync(f).size) };
  }

  it('sizes the pool by cores and files: none for few files or one core, at most 3', () => {
    assert.equal(workerCount(10_000, 1), 0);
    assert.equal(workerCount(10_000, 2), 1);
    assert.equal(workerCount(10_000, 64), 3);
    assert.equal(workerCount(63, 8), 0);
    assert.equal(workerCount(130, 8), 2);
  });

  it('reads every corpus rollout on two workers and this thread exactly as one thread does, in order', async function () {
    this.timeout(60_000);
    const { files, sizes } = await homeFiles();
    const expected = plain(await serial(files, sizes));
    const got = plain(await readHeadsAndUsage(files, sizes, { headBytes: HEAD_BYTES, zone: ZONE, workerScript: WORKER, workers: 2 }));
    assert.equal(got.length, files.length);
    assert.deepEqual(got, expected);
  });

  /**
   * Reads `files` with one counting worker (see the helper), started and loaded first (from sources it loads slower
   * than this thread reads); the indexes of the files it took.
   */
  async function withCountingWorker(files: string[], sizes: number[], die = 0): Promise<{ got: unknown[]; taken: number[] }> {
    const dir = mkdtempSync(path.join(tmpdir(), 'counting-worker-'));
    homes.push(dir);
    const taken = path.join(dir, 'taken');
    Object.assign(process.env, { CODEX_SESSIONS_TEST_TAKEN: taken, CODEX_SESSIONS_TEST_DIE: String(die) });
    const pool = new ReadPool({ headBytes: HEAD_BYTES, zone: ZONE, workerScript: COUNTING_WORKER, workers: 1 });
    try {
      for (const t0 = Date.now(); !existsSync(`${taken}.ready`); await new Promise((r) => setTimeout(r, 20))) {
        assert.ok(Date.now() - t0 < 30_000, 'the counting worker did not start');
      }
      const got = plain(await pool.read(files, sizes));
      return { got, taken: JSON.parse(readFileSync(taken, 'utf8')) as number[] };
    } finally {
      await pool.close();
      delete process.env.CODEX_SESSIONS_TEST_TAKEN;
      delete process.env.CODEX_SESSIONS_TEST_DIE;
    }
  }

  it('shares the files: the worker takes some, this thread the others, each once', async function () {
    this.timeout(60_000);
    const { files, sizes } = await homeFiles({ count: 400, seed: 5 });
    const { got, taken } = await withCountingWorker(files, sizes);
    assert.deepEqual(got, plain(await serial(files, sizes)));
    assert.ok(taken.length > 0 && taken.length < files.length, `the worker took ${taken.length} of ${files.length} files`);
    assert.equal(new Set(taken).size, taken.length);
  });

  it('keeps each failed read as its error (missing file, folder) and reads the rest', async () => {
    const { files, sizes } = await homeFiles();
    const dir = path.dirname(files[0]!);
    const gone = path.join(dir, 'rollout-2025-01-01T00-00-00-00000000-0000-0000-0000-000000000000.jsonl');
    const folder = path.join(dir, 'rollout-2025-01-01T00-00-01-00000000-0000-0000-0000-000000000001.jsonl');
    mkdirSync(folder);
    const all = [gone, ...files.slice(0, 5), folder];
    const got = await readHeadsAndUsage(all, [10, ...sizes.slice(0, 5), 10], { headBytes: HEAD_BYTES, zone: ZONE, workerScript: WORKER, workers: 1 });
    assert.equal((got[0] as NodeJS.ErrnoException).code, 'ENOENT');
    assert.equal((got[6] as NodeJS.ErrnoException).code, 'EISDIR');
    assert.deepEqual(plain(got.slice(1, 6)), plain(await serial(files.slice(0, 5), sizes.slice(0, 5))));
  });

  it('reads on this thread what a worker that cannot start or dies never answered for', async function () {
    this.timeout(60_000);
    // Enough files that this thread is still reading when the worker gets the job.
    const { home, files, sizes } = await homeFiles({ count: 300, seed: 6 });
    const expected = plain(await serial(files, sizes));
    const missing = path.join(home, 'no-such-worker.cjs');
    assert.deepEqual(plain(await readHeadsAndUsage(files, sizes, { headBytes: HEAD_BYTES, zone: ZONE, workerScript: missing, workers: 1 })), expected);
    // A worker that takes five files and dies without a word.
    const { got, taken } = await withCountingWorker(files, sizes, 5);
    assert.equal(taken.length, 5);
    assert.ok(taken[0]! < files.length, 'the worker took files before it died');
    assert.deepEqual(got, expected);
  });

  it('stops on an abort: this thread and the workers take no more files, and the read rejects', async function () {
    this.timeout(60_000);
    const { files, sizes } = await homeFiles({ count: 300, seed: 8 });
    const pool = new ReadPool({ headBytes: HEAD_BYTES, zone: ZONE, workerScript: WORKER, workers: 1 });
    try {
      const stop = new AbortController();
      let n = 0;
      const reading = pool.read(files, sizes, stop.signal);
      // Aborted from a timer while this thread reads: it looks at the signal before each file.
      const timer = setInterval(() => ++n >= 2 && stop.abort(), 1);
      await assert.rejects(reading, (e: Error) => e.name === 'AbortError');
      clearInterval(timer);
    } finally {
      await pool.close();
    }
  });

  it('ends workers that got nothing to read, and reads once', async () => {
    const pool = new ReadPool({ headBytes: HEAD_BYTES, zone: ZONE, workerScript: WORKER, workers: 2 });
    await pool.close();
    const used = new ReadPool({ headBytes: HEAD_BYTES, zone: ZONE });
    assert.deepEqual(await used.read([], []), []);
    await assert.rejects(used.read([], []), /reads once/);
  });

  it('gives a SessionIndex with a worker the same sessions, usage and skipped entries as one without, cold and warm, and never waits on a FIFO', async function () {
    this.timeout(60_000);
    const g = generateUsageHome(300, 9);
    homes.push(g.home);
    // Entries named like rollouts that are no readable file: a FIFO, a folder, links to a FIFO, a folder, nothing and
    // a socket.
    const day = path.join(g.home, 'sessions', '2025', '01', '01');
    mkdirSync(day, { recursive: true });
    const name = (k: number): string => path.join(day, `rollout-2025-01-01T00-00-0${k}-00000000-0000-0000-0000-00000000000${k}.jsonl`);
    execFileSync('mkfifo', [name(0)]);
    mkdirSync(name(1));
    execFileSync('mkfifo', [path.join(g.home, 'fifo')]);
    mkdirSync(path.join(g.home, 'folder'));
    symlinkSync(path.join(g.home, 'fifo'), name(2));
    symlinkSync(path.join(g.home, 'folder'), name(3));
    symlinkSync(path.join(g.home, 'nothing'), name(4));
    // A link to a socket (socket paths are short): its open fails (ENXIO); an index without workers calls it "not a
    // regular file", and so must this one.
    const socketDir = mkdtempSync(path.join(tmpdir(), 'sock-'));
    homes.push(socketDir);
    const socket = net.createServer().listen(path.join(socketDir, 's'));
    await once(socket, 'listening');
    after(() => socket.close());
    symlinkSync(path.join(socketDir, 's'), name(5));
    const plainIndex = new SessionIndex({ codexHome: g.home, cacheFile: null, io: 'sync' });
    await plainIndex.refresh({ usage: true });
    assert.equal(plainIndex.sessions().length, 300);
    assert.equal(plainIndex.skipped().length, 6);
    assert.equal(plainIndex.skipped().find((e) => e.path === name(5))?.reason, 'not a regular file');
    const cacheFile = path.join(g.home, 'cache.json');
    for (const round of ['cold', 'warm']) {
      const pooled = new SessionIndex({ codexHome: g.home, cacheFile, io: 'sync', indexWorker: WORKER, workers: 1 });
      const changes = await pooled.refresh({ usage: true });
      assert.equal(changes.added.length, round === 'cold' ? 300 : 0, round);
      assert.deepEqual(pooled.sessions(), plainIndex.sessions(), round);
      assert.deepEqual(pooled.skipped(), plainIndex.skipped(), round);
      await pooled.save();
    }
  });
});
