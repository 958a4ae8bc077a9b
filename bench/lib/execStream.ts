import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Where the captured CLI output lives (override with `CODEX_CORPUS`). */
export const CORPUS_DIR = process.env.CODEX_CORPUS ?? '/work/shared/corpus';

type Family = 'thread' | 'experimental' | 'legacy';
type Json = Record<string, unknown>;

interface Template {
  file: string;
  family: Family;
  weight: number;
  objects: Json[];
}

/** What {@link generateExecStream} wrote. */
export interface GeneratedStream {
  path: string;
  bytes: number;
  lines: number;
  sessions: number;
  /** Sessions per generation of the output format. */
  sessionsByFamily: Record<Family, number>;
  /** Command outputs that were replaced by a larger synthetic one, and their total characters. */
  inflatedOutputs: number;
  inflatedChars: number;
  templates: string[];
}

/** A small deterministic PRNG (mulberry32), so every run benchmarks the same bytes. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function familyOf(first: Json): Family | null {
  if (first.type === 'thread.started') return 'thread';
  if (first.type === 'session.created') return 'experimental';
  if (!('type' in first)) return 'legacy'; // config summary, prompt or {"id","msg"}
  return null;
}

/** Loads every `codex-*\/exec*.jsonl` of the corpus as a session template. Main runs weigh most, failures least. */
export function loadTemplates(dir = CORPUS_DIR): Template[] {
  const out: Template[] = [];
  for (const version of readdirSync(dir).filter((d) => d.startsWith('codex-')).sort()) {
    for (const file of readdirSync(join(dir, version)).filter((f) => /^exec.*\.jsonl$/.test(f)).sort()) {
      const text = readFileSync(join(dir, version, file), 'utf8');
      const objects = text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Json);
      const family = objects[0] ? familyOf(objects[0]) : null;
      if (!family) continue;
      const main = file === 'exec.jsonl';
      const weight = family === 'thread' ? (main ? 10 : file === 'exec-resume.jsonl' ? 4 : 1) : main ? 1 : 0.5;
      out.push({ file: `${version}/${file}`, family, weight, objects });
    }
  }
  if (!out.some((t) => t.family === 'thread')) throw new Error(`no thread-family exec output found under ${dir}`);
  return out;
}

const WORDS = ['core', 'node', 'vscode', 'webview', 'shared', 'thread', 'reducer', 'parser', 'panel', 'runner', 'history', 'usage'];
const COMMANDS = [
  "/bin/bash -lc 'npm test'",
  "/bin/bash -lc 'rg -n \"ThreadReducer\" src test'",
  "/bin/bash -lc 'ls -la src/core'",
  "/bin/bash -lc 'npx tsc --noEmit -p .'",
  "/bin/bash -lc 'cat src/core/threadReducer.ts'",
  "/bin/bash -lc 'git log --stat -n 200'",
];

/** Text that synthetic command outputs are cut from. */
export interface Pool {
  text: string;
  /** Offset of every line start in `text`. */
  starts: number[];
}

/**
 * Two ~1 MB pools of realistic command output: plain ASCII (listings, grep hits, compiler errors, stack traces, JSON,
 * git log) and "rich" test/build logs with ANSI colours and non-ASCII marks, which V8 keeps as two-byte strings.
 */
export function outputPools(rand: () => number): { ascii: Pool; rich: Pool } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const n = (max: number): number => Math.floor(rand() * max);
  const file = (): string => `src/${pick(WORDS)}/${pick(WORDS)}${pick(['', 'Family', 'Model', 'View'])}.ts`;
  const ascii: (() => string)[] = [
    () => `-rw-r--r--  1 dev dev ${String(n(90000)).padStart(6)} Nov 21 08:${String(n(60)).padStart(2, '0')} ${file()}`,
    () => `${file()}:${n(400)}:    const ${pick(WORDS)} = new ThreadReducer({ maxOutputChars: ${n(1e6)} });`,
    () => `${file()}(${n(300)},${n(40)}): error TS2322: Type 'string | undefined' is not assignable to type 'string'.`,
    () => `\tat ${pick(WORDS)}.${pick(WORDS)} (/home/dev/ws/app/node_modules/mocha/lib/runner.js:${n(999)}:19)`,
    () => `{"name":"${pick(WORDS)}","version":"0.${n(200)}.0","path":"C:\\\\Users\\\\dev\\\\${pick(WORDS)}"}`,
    () => `commit ${n(2 ** 52).toString(16).padStart(13, '0')}${n(2 ** 52).toString(16)} - ${pick(WORDS)}: fix ${pick(WORDS)} handling`,
  ];
  const rich: (() => string)[] = [
    ...ascii.slice(3),
    () => `  ${rand() < 0.9 ? '✓' : '✗'} ${pick(WORDS)} ${pick(['reduces', 'parses', 'renders', 'replays'])} item.completed over item.started (${n(40)} ms)`,
    () => `\u001b[32m✔\u001b[39m ${pick(WORDS)}: built in \u001b[1m${(rand() * 3).toFixed(2)}s\u001b[22m`,
    () => `    “${pick(WORDS)}” — expected ${n(100)} to equal ${n(100)}`,
  ];
  const pool = (kinds: (() => string)[]): Pool => {
    const lines: string[] = [];
    const starts: number[] = [];
    let len = 0;
    while (len < 1_000_000) {
      const line = `${pick(kinds)()}\n`;
      starts.push(len);
      lines.push(line);
      len += line.length;
    }
    return { text: lines.join(''), starts };
  };
  return { ascii: pool(ascii), rich: pool(rich) };
}

/** Share of large outputs drawn from the test/build-log pool (non-ASCII, ANSI) rather than the plain one. */
const RICH_SHARE = 0.3;

/** How big a command's output is: most stay as captured; some are KB-sized, a few hundreds of KB (build/test logs). */
function outputSize(rand: () => number): number {
  const r = rand();
  const logUniform = (lo: number, hi: number): number => Math.round(lo * (hi / lo) ** rand());
  if (r < 0.7) return 0;
  if (r < 0.93) return logUniform(1_000, 16_000);
  if (r < 0.99) return logUniform(16_000, 128_000);
  return logUniform(128_000, 512_000);
}

/**
 * Writes an exec-JSON stream of at least `targetBytes` to `path`, made of corpus sessions (mostly the thread family,
 * some experimental v1 and legacy EventMsg ones) with fresh thread ids, item ids and call ids so that nothing
 * collides, and with ~30% of the thread/experimental command outputs replaced by larger realistic ones (1 KB to
 * 512 KB, see `outputSize`). Legacy sessions drop their config-summary line (only ever line 1 of a real stream).
 * The same seed gives the same bytes.
 */
export function generateExecStream(path: string, targetBytes: number, seed = 1, templates = loadTemplates()): GeneratedStream {
  const rand = prng(seed);
  const pools = outputPools(rand);
  const totalWeight = templates.reduce((s, t) => s + t.weight, 0);
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  const res: GeneratedStream = {
    path, bytes: 0, lines: 0, sessions: 0, sessionsByFamily: { thread: 0, experimental: 0, legacy: 0 },
    inflatedOutputs: 0, inflatedChars: 0, templates: templates.map((t) => t.file),
  };
  let nextItem = 0;
  let nextCall = 0;
  const fd = openSync(path, 'w');
  let buf: string[] = [];
  let bufChars = 0;
  const flush = (): void => {
    if (buf.length) writeSync(fd, buf.join(''));
    buf = [];
    bufChars = 0;
  };
  const bigOutput = (size: number): string => {
    const pool = rand() < RICH_SHARE ? pools.rich : pools.ascii;
    const from = pool.starts[Math.floor(rand() * pool.starts.length)] ?? 0;
    const end = pool.text.indexOf('\n', Math.min(pool.text.length - 1, from + size));
    const text = pool.text.slice(from, end === -1 ? undefined : end + 1);
    res.inflatedOutputs++;
    res.inflatedChars += text.length;
    return text;
  };
  try {
    while (res.bytes < targetBytes) {
      let r = rand() * totalWeight;
      const t = templates.find((x) => (r -= x.weight) < 0) ?? (templates[0] as Template);
      const ids = new Map<string, string>();
      const sizes = new Map<string, number>();
      const threadId = `${hex(8)}-${hex(4)}-7${hex(3)}-8${hex(3)}-${hex(12)}`;
      res.sessions++;
      res.sessionsByFamily[t.family]++;
      for (const [i, src] of t.objects.entries()) {
        if (t.family === 'legacy' && i === 0 && !('msg' in src) && !('prompt' in src)) continue; // config summary: line 1 only
        const o = structuredClone(src);
        if ('thread_id' in o) o.thread_id = threadId;
        if ('session_id' in o) o.session_id = threadId;
        const item = o.item as Json | undefined;
        if (item && typeof item.id === 'string') {
          const old = item.id;
          if (!ids.has(old)) {
            ids.set(old, `item_${nextItem++}`);
            if ((item.type ?? item.item_type) === 'command_execution') sizes.set(old, outputSize(rand));
          }
          item.id = ids.get(old);
          const size = sizes.get(old) ?? 0;
          if (size > 0) {
            item.command = COMMANDS[size % COMMANDS.length];
            if (item.status !== 'in_progress') item.aggregated_output = bigOutput(size);
          }
        }
        const msg = o.msg as Json | undefined;
        if (msg && typeof msg.call_id === 'string') {
          if (!ids.has(msg.call_id)) ids.set(msg.call_id, `call_${nextCall++}`);
          msg.call_id = ids.get(msg.call_id);
        }
        const line = `${JSON.stringify(o)}\n`;
        buf.push(line);
        bufChars += line.length;
        res.bytes += Buffer.byteLength(line);
        res.lines++;
        if (bufChars > 4_000_000) flush();
      }
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return res;
}
