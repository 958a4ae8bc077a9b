// The session index under file system faults: whatever goes wrong with some files, every other session is listed
// and what was left out is reported with its reason (the history tree shows it as "skipped N files").
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SessionIndex } from '../../../src/node/sessionIndex';
import { describeSkipped, type SessionFile, type SkippedEntry } from '../../../src/node/sessionFiles';
import { makeCorpusCodexHome, removeHome } from '../../helpers/codexHome';
import { corpusAvailable } from '../../helpers/corpus';

/** Sessions of the corpus home that have a title (all of them with a complete head). */
const CORPUS_SESSIONS = 28;
const ID = (n: number): string => `cccccccc-0000-0000-0000-${String(n).padStart(12, '0')}`;
const NAME = (n: number): string => `rollout-2026-12-03T10-00-${String(n).padStart(2, '0')}-${ID(n)}.jsonl`;

function rollout(n: number, prompt: string): string {
  return `${[
    JSON.stringify({ timestamp: '2026-12-03T10:00:00Z', type: 'session_meta', payload: { id: ID(n), cwd: '/ws', cli_version: '0.169.0', source: 'exec', originator: 'codex_exec' } }),
    JSON.stringify({ timestamp: '2026-12-03T10:00:00Z', type: 'turn_context', payload: { model: 'gpt-5', cwd: '/ws' } }),
    JSON.stringify({ timestamp: '2026-12-03T10:00:01Z', type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: prompt }] } }),
  ].join('\n')}\n`;
}

const isRoot = process.getuid?.() === 0;

(corpusAvailable() ? describe : describe.skip)('session index under file system faults', function () {
  this.timeout(30_000);
  let home: string;
  let day: string;
  beforeEach(() => {
    home = makeCorpusCodexHome();
    day = path.join(home, 'sessions', '2026', '12', '03');
    mkdirSync(day, { recursive: true });
  });
  afterEach(() => {
    // chmod 000 folders must be opened again before they can be removed by a non-root user.
    try {
      execFileSync('chmod', ['-R', 'u+rwx', home]);
    } catch {
      /* already removable */
    }
    removeHome(home);
  });

  async function index(io: 'async' | 'sync' = 'async'): Promise<SessionIndex> {
    const ix = new SessionIndex({ codexHome: home, cacheFile: null, io });
    await ix.refresh();
    return ix;
  }

  const reasons = (s: SkippedEntry[]): [string, string][] => s.map((e) => [path.relative(home, e.path), e.reason]);

  it('a missing sessions folder is an empty history, not a fault; a file in its place is reported', async () => {
    removeHome(home);
    mkdirSync(home);
    const empty = await index();
    assert.deepEqual([empty.sessions(), empty.skipped()], [[], []]);
    writeFileSync(path.join(home, 'sessions'), 'not a folder');
    for (const io of ['async', 'sync'] as const) {
      const ix = await index(io);
      assert.equal(ix.sessions().length, 0);
      assert.deepEqual(ix.skipped().map((e) => path.relative(home, e.path)), ['sessions']);
      assert.match(ix.skipped()[0]!.reason, /^folder not listed: ENOTDIR/);
    }
  });

  it('unreadable files and folders (chmod 000, as a non-root user)', async function () {
    // root reads through any permission, so there is nothing to test; the cases below use other unreadable entries.
    if (isRoot) this.skip();
    writeFileSync(path.join(day, NAME(1)), rollout(1, 'locked file'));
    chmodSync(path.join(day, NAME(1)), 0o000);
    const lockedDir = path.join(home, 'sessions', '2026', '12', '04');
    mkdirSync(lockedDir);
    writeFileSync(path.join(lockedDir, NAME(2)), rollout(2, 'in a locked folder'));
    chmodSync(lockedDir, 0o000);
    const ix = await index();
    assert.equal(ix.sessions().length, CORPUS_SESSIONS);
    assert.deepEqual(reasons(ix.skipped()), [
      [path.join('sessions', '2026', '12', '03', NAME(1)), 'permission denied'],
      [path.join('sessions', '2026', '12', '04'), 'folder not listed: permission denied'],
    ]);
  });

  it('entries named like rollouts that cannot be read: a folder, a FIFO, a link to a FIFO, a dangling link', async () => {
    mkdirSync(path.join(day, NAME(1)));
    writeFileSync(path.join(day, NAME(1), NAME(9)), rollout(9, 'inside a folder named like a rollout'));
    execFileSync('mkfifo', [path.join(day, NAME(2))]);
    execFileSync('mkfifo', [path.join(home, 'fifo')]);
    // Opening a FIFO waits for a writer forever: before the fix, this link hung the whole refresh.
    symlinkSync(path.join(home, 'fifo'), path.join(day, NAME(3)));
    symlinkSync(path.join(home, 'nowhere'), path.join(day, NAME(4)));
    symlinkSync(day, path.join(day, NAME(5)));
    writeFileSync(path.join(day, NAME(6)), rollout(6, 'a good one among them'));
    for (const io of ['async', 'sync'] as const) {
      const ix = await index(io);
      assert.equal(ix.sessions().length, CORPUS_SESSIONS + 1, io);
      assert.ok(ix.sessions().some((s) => s.title === 'a good one among them'));
      const d = path.join('sessions', '2026', '12', '03');
      assert.deepEqual(reasons(ix.skipped()), [
        [path.join(d, NAME(1)), 'a folder where a file was expected'],
        [path.join(d, NAME(2)), 'not a regular file'],
        [path.join(d, NAME(3)), 'not a regular file'],
        [path.join(d, NAME(4)), 'a symbolic link to nothing'],
        [path.join(d, NAME(5)), 'a folder where a file was expected'],
      ], io);
    }
  });

  it('symbolic link loops: between two rollout names, and a folder linking to its parent', async () => {
    symlinkSync(path.join(day, NAME(2)), path.join(day, NAME(1)));
    symlinkSync(path.join(day, NAME(1)), path.join(day, NAME(2)));
    symlinkSync('..', path.join(day, 'up'));
    symlinkSync('.', path.join(day, 'self'));
    const ix = await index();
    assert.equal(ix.sessions().length, CORPUS_SESSIONS);
    assert.deepEqual(ix.skipped().map((e) => [path.basename(e.path), e.reason]), [
      [NAME(1), 'a symbolic link loop'],
      [NAME(2), 'a symbolic link loop'],
    ]);
  });

  it('names that are not UTF-8: a folder of rollouts and a rollout file', async () => {
    // Built from bytes: a path string cannot name them (the invalid byte would be read back as U+FFFD).
    const badDir = Buffer.concat([Buffer.from(`${day}${path.sep}`), Buffer.from([0x66, 0xff, 0x66])]);
    mkdirSync(badDir);
    writeFileSync(Buffer.concat([badDir, Buffer.from(`${path.sep}${NAME(1)}`)]), rollout(1, 'under a bad folder name'));
    const badFile = Buffer.concat([Buffer.from(`${day}${path.sep}rollout-2026-12-03T10-00-02-`), Buffer.from([0xc3, 0x28]), Buffer.from('.jsonl')]);
    writeFileSync(badFile, rollout(2, 'a bad file name'));
    writeFileSync(Buffer.concat([Buffer.from(`${day}${path.sep}notes-`), Buffer.from([0xfe])]), 'a foreign file, not a rollout: ignored');
    writeFileSync(path.join(day, `${NAME(3).slice(0, -6)}\uFFFD.jsonl`), rollout(3, 'a real U+FFFD in a valid name'));
    for (const io of ['async', 'sync'] as const) {
      const ix = await index(io);
      assert.equal(ix.sessions().length, CORPUS_SESSIONS + 1, io);
      assert.ok(ix.sessions().some((s) => s.title === 'a real U+FFFD in a valid name'));
      assert.deepEqual(ix.skipped().map((e) => [path.basename(e.path), e.reason]), [
        ['f\uFFFDf', 'its name is not valid UTF-8'],
        ['rollout-2026-12-03T10-00-02-\uFFFD(.jsonl', 'its name is not valid UTF-8'],
      ], io);
    }
  });

  it('a file deleted between listing and reading', async () => {
    writeFileSync(path.join(day, NAME(1)), rollout(1, 'soon gone'));
    writeFileSync(path.join(day, NAME(2)), rollout(2, 'stays'));
    let deleteOnce = true;
    class DeletingIndex extends SessionIndex {
      override async scan(skipped?: SkippedEntry[]): Promise<SessionFile[]> {
        const files = await super.scan(skipped);
        if (skipped && deleteOnce) unlinkSync(path.join(day, NAME(1))); // listed, then gone before its stat and read
        deleteOnce = false;
        return files;
      }
    }
    const ix = new DeletingIndex({ codexHome: home, cacheFile: null });
    await ix.refresh();
    assert.equal(ix.sessions().length, CORPUS_SESSIONS + 1);
    assert.deepEqual(reasons(ix.skipped()), [[path.join('sessions', '2026', '12', '03', NAME(1)), 'deleted while the history was read']]);
    // A watcher reporting the deletion makes it simply gone, and the next refresh no longer mentions it.
    assert.deepEqual((await ix.update([path.join(day, NAME(1))])).removed, []);
    assert.deepEqual(ix.skipped(), []);
    writeFileSync(path.join(day, NAME(1)), rollout(1, 'back'));
    await ix.refresh();
    assert.deepEqual(ix.skipped(), []);
    assert.equal(ix.sessions().length, CORPUS_SESSIONS + 2);
  });

  it('files deleted and created at random while refreshes run: never throws, ends consistent', async () => {
    const n = 60;
    for (let i = 0; i < n; i++) writeFileSync(path.join(day, NAME(i)), rollout(i, `p${i}`));
    const ix = new SessionIndex({ codexHome: home, cacheFile: null, concurrency: 4 });
    let seed = 7;
    const rnd = (k: number): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % k;
    let stop = false;
    const churn = (async () => {
      while (!stop) {
        const i = rnd(n);
        try {
          if (rnd(2)) unlinkSync(path.join(day, NAME(i)));
          else writeFileSync(path.join(day, NAME(i)), rollout(i, `p${i}`));
        } catch {
          /* already gone */
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let k = 0; k < 10; k++) await ix.refresh();
    stop = true;
    await churn;
    await ix.refresh();
    const present = new Set(listSessionFilesSync(day));
    const mine = ix.sessions().filter((s) => path.dirname(s.path) === day);
    assert.deepEqual(new Set(mine.map((s) => path.basename(s.path))), present);
    for (const s of mine) assert.equal(s.title, `p${Number(s.id.slice(-12))}`);
    assert.deepEqual(ix.skipped(), []);
  });

  it('a file growing while it is indexed: read once, then its growth is picked up', async () => {
    const file = path.join(day, NAME(1));
    writeFileSync(file, rollout(1, 'growing'));
    const line = `${JSON.stringify({ timestamp: '2026-12-03T10:00:02Z', type: 'event_msg', payload: { type: 'agent_message', message: 'x'.repeat(4000) } })}\n`;
    let stop = false;
    let appended = 0;
    const grow = (async () => {
      while (!stop) {
        appendFileSync(file, line);
        appended++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const ix = new SessionIndex({ codexHome: home, cacheFile: null, concurrency: 2 });
    for (let k = 0; k < 5; k++) await ix.refresh({ usage: k % 2 === 1 });
    stop = true;
    await grow;
    assert.ok(appended > 5, `${appended} appends`);
    const s = ix.get(file)!;
    assert.deepEqual([s.title, s.model, s.complete], ['growing', 'gpt-5', true]);
    assert.ok(s.size <= readFileSync(file).length);
    const changes = await ix.refresh();
    assert.equal(ix.get(file)!.size, readFileSync(file).length);
    assert.equal(changes.changed.length + changes.added.length <= 1, true);
    assert.deepEqual(ix.skipped(), []);
    rmSync(file);
  });

  it('the tree\'s "skipped" row: a count and a tooltip with every path and reason (the first 20)', async () => {
    execFileSync('mkfifo', [path.join(day, NAME(1))]);
    symlinkSync(path.join(home, 'nowhere'), path.join(day, NAME(2)));
    const ix = await index();
    const one = describeSkipped(ix.skipped().slice(0, 1));
    assert.equal(one.label, 'Skipped 1 file that could not be read');
    const { label, tooltip } = describeSkipped(ix.skipped());
    assert.equal(label, 'Skipped 2 files that could not be read');
    assert.ok(tooltip.includes(`${path.join(day, NAME(1))}: not a regular file`), tooltip);
    assert.ok(tooltip.includes(`${path.join(day, NAME(2))}: a symbolic link to nothing`), tooltip);
    const many = describeSkipped(Array.from({ length: 25 }, (_, i) => ({ path: `/p${i}`, reason: 'r' })));
    assert.equal(many.tooltip.split('\n').filter((l) => l.startsWith('/p')).length, 20);
    assert.match(many.tooltip, /… and 5 more$/);
  });
});

function listSessionFilesSync(dir: string): string[] {
  return execFileSync('ls', [dir], { encoding: 'utf8' }).split('\n').filter((n) => n.startsWith('rollout-'));
}
