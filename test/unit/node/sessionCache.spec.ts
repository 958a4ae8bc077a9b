import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ListedDir } from '../../../src/node/historyListing';
import { DIR, INDEX_FORMAT, R, ROW, encodeSessionCache, fnv1a64, defaultCacheFile, loadSessionCache, parseIndexTable, saveSessionCache, unwritten } from '../../../src/node/sessionCache';
import type { SessionInfo } from '../../../src/node/sessionFiles';

describe('session index cache file (format 5)', () => {
  let dir: string;
  let home: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'codex-cache-'));
    home = path.join(dir, 'home');
    file = path.join(dir, 'cache', 'index.bin');
    mkdirSync(path.dirname(file));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const ID = '01a1fd24-c4dc-7ce2-a276-77a954d59bd0';
  const NAME = `rollout-2026-11-21T08-08-12-${ID}.jsonl`;
  const usage = { input_tokens: 1011, cached_input_tokens: 100, output_tokens: 20, reasoning_output_tokens: 5 };
  const info = (p: string, extra: Partial<SessionInfo> = {}): SessionInfo => ({
    path: p,
    id: ID,
    local_time: '2026-11-21T08:08:12',
    archived: false,
    started_at: '2026-11-21T08:08:12.600Z',
    cwd: '/work',
    cli_version: '0.169.0',
    originator: 'codex_exec',
    source: 'exec',
    model: 'gpt-5-codex',
    title: 'Fix the "tests"\nnow ✓',
    family: 'envelope',
    size: 1234,
    mtime_ms: 1795261913549.1675,
    complete: true,
    ...extra,
  });
  const day = (d: string): string => path.join(home, 'sessions', '2026', '11', d);
  const listed = (p: string, files: string[], extra: Partial<ListedDir> = {}): ListedDir => ({ path: p, depth: 3, archived: false, mtimeMs: 1795261900000.25, ctimeMs: 1795261900000.5, reusable: true, files, dirs: [], ...extra });

  /** Sessions of two day folders and an archived one, with usage of every shape. */
  function sample(): { sessions: SessionInfo[]; listing: ListedDir[] } {
    const second = NAME.replace('08-08-12', '09-00-00');
    const sessions = [
      info(path.join(day('21'), NAME), {
        usage: { zone: 'Europe/Berlin', total: usage, slices: [{ model: null, day: '2026-11-21', usage }, { model: 'o3', day: '2026-11-22', usage }], last_activity: '2026-11-22T00:00:01Z' },
      }),
      info(path.join(day('21'), second), { local_time: '2026-11-21T09:00:00', started_at: null, title: null, usage: { zone: 'Europe/Berlin', total: null, slices: [], last_activity: null } }),
      info(path.join(home, 'archived_sessions', NAME), { archived: true, started_at: null, cwd: null, model: null, title: null, family: 'bare', complete: false }),
    ];
    const listing = [
      listed(path.join(home, 'sessions'), [], { depth: 0, dirs: ['2026'] }),
      listed(path.join(home, 'sessions', '2026'), [], { depth: 1, dirs: ['11'] }),
      listed(path.join(home, 'sessions', '2026', '11'), [], { depth: 2, dirs: ['21'] }),
      listed(day('21'), [second, NAME]),
      listed(path.join(home, 'archived_sessions'), [NAME], { depth: 0, archived: true, reusable: false }),
    ];
    return { sessions, listing };
  }

  it('gives back the sessions and the listing it was given, each string once, the numbers aligned as float64', async () => {
    const { sessions, listing } = sample();
    await saveSessionCache(file, home, sessions, listing, 'Europe/Berlin');
    const bytes = readFileSync(file);
    const header = JSON.parse(bytes.toString('utf8', 0, bytes.indexOf(10))) as { format: number; zone: string; dirs: number; files: number };
    assert.deepEqual([header.format, header.zone, header.dirs, header.files], [INDEX_FORMAT, 'Europe/Berlin', 5, 3]);
    const t = parseIndexTable(bytes, home)!;
    assert.equal(t.strings.filter((v) => v === 'gpt-5-codex').length, 1, 'each string once');
    assert.equal((t.n.byteOffset - bytes.byteOffset) % 8, 0, 'the numbers start at a multiple of 8');
    assert.equal(t.n.byteOffset % 8, 0);
    const loaded = await loadSessionCache(file, home);
    const byPath = (a: SessionInfo, b: SessionInfo): number => (a.path < b.path ? -1 : 1);
    assert.deepEqual([...loaded.sessions.values()].sort(byPath), [...sessions].sort(byPath));
    assert.equal(loaded.zone, 'Europe/Berlin');
    const again = [...loaded.listing.values()];
    assert.deepEqual(again.map((d) => [path.relative(home, d.path), d.reusable, [...d.files].sort(), d.dirs]), [
      ['sessions', true, [], ['2026']],
      [path.join('sessions', '2026'), true, [], ['11']],
      [path.join('sessions', '2026', '11'), true, [], ['21']],
      [path.join('sessions', '2026', '11', '21'), true, [NAME, NAME.replace('08-08-12', '09-00-00')].sort(), []],
      ['archived_sessions', false, [NAME], []],
    ]);
    assert.deepEqual([again[3]!.mtimeMs, again[3]!.ctimeMs], [1795261900000.25, 1795261900000.5], 'times kept to the bit');
  });

  it('keeps a folder reusable only when its sessions are exactly the files it listed', async () => {
    const { sessions, listing } = sample();
    // A file the walk listed but the index could not read, and a session a watcher added that the listing lacks.
    listing[3] = listed(day('21'), [NAME, NAME.replace('08-08-12', '09-00-00'), NAME.replace('08-08-12', '10-00-00')]);
    const added = info(path.join(day('22'), NAME));
    const bytes = encodeSessionCache(home, [...sessions, added], listing, 'UTC');
    const t = parseIndexTable(bytes, home)!;
    writeFileSync(file, bytes);
    const loaded = await loadSessionCache(file, home);
    assert.equal(loaded.listing.get(day('21'))!.reusable, false, 'a listed file without a session');
    assert.equal(loaded.listing.get(day('22'))!.reusable, false, 'a folder known from a session alone');
    assert.ok(loaded.sessions.has(added.path));
    assert.ok(!loaded.listing.get(path.join(home, 'sessions', '2026', '11'))!.dirs.includes('22'), 'a folder the walk never listed is no child');
    assert.equal(t.rowCount, 4);
  });

  it('drops a damaged session alone; a damaged, cut, foreign or other-format file is an empty cache', async () => {
    const { sessions, listing } = sample();
    const bytes = encodeSessionCache(home, sessions, listing, 'UTC');
    const t = parseIndexTable(bytes, home)!;
    const at = (row: number, field: number): number => t.n.byteOffset - bytes.byteOffset + (t.dirCount * DIR + row * ROW + field) * 8;
    const damaged = (row: number, field: number, value: number): Buffer => {
      const copy = Buffer.from(bytes);
      copy.writeDoubleLE(value, at(row, field));
      return copy;
    };
    const rowOf = (name: string, archived: boolean): number => [...Array(t.rowCount).keys()].find((r) => t.info(r, 'x')?.path.endsWith(name) && t.info(r, 'x')!.archived === archived)!;
    const first = rowOf(NAME, false);
    for (const [field, value] of [
      [R.size, -1], [R.size, 1.5], [R.mtime, Number.NaN], [R.mtime, Number.POSITIVE_INFINITY], [R.title, t.strings.length], [R.title, 0.5], [R.title, -2],
      [R.source, t.strings.indexOf('gpt-5-codex')], [R.family, -1], [R.flags, 4], [R.name, t.strings.indexOf('/work')], [R.usage, 1e9], [R.usage, 2.5],
    ] as const) {
      writeFileSync(file, damaged(first, field, value));
      const loaded = await loadSessionCache(file, home);
      assert.equal(loaded.sessions.size, 2, `field ${field} = ${value}`);
      assert.ok(![...loaded.sessions.keys()].includes(path.join(day('21'), NAME)));
    }
    const text = bytes.toString('latin1');
    const eol = bytes.indexOf(10);
    const header = JSON.parse(text.slice(0, eol)) as Record<string, unknown>;
    /** The file with another header of the same length (JSON allows the spaces it is padded with): only `h` differs. */
    const withHeader = (h: Record<string, unknown>): Buffer => {
      const text = JSON.stringify(h);
      assert.ok(text.length <= eol, text);
      return Buffer.concat([Buffer.from(text.padEnd(eol)), bytes.subarray(eol)]);
    };
    assert.ok(parseIndexTable(withHeader(header), home), 'the same header, padded, reads');
    for (const broken of [
      bytes.subarray(0, bytes.length - 8),
      Buffer.concat([bytes, Buffer.alloc(8)]),
      Buffer.from('{ broken\n'),
      withHeader({ ...header, format: INDEX_FORMAT - 1 }),
      withHeader({ ...header, codex_home: '/elsewhere' }),
      withHeader({ ...header, endian: 'BE' }),
      withHeader({ ...header, files: 9 }),
      withHeader({ ...header, usage: 1 }),
      withHeader({ ...header, strings_bytes: 7 }),
      Buffer.from(JSON.stringify({ format: 4, codex_home: home, strings: [], files: [], numbers: [], meta: [], usage: [] })),
    ]) {
      writeFileSync(file, broken);
      assert.equal((await loadSessionCache(file, home)).sessions.size, 0);
      assert.equal(parseIndexTable(broken, home), null);
    }
    rmSync(file, { force: true });
    assert.equal((await loadSessionCache(file, home)).sessions.size, 0, 'no file');
    // Rows priced by another build (other prices) are not printed; the rest of the cache stands.
    assert.ok(t.reportRows && t.reportRows.length > 0);
    const repriced = parseIndexTable(withHeader({ ...header, rows_key: '0'.repeat(16) }), home)!;
    assert.deepEqual([repriced.reportRows, repriced.rowCount], [null, 3]);
  });

  it('names the command line cache by a stable hash of the home, without node:crypto', () => {
    assert.equal(fnv1a64(''), 'cbf29ce484222325');
    assert.equal(fnv1a64('a'), 'af63dc4c8601ec8c');
    assert.equal(fnv1a64('foobar'), '85944171f73967e8');
    // Against 64-bit arithmetic, on text of every kind.
    const big = (text: string): string => {
      let h = 0xcbf29ce484222325n;
      for (const b of Buffer.from(text, 'utf8')) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
      return h.toString(16).padStart(16, '0');
    };
    for (const text of ['/home/dev/.codex', 'C:\\Users\\dév\\.codex', '✓'.repeat(300), JSON.stringify({ a: [1, 2.5, null] })]) assert.equal(fnv1a64(text), big(text), text);
    assert.equal(defaultCacheFile('/h', { XDG_CACHE_HOME: '/c' }), path.join('/c', 'codex-sessions', `index-${fnv1a64(path.resolve('/h'))}.bin`));
  });

  it('writes the encoded bytes exactly, with blocking calls or not, in pieces (writev) rather than one copied buffer', async () => {
    const { sessions, listing } = sample();
    const expected = encodeSessionCache(home, sessions, listing, 'UTC');
    await saveSessionCache(file, home, sessions, listing, 'UTC');
    assert.ok(readFileSync(file).equals(expected), 'async');
    const other = path.join(dir, 'deeper', 'cache', 'index.bin');
    await saveSessionCache(other, home, sessions, listing, 'UTC', { sync: true });
    assert.ok(readFileSync(other).equals(expected), 'sync, its folders made');
    assert.deepEqual(readdirSync(path.dirname(other)), ['index.bin'], 'no temporary file left');
    // The report rows given as bytes (what the command line printed) are kept as they are.
    const rows = Buffer.from('[{"x":1},{"y":"é"}]');
    const given = encodeSessionCache(home, sessions, listing, 'UTC', { bySessionRows: [], bySessionRowsJson: rows });
    assert.equal(given.subarray(given.length - (rows.length - 2)).toString('utf8'), '{"x":1},{"y":"é"}');
    // A write that fails (here its rename: a folder holds the cache's name) leaves no temporary file behind.
    const blocked = path.join(dir, 'blocked', 'index.bin');
    mkdirSync(path.join(blocked, 'inside'), { recursive: true });
    for (const sync of [true, false]) {
      await assert.rejects(saveSessionCache(blocked, home, sessions, listing, 'UTC', { sync }));
      assert.deepEqual(readdirSync(path.dirname(blocked)), ['index.bin'], `no temporary file (sync: ${sync})`);
    }
  });

  it('continues a write that took only part of the pieces where it stopped', () => {
    const parts = [Buffer.from('abc'), Buffer.from(''), Buffer.from('defg'), Buffer.from('h')];
    const text = (ps: Uint8Array[]): string[] => ps.map((p) => Buffer.from(p).toString());
    assert.deepEqual(text(unwritten(parts, 0 + 3)), ['defg', 'h']);
    assert.deepEqual(text(unwritten(parts, 5)), ['fg', 'h']);
    assert.deepEqual(text(unwritten(parts, 8)), []);
    assert.deepEqual(text(unwritten(parts, 1)), ['bc', 'defg', 'h']);
    assert.throws(() => unwritten(parts, 0), /took no more bytes/);
    assert.deepEqual(unwritten([Buffer.from('')], 0), [], 'nothing to write is done');
  });

  it('removes the JSON caches of earlier builds from its folder when it writes', async () => {
    const folder = path.dirname(file);
    await saveSessionCache(file, home, [], [], 'UTC');
    for (const name of ['index-0123456789abcdef.json', 'session-index.json', 'notes.json']) writeFileSync(path.join(folder, name), '{}');
    await saveSessionCache(file, home, [], [], 'UTC');
    assert.deepEqual(readdirSync(folder).sort(), ['index.bin', 'notes.json']);
  });
});
