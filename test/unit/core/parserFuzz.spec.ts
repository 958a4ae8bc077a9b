// Property-based fuzzing of the two data paths, bytes → lines → parser → reducer: `codex exec` output (every family)
// and rollout replay (and the index's byte-level usage scanner of rollouts). Over 100,000 generated lines and streams per run: no exception escapes, no case takes long,
// the heap does not grow, and valid items interleaved with garbage all come out exactly as without it.
// FUZZ_SEED reproduces a run (the seed is printed on failure); FUZZ_SCALE multiplies the number of cases.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { TOO_DEEP } from '../../../src/core/depthLimit';
import { ExecPipeline } from '../../../src/core/execPipeline';
import { ExecStreamParser } from '../../../src/core/execParser';
import { RolloutParser } from '../../../src/core/rolloutParser';
import { RolloutReplay } from '../../../src/core/rolloutReplay';
import { RolloutUsageScanner } from '../../../src/core/rolloutUsage';
import { ThreadReducer } from '../../../src/core/threadReducer';
import type { McpToolCallItem, ThreadState } from '../../../src/shared/threadModel';
import { corpusRollouts } from '../../helpers/codexHome';
import { corpusAvailable, corpusFile } from '../../helpers/corpus';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
/** Most CPU time a single case may take (a hang, or work worse than linear, shows here). */
const CASE_MS = 5000;
/** Heap growth allowed over the whole suite, after garbage collection. */
const HEAP_BOUND_MB = 64;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

/** Totals reported at the end. */
const stats = { lines: 0, streams: 0, bytes: 0, ms: 0, slowestMs: 0 };

/**
 * Runs one case, bounding its CPU time (not wall time: the machine is shared, and a busy neighbour must not fail a
 * case; a hang or super-linear work shows in CPU time all the same).
 */
function timed<T>(fn: () => T): T {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = fn();
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  stats.ms += performance.now() - t0;
  stats.slowestMs = Math.max(stats.slowestMs, cpuMs);
  assert.ok(cpuMs < CASE_MS, `a case took ${cpuMs.toFixed(0)} ms of CPU`);
  return r;
}

/** `fc.assert` with this suite's seed and scale, and a failure message short enough to read (inputs can be MBs). */
function check<T>(property: fc.IProperty<T>, runs: number): void {
  try {
    fc.assert(property, { seed: SEED, numRuns: Math.max(1, Math.round(runs * SCALE)), endOnFailure: true });
  } catch (e) {
    const m = (e as Error).message;
    const cause = (e as Error & { cause?: Error }).cause?.message ?? '';
    throw new Error(`${m.length > 3000 ? `${m.slice(0, 1500)} … ${m.slice(-1500)}` : m}\ncaused by: ${cause.slice(0, 2000)}\n(FUZZ_SEED=${SEED} reproduces it)`);
  }
}

type Kind = 'exec' | 'rollout';

/** The usage scanner (the index's byte-level reader of whole rollouts) over the same chunks: its total. */
function usageOf(chunks: Uint8Array[]): unknown {
  const scanner = new RolloutUsageScanner();
  for (const c of chunks) scanner.write(c);
  return scanner.end().total;
}

function run(kind: Kind, chunks: Uint8Array[]): ThreadState {
  if (kind === 'exec') {
    const p = new ExecPipeline();
    for (const c of chunks) p.write(c);
    return p.end();
  }
  const r = new RolloutReplay(new ThreadReducer());
  for (const c of chunks) r.write(c);
  return r.end();
}

/** Cuts bytes at the given fractions (any byte, so inside characters and between `\r` and `\n` too). */
function cut(bytes: Uint8Array, fractions: number[]): Uint8Array[] {
  const at = [...new Set(fractions.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const a of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, a));
    prev = a;
  }
  return out;
}

/** The parsers' last-resort catch turns an exception into a diagnostic: none may have been needed. */
/** A state the host can show and post: a final status, serializable, and no exception caught by the last resort. */
function assertSound(s: ThreadState): void {
  assert.ok(['completed', 'failed', 'incomplete'].includes(s.status));
  JSON.stringify(s);
  structuredClone(s);
  noInternalErrors(s);
}

function noInternalErrors(s: ThreadState): void {
  const caught = s.diagnostics.filter((d) => d.reason.startsWith('could not be read'));
  assert.deepEqual(caught.map((d) => `${d.reason} in ${d.raw}`), []);
}

const enc = new TextEncoder();
const dec = new TextDecoder();

// ---- generators -------------------------------------------------------------------------------------------------

/** Keys the parsers look at, so random objects hit real code paths. */
const KEYS = [
  'id', 'type', 'item_type', 'text', 'message', 'command', 'aggregated_output', 'exit_code', 'status', 'changes', 'items', 'server', 'tool',
  'arguments', 'result', 'error', 'query', 'call_id', 'name', 'input', 'output', 'content', 'summary', 'role', 'usage', 'info', 'plan',
  'explanation', 'cwd', 'model', 'stdout', 'stderr', 'chunk', 'delta', 'invocation', 'path', 'kind', 'unified_diff', 'success', 'reason',
  'thread_id', 'last_agent_message', 'total_token_usage', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'duration', 'turn_id', 'item',
];
const small = fc.jsonValue({ maxDepth: 3 });
const field = fc.oneof(small, fc.string(), fc.integer(), fc.constantFrom(null, true, '', 'completed', 'failed', 'in_progress', 'add', 'update'));
const obj = (fixed: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> =>
  fc.tuple(fc.dictionary(fc.constantFrom(...KEYS), field, { maxKeys: 6 }), fc.record(fixed)).map(([a, b]) => ({ ...a, ...b }));

const ITEM_TYPES = ['agent_message', 'assistant_message', 'reasoning', 'plan', 'command_execution', 'file_change', 'todo_list', 'mcp_tool_call', 'web_search', 'error', 'collab', 'user_message'];
const THREAD_TYPES = ['thread.started', 'turn.started', 'turn.completed', 'turn.failed', 'item.started', 'item.updated', 'item.completed', 'session.created', 'error', 'item.output_delta'];
const MSG_TYPES = [
  'agent_message', 'agent_reasoning', 'apply_patch_approval_request', 'background_event', 'error', 'exec_approval_request', 'exec_command_begin',
  'exec_command_end', 'exec_command_output_delta', 'mcp_tool_call_begin', 'mcp_tool_call_end', 'patch_apply_begin', 'patch_apply_end', 'plan_update',
  'session_configured', 'stream_error', 'task_complete', 'task_started', 'token_count', 'turn_aborted', 'user_message', 'warning',
  'web_search_begin', 'web_search_end', 'item_completed', 'turn_complete', 'turn_started', 'thread_settings_applied',
];
const RESPONSE_TYPES = ['message', 'reasoning', 'function_call', 'function_call_output', 'custom_tool_call', 'custom_tool_call_output', 'local_shell_call', 'local_shell_call_output', 'web_search_call', 'compaction'];
const TOOL_NAMES = ['shell', 'container.exec', 'shell_command', 'exec_command', 'write_stdin', 'apply_patch', 'update_plan', 'mcp__srv__tool', 'srv__tool', 'web_search', 'view_image'];
const id = fc.oneof(fc.constantFrom('item_0', 'item_1', 'c1', 'c2', 'call_1'), fc.string({ maxLength: 8 }), fc.nat(5));

const item = obj({ id, type: fc.constantFrom(...ITEM_TYPES) });
/** Objects shaped like `codex exec` events of every family, with random contents. */
const execEvent: fc.Arbitrary<unknown> = fc.oneof(
  obj({ type: fc.constantFrom(...THREAD_TYPES), item }),
  obj({ type: fc.constantFrom(...THREAD_TYPES) }),
  fc.record({ id: fc.constantFrom('0', '1'), msg: obj({ type: fc.constantFrom(...MSG_TYPES), call_id: fc.constantFrom('c1', 'c2') }) }),
  fc.record({ id: fc.constantFrom('0', '1'), msg: obj({ type: fc.constantFrom(...MSG_TYPES) }) }),
  obj({ prompt: fc.string() }),
  small,
);
const payload = fc.oneof(
  obj({ type: fc.constantFrom(...RESPONSE_TYPES), name: fc.constantFrom(...TOOL_NAMES), call_id: fc.constantFrom('c1', 'c2'), arguments: fc.oneof(fc.string(), small.map((v) => JSON.stringify(v))) }),
  obj({ type: fc.constantFrom(...RESPONSE_TYPES), call_id: fc.constantFrom('c1', 'c2') }),
  obj({ type: fc.constantFrom(...MSG_TYPES) }),
  obj({ type: fc.constantFrom(...MSG_TYPES), item: obj({ id, type: fc.constantFrom('UserMessage', 'AgentMessage', 'Reasoning', 'CommandExecution', 'FileChange', 'Plan') }) }),
  obj({ id: fc.uuid(), cwd: fc.string(), cli_version: fc.constantFrom('0.169.0', '0.45.0', 'x'), source: fc.constantFrom('exec', 'cli', 'vscode', { subagent: 'review' }) }),
  small,
);
/** Objects shaped like rollout records of every family, with random contents. */
const rolloutRecord: fc.Arbitrary<unknown> = fc.oneof(
  obj({ timestamp: fc.constantFrom('2026-11-21T08:00:00.000Z', 'x'), type: fc.constantFrom('response_item', 'event_msg', 'turn_context', 'session_meta', 'compacted', 'token_usage_record'), payload }),
  payload,
  obj({ id: fc.uuid(), timestamp: fc.constantFrom('2026-11-21T08:00:00.000Z') }),
  obj({ record_type: fc.constantFrom('state') }),
);

/** Random bytes without line breaks: invalid UTF-8, NUL and control bytes, stray braces and quotes. */
const junkBytes = fc.uint8Array({ maxLength: 300 }).map((b) => b.map((x) => (x === 10 || x === 13 ? 0 : x)));

/** A corpus line damaged so that it no longer parses as JSON (which the stream must skip and report). */
function damaged(line: string, at: number, what: number, len: number): string {
  const i = Math.floor(at * line.length);
  const pieces = ['\u0000', '\uFFFD', '"', '{', '}', ',', '\\', 'é😀', '\u2028', 'nul'];
  const out = line.slice(0, i) + pieces[what % pieces.length] + line.slice(Math.min(line.length, i + len));
  try {
    JSON.parse(out.trim()); // the parsers trim lines, and \u2028 is white space to trim()
    return `${out}}`; // still valid after the mutation: break it
  } catch {
    return out;
  }
}

/** A garbage line: never a usable record, so the valid items around it must come out exactly as without it. */
function garbage(base: string[]): fc.Arbitrary<Uint8Array> {
  const inertObject = fc.dictionary(fc.string({ maxLength: 6 }).filter((k) => !['type', 'msg', 'payload', 'prompt', 'id', 'record_type', 'timestamp', 'model', 'workdir', 'role', 'summary', 'content', 'call_id', 'name'].includes(k)), small, { minKeys: 1, maxKeys: 5 });
  return fc.oneof(
    fc.tuple(fc.nat(base.length - 1), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(), fc.nat(40)).map(([i, at, what, len]) => enc.encode(damaged(base[i]!, at, what, len))),
    fc.oneof(fc.array(small), fc.string(), fc.integer(), fc.constant(null)).map((v) => enc.encode(JSON.stringify(v))),
    inertObject.map((o) => enc.encode(JSON.stringify(o))),
    junkBytes.filter((b) => b.some((x) => x > 32)),
    fc.nat(20_000).map((n) => enc.encode('['.repeat(n + 1))),
    // Up to 1.2 MB: past 1 MiB a line goes through the streaming compactor.
    fc.constantFrom(1, 2, 4, 24).map((k) => enc.encode(`{"type":"item.completed","item":{"text":"${'x\\"\\n'.repeat(12_500 * k)}`)),
    fc.constantFrom('\u0000\u0000\u0000', 'Reading prompt from stdin...', '}{', '{"', '\uFEFF{}x').map((s) => enc.encode(s)),
  );
}

interface Base {
  name: string;
  kind: Kind;
  lines: string[];
  clean: ThreadState;
  /** For rollouts: the usage scanner's total of the clean file. */
  usage?: unknown;
}

function bases(): Base[] {
  const out: Base[] = [];
  const add = (name: string, kind: Kind, text: string): void => {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const bytes = enc.encode(`${lines.join('\n')}\n`);
    out.push({ name, kind, lines, clean: run(kind, [bytes]), ...(kind === 'rollout' ? { usage: usageOf([bytes]) } : {}) });
  };
  for (const [v, f] of [['0.169.0', 'exec.jsonl'], ['0.100.0', 'exec-resume.jsonl'], ['0.45.0', 'exec.jsonl'], ['0.42.0', 'exec.jsonl'], ['0.42.0', 'exec-legacy-json.jsonl'], ['0.20.0', 'exec.jsonl'], ['0.1.2505291658', 'proto.jsonl'], ['0.169.0', 'exec-error.jsonl']] as const) {
    add(`${v} ${f}`, 'exec', readFileSync(corpusFile(v, f), 'utf8'));
  }
  for (const r of corpusRollouts().filter((x) => ['sessions', 'sessions-after-resume', 'sessions-error'].includes(x.run))) {
    add(`${r.version} ${r.run}`, 'rollout', readFileSync(r.file, 'utf8'));
  }
  return out;
}

(corpusAvailable() ? describe : describe.skip)(`parser fuzzing (seed ${SEED}, scale ${SCALE})`, function () {
  this.timeout(600_000);
  let heapBefore = 0;
  const all = corpusAvailable() ? bases() : [];

  before(() => {
    // fast-check builds lookup tables on first use (80 MB for binary strings): built before the baseline, they are
    // not counted as the parsers' growth.
    for (const a of [fc.string({ unit: 'binary', maxLength: 200 }), fc.string(), small, execEvent, rolloutRecord, junkBytes, fc.uuid()] as fc.Arbitrary<unknown>[]) fc.sample(a, 50);
    heapBefore = heapMb();
  });
  afterEach(function () {
    if (process.env.FUZZ_HEAP !== undefined) console.log(`      heap after "${this.currentTest?.title.slice(0, 30)}": ${heapMb().toFixed(1)} MB (before ${heapBefore.toFixed(1)})`);
  });

  after(() => {
    const growth = heapMb() - heapBefore;
    const rate = Math.round(stats.lines / (stats.ms / 1000));
    console.log(
      `      fuzzed ${stats.lines.toLocaleString()} lines in ${stats.streams.toLocaleString()} streams (${(stats.bytes / 2 ** 20).toFixed(1)} MB), ` +
        `${rate.toLocaleString()} lines/s, slowest case ${stats.slowestMs.toFixed(0)} ms CPU, heap growth ${growth.toFixed(1)} MB (bound ${HEAP_BOUND_MB} MB)`,
    );
  });

  it('valid items interleaved with garbage lines, CRLF endings and random chunk cuts all come out unchanged', () => {
    assert.ok(all.length >= 15);
    check(
      fc.property(
        fc.nat(all.length - 1).chain((b) =>
          fc.record({
            b: fc.constant(b),
            junk: fc.array(fc.tuple(fc.nat(all[b]!.lines.length - 1), garbage(all[b]!.lines)), { maxLength: 12 }),
            crlf: fc.array(fc.boolean(), { minLength: all[b]!.lines.length + 12, maxLength: all[b]!.lines.length + 12 }),
            cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }),
          }),
        ),
        ({ b, junk, crlf, cuts }) => {
          const base = all[b]!;
          // Garbage goes after the first line: that one tells the family, as the first line of a real stream does.
          const lines: Uint8Array[] = base.lines.map((l) => enc.encode(l));
          const junkSet = new Set<Uint8Array>();
          for (const [at, g] of junk.sort((x, y) => y[0] - x[0])) {
            lines.splice(at + 1, 0, g);
            junkSet.add(g);
          }
          const parts: Uint8Array[] = [];
          lines.forEach((l, i) => parts.push(l, enc.encode(crlf[i] ? '\r\n' : '\n')));
          const bytes = Buffer.concat(parts);
          const chunks = cut(bytes, cuts);
          const s = timed(() => run(base.kind, chunks));
          // The scanner reads token counts in place without validating the whole line (its hot path), so a damaged
          // copy of a usage record in mid-file counts there but not in a replay: such garbage is left out of this check.
          const usageLike = junk.some(([, g]) => /token_count|token_usage_record|session_meta/.test(dec.decode(g)));
          if (base.kind === 'rollout' && !usageLike) assert.deepEqual(timed(() => usageOf(chunks)), base.usage, `${base.name}: the usage scanner's total changed`);
          stats.lines += lines.length;
          stats.streams++;
          stats.bytes += bytes.length;
          assert.deepEqual(s.items, base.clean.items, `${base.name}: items changed by garbage`);
          assert.equal(s.status, base.clean.status);
          assert.deepEqual(s.usage, base.clean.usage);
          // Every garbage line is reported, except those that are only white space (U+2028 alone, say).
          const reported = junk.filter(([, g]) => dec.decode(g).trim() !== '').length;
          const seen = new Set(s.diagnostics.map((d) => d.line));
          const unreported = lines.flatMap((l, i) => (junkSet.has(l) && !seen.has(i + 1) && dec.decode(l).trim() !== '' ? [dec.decode(l).slice(0, 200)] : []));
          assert.equal(s.skipped_lines + s.unknown_events, base.clean.skipped_lines + base.clean.unknown_events + reported, `${base.name}: not reported: ${JSON.stringify(unreported)}`);
        },
      ),
      3000,
    );
  });

  it('random event-shaped objects of every exec family: no exception, a serializable state', () => {
    check(
      fc.property(fc.array(execEvent, { minLength: 1, maxLength: 120 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }), (events, cuts) => {
        const text = events.map((e) => JSON.stringify(e)).join('\n');
        const s = timed(() => run('exec', cut(enc.encode(text), cuts)));
        stats.lines += events.length;
        stats.streams++;
        stats.bytes += text.length;
        assertSound(s);
      }),
      1200,
    );
  });

  it('random record-shaped objects of every rollout family: no exception, a serializable state', () => {
    check(
      fc.property(fc.array(rolloutRecord, { minLength: 1, maxLength: 120 }), (records) => {
        const text = records.map((e) => JSON.stringify(e)).join('\n');
        const s = timed(() => run('rollout', [enc.encode(text)]));
        timed(() => usageOf([enc.encode(text)]));
        stats.lines += records.length;
        stats.streams++;
        stats.bytes += text.length;
        assertSound(s);
      }),
      1200,
    );
  });

  it('random bytes (invalid UTF-8, NUL, CR, braces) in random chunks through both paths', () => {
    const noisy = fc.array(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(...['{', '}', '\n', '\r\n', '"', '\\', '{"type":"', '{"msg":{"type":"', '{"type":"response_item","payload":{'].map((s) => enc.encode(s)))), { maxLength: 200 });
    check(
      fc.property(noisy, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }), fc.constantFrom<Kind>('exec', 'rollout'), (pieces, cuts, kind) => {
        const bytes = Buffer.concat(pieces);
        const s = timed(() => run(kind, cut(bytes, cuts)));
        if (kind === 'rollout') timed(() => usageOf(cut(bytes, cuts)));
        stats.lines += bytes.filter((x) => x === 10).length + 1;
        stats.streams++;
        stats.bytes += bytes.length;
        assert.ok(s.skipped_lines + s.unknown_events <= bytes.filter((x) => x === 10).length + 1);
      }),
      3000,
    );
  });

  it('line parsers alone: single random lines, mutated corpus lines and random JSON', () => {
    const corpusLines = all.flatMap((b) => b.lines);
    const line = fc.oneof(
      fc.tuple(fc.nat(corpusLines.length - 1), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(), fc.nat(10)).map(([i, at, what, len]) => damaged(corpusLines[i]!, at, what, len)),
      fc.nat(corpusLines.length - 1).map((i) => corpusLines[i]!),
      execEvent.map((e) => JSON.stringify(e)),
      rolloutRecord.map((e) => JSON.stringify(e)),
      fc.string({ unit: 'binary', maxLength: 200 }),
    );
    check(
      fc.property(fc.array(line, { minLength: 50, maxLength: 50 }), (lines) => {
        const exec = new ExecStreamParser();
        const rollout = new RolloutParser();
        timed(() => {
          for (const l of lines) {
            exec.push(l);
            rollout.push(l);
          }
          exec.end();
          rollout.end();
        });
        stats.lines += 2 * lines.length;
      }),
      1200,
    );
  });

  it('100,000 nested arrays and objects, as a line and inside every free-form field', () => {
    const n = 100_000;
    for (const deep of ['['.repeat(n) + ']'.repeat(n), '{"a":'.repeat(n) + '1' + '}'.repeat(n)]) {
      const exec = [
        '{"type":"thread.started","thread_id":"t"}',
        '{"type":"turn.started"}',
        deep,
        `{"type":"item.completed","item":{"id":"m","type":"mcp_tool_call","server":"s","tool":"t","arguments":${deep},"result":${deep},"error":null,"status":"completed"}}`,
        `{"type":"item.completed","item":{"id":"a","type":"agent_message","text":"after"}}`,
        '{"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":0,"output_tokens":1}}',
      ];
      const s = timed(() => run('exec', cut(enc.encode(exec.join('\n')), [0.1, 0.5, 0.9])));
      assert.deepEqual(s.items.map((i) => i.id), ['m', 'a']);
      assert.equal(s.status, 'completed');
      const mcp = s.items[0] as McpToolCallItem;
      assert.ok(JSON.stringify(mcp.arguments).includes(TOO_DEEP), 'the cut depth is marked');
      structuredClone(s);
      JSON.stringify(s);
      const legacy = [
        '{"id":"0","msg":{"type":"task_started"}}',
        `{"id":"0","msg":{"type":"mcp_tool_call_begin","call_id":"z","invocation":{"server":"s","tool":"t","arguments":${deep}}}}`,
        `{"id":"0","msg":{"type":"mcp_tool_call_end","call_id":"z","result":{"Err":${deep}}}}`,
        `{"id":"0","msg":{"type":"mcp_tool_call_end","call_id":"y","result":{"Ok":${deep}}}}`,
      ];
      const l = timed(() => run('exec', [enc.encode(legacy.join('\n'))]));
      assert.equal(l.items.length, 2);
      JSON.stringify(l);
      const rollout = [
        '{"timestamp":"2026-11-21T08:00:00.000Z","type":"session_meta","payload":{"id":"01a1fd26-0fa6-7ee1-8045-917ff34d0510","cwd":"/w","cli_version":"0.169.0"}}',
        deep,
        `{"timestamp":"x","type":"response_item","payload":${deep}}`,
        `{"timestamp":"x","type":"response_item","payload":{"type":"function_call","name":"mcp__a__b","arguments":${JSON.stringify(deep)},"call_id":"c"}}`,
        `{"timestamp":"x","type":"response_item","payload":{"type":"function_call_output","call_id":"c","output":${deep}}}`,
        `{"timestamp":"x","type":"event_msg","payload":{"type":"agent_message","message":"after"}}`,
      ];
      const r = timed(() => run('rollout', [enc.encode(rollout.join('\n'))]));
      assert.ok(r.items.some((i) => i.type === 'agent_message' && i.text === 'after'));
      assert.ok(r.items.some((i) => i.type === 'mcp_tool_call'));
      structuredClone(r);
      JSON.stringify(r);
      stats.lines += exec.length + legacy.length + rollout.length;
      stats.streams += 3;
    }
  });

  it('runs at least 100,000 lines in total, with the heap bounded', () => {
    assert.ok(stats.lines >= 100_000 * Math.min(1, SCALE), `${stats.lines} lines`);
    const growth = heapMb() - heapBefore;
    assert.ok(growth < HEAP_BOUND_MB, `heap grew ${growth.toFixed(1)} MB`);
  });
});
