// Every corpus exec stream and rollout cut at every line boundary and at 50 random byte offsets (read in random
// chunks, rollouts from disk through the real reader): it opens, every item completed before the cut is there as it
// is in the whole file, and the cut is marked — an open turn ends `incomplete` ("Interrupted" in the panel) and a
// line cut in the middle is reported as cut short. (rolloutTruncation.spec.ts covers rollout line cuts for
// diagnostics, item counts and usage; this adds exec streams, byte offsets, item contents and the markers.)
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CUT_SHORT, ExecPipeline } from '../../../src/core/execPipeline';
import { RolloutReplay } from '../../../src/core/rolloutReplay';
import { RolloutUsageScanner } from '../../../src/core/rolloutUsage';
import { ThreadReducer } from '../../../src/core/threadReducer';
import { readRolloutHead, replayRollout } from '../../../src/node/rolloutReader';
import type { ThreadEvent, ThreadItem, ThreadState } from '../../../src/shared/threadModel';
import { corpusRollouts } from '../../helpers/codexHome';
import { CORPUS_DIR, corpusAvailable, corpusVersions } from '../../helpers/corpus';

const RANDOM_CUTS = Number(process.env.CUT_SHORT_OFFSETS ?? 50);

interface Source {
  name: string;
  kind: 'exec' | 'rollout';
  bytes: Buffer;
}

function sources(): Source[] {
  const out: Source[] = [];
  for (const v of corpusVersions()) {
    const dir = path.join(CORPUS_DIR, `codex-${v}`);
    for (const f of readdirSync(dir).filter((n) => /^(exec|proto)[\w-]*\.(jsonl|txt)$/.test(n) && !n.includes('stdin'))) {
      out.push({ name: `${v} ${f}`, kind: 'exec', bytes: readFileSync(path.join(dir, f)) });
    }
  }
  for (const r of corpusRollouts()) out.push({ name: `${r.version} ${r.run}/${path.basename(r.file)}`, kind: 'rollout', bytes: readFileSync(r.file) });
  return out;
}

/** A pipeline of either kind behind one face. */
function pipeline(kind: Source['kind'], onEvent?: (e: ThreadEvent) => void): { write(b: Uint8Array): void; end(): ThreadState; family(): string } {
  if (kind === 'exec') {
    const p = new ExecPipeline({ onEvent });
    return { write: (b) => p.write(b), end: () => p.end(), family: () => p.parser.family };
  }
  const r = new RolloutReplay(new ThreadReducer(), { onEvent });
  return { write: (b) => r.write(b), end: () => r.end(), family: () => r.parser.family };
}

/** What the whole input says, line by line. */
interface Reference {
  whole: ThreadState;
  family: string;
  /** Lines (complete, with their break) of the input. */
  lines: number;
  /** Byte offset just after each line break: `ends[k - 1]` is the length of the first k lines. */
  ends: number[];
  /** Ids completed within the first k lines, for each k. */
  completedBy: Set<string>[];
  /** The last line (1-based; lines + 1 for `end()`) whose events touched each id. */
  lastTouch: Map<string, number>;
  /** Whether a turn is open after the first k lines. */
  open: boolean[];
}

function reference(src: Source): Reference {
  let line = 0;
  const completed = new Set<string>();
  const lastTouch = new Map<string, number>();
  const p = pipeline(src.kind, (e) => {
    if (e.type === 'item.started' || e.type === 'item.updated' || e.type === 'item.completed') {
      lastTouch.set(e.item.id, line);
      if (e.type === 'item.completed') completed.add(e.item.id);
    } else if (e.type === 'item.output_delta') lastTouch.set(e.item_id, line);
  });
  const ends: number[] = [];
  for (let at = src.bytes.indexOf(10); at !== -1; at = src.bytes.indexOf(10, at + 1)) ends.push(at + 1);
  const completedBy: Set<string>[] = [new Set()];
  let start = 0;
  for (const end of ends) {
    line++;
    p.write(src.bytes.subarray(start, end));
    start = end;
    completedBy.push(new Set(completed));
  }
  line = ends.length + 1;
  const whole = p.end();
  const family = p.family();
  // Whether a turn is open after k lines: a second pass reading the reducer between lines (before any end()).
  const open: boolean[] = [false];
  const r = new ThreadReducer();
  const q = src.kind === 'exec' ? new ExecPipeline({}, r) : new RolloutReplay(r);
  start = 0;
  for (const end of ends) {
    q.write(src.bytes.subarray(start, end));
    start = end;
    open.push(r.state.turns.at(-1)?.status === 'running');
  }
  return { whole, family, lines: ends.length, ends, completedBy, lastTouch, open };
}

function byId(s: ThreadState): Map<string, ThreadItem> {
  return new Map(s.items.map((i) => [i.id, i]));
}

/** Seeded random numbers (printed on failure). */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** Feeds bytes in random chunk sizes (1 byte to 4 KiB), so cuts of lines and characters between chunks are exercised. */
function feed(p: { write(b: Uint8Array): void }, bytes: Buffer, rnd: (n: number) => number): void {
  for (let at = 0; at < bytes.length; ) {
    const n = 1 + rnd(rnd(4) === 0 ? 16 : 4096);
    p.write(bytes.subarray(at, at + n));
    at += n;
  }
}

function checkItems(ref: Reference, k: number, s: ThreadState, where: string): void {
  const got = byId(s);
  const whole = byId(ref.whole);
  for (const id of ref.completedBy[k]!) {
    const item = got.get(id);
    assert.ok(item, `${where}: item ${id}, completed on a line before the cut, is missing`);
    if ((ref.lastTouch.get(id) ?? 0) <= k) assert.deepEqual(item, whole.get(id), `${where}: item ${id} differs from the whole file's`);
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

(corpusAvailable() ? describe : describe.skip)('every corpus stream and rollout cut short', function () {
  this.timeout(120_000);
  const seed = Number(process.env.CUT_SHORT_SEED ?? Date.now() % 1_000_000);
  let tmp: string;
  before(() => (tmp = mkdtempSync(path.join(os.tmpdir(), 'cut-short-'))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const all = corpusAvailable() ? sources() : [];
  it('covers every exec stream and rollout of the corpus', () => {
    assert.ok(all.filter((s) => s.kind === 'exec').length >= 25);
    assert.ok(all.filter((s) => s.kind === 'rollout').length >= 25);
  });

  for (const src of all) {
    it(`${src.kind} ${src.name}`, async () => {
      const ref = reference(src);
      // Formats with turn-end markers can tell a cut at a line boundary inside a turn from a finished file; the
      // oldest formats (and rollouts before task_complete was recorded) cannot: a prefix there is a valid file of a
      // session still running, which is what the reader shows.
      const hasMarkers = src.kind === 'exec' ? ref.family === 'thread' || ref.family === 'proto' : /"type":"task_complete"/.test(src.bytes.toString('utf8'));
      let marked = 0;
      for (let k = 0; k < ref.lines; k++) {
        const p = pipeline(src.kind);
        p.write(src.bytes.subarray(0, k ? ref.ends[k - 1] : 0));
        const s = p.end();
        const where = `${src.name} cut after line ${k}`;
        assert.equal(s.skipped_lines, 0, where);
        checkItems(ref, k, s, where);
        if (hasMarkers && ref.open[k]) {
          assert.equal(s.status, 'incomplete', `${where}: an open turn must end incomplete`);
          assert.equal(s.turns.at(-1)?.status, 'incomplete', where);
          marked++;
        } else if (hasMarkers && k > 0) {
          assert.notEqual(s.status, 'running', where);
        }
      }
      if (hasMarkers) assert.ok(marked > 0, 'some cut fell inside a turn');

      const rnd = rng(seed + src.bytes.length);
      for (let c = 0; c < RANDOM_CUTS; c++) {
        const at = 1 + rnd(src.bytes.length - 1);
        const cut = src.bytes.subarray(0, at);
        const k = ref.ends.filter((e) => e <= at).length;
        const where = `${src.name} cut at byte ${at} (line ${k + 1}, seed ${seed})`;
        let s: ThreadState;
        if (src.kind === 'rollout') {
          const file = path.join(tmp, `rollout-2026-11-21T08-00-00-${c}.jsonl`);
          writeFileSync(file, cut);
          s = (await replayRollout(file, new ThreadReducer())).state;
          await readRolloutHead(file); // the index's read of the same file opens it too
          // The index counts a file's usage with a byte-level scanner: it must count what the replay shows.
          const scanner = new RolloutUsageScanner();
          scanner.write(cut);
          assert.deepEqual(scanner.end().total, s.usage, `${where}: the index's usage differs from the replay's`);
        } else {
          const p = pipeline(src.kind);
          feed(p, cut, rnd);
          s = p.end();
        }
        checkItems(ref, k, s, where);
        const partial = cut.subarray(k ? ref.ends[k - 1] : 0).toString('utf8').replace(/\r$/, '').trim();
        // A human transcript's cut line is often still text it can read; when it cannot, it is marked too.
        const human = ref.family === 'human';
        const cutInside = partial !== '' && (human ? s.skipped_lines > 0 : !isJson(partial));
        assert.ok(s.skipped_lines <= (cutInside ? 1 : 0), `${where}: ${JSON.stringify(s.diagnostics)}`);
        if (cutInside) {
          const d = s.diagnostics.at(-1)!;
          assert.equal(d.line, k + 1, where);
          assert.ok(d.reason.startsWith(CUT_SHORT), `${where}: ${d.reason}`);
          if (ref.open[k] || !hasMarkers) assert.equal(s.status, 'incomplete', `${where}: a stream cut inside a line is never inferred complete`);
        } else if (hasMarkers && ref.open[k] && partial === '') {
          assert.equal(s.status, 'incomplete', where);
        }
      }
    });
  }
});
