import type { ThreadEvent, ThreadItem, Usage } from '../../src/shared/threadModel';

/*
 * A deterministic, realistic long thread for the webview benchmark: turns of a user prompt, a to-do list that is
 * updated, reasoning, markdown answers (code blocks, lists, links, tables, a few very long ones), commands (many small
 * outputs, some medium, a few of several MB, one made of minified-bundle lines) and file changes. Commands that run
 * long stream their output as deltas. The thread is a list of "ops": an instant op is events that arrive together;
 * a stream op occupies frames of its own (start, one delta per frame, end).
 */

/** Knobs of {@link generateThread}. */
export interface ThreadSpec {
  items: number;
  turns: number;
  /** Total characters of command output (ASCII, so also bytes). */
  outputChars: number;
  seed: number;
}

/** Events that arrive at once. */
export interface InstantOp {
  kind: 'instant';
  events: ThreadEvent[];
}

/** A command whose output streams: `start` in one frame, one delta per frame, then `end`. */
export interface StreamOp {
  kind: 'stream';
  start: ThreadEvent;
  deltas: { itemId: string; text: string }[];
  end: ThreadEvent;
}

export type Op = InstantOp | StreamOp;

/** What {@link generateThread} made, with the figures the report quotes. */
export interface GeneratedThread {
  ops: Op[];
  items: number;
  kinds: Record<string, number>;
  /** Characters of command output before the host's cap (what streams through `append`). */
  outputChars: number;
  /** The largest outputs (characters), largest first. */
  hugeOutputs: number[];
  /** Characters of the longest agent message. */
  longestMessage: number;
}

/** mulberry32, so every run benchmarks the same thread. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'the reducer keeps items in order so the panel can render them incrementally while codex streams events from stdout and a replay reads the rollout file through the same path with usage and cost per turn'.split(' ');
const FILES = ['src/core/threadReducer.ts', 'src/webview/main.ts', 'src/node/codexRunner.ts', 'test/unit/core/execParser.spec.ts', 'package.json', 'src/vscode/taskPanel.ts', 'README.md'];
const LINES = [
  (r: () => number) => `  ✓ reduces ${Math.floor(r() * 1000)} events in order (${Math.floor(r() * 90)}ms)`,
  (r: () => number) => `src/core/execParser.ts(${Math.floor(r() * 400)},${Math.floor(r() * 80)}): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.`,
  (r: () => number) => `-rw-r--r--  1 dev dev ${Math.floor(r() * 99999)} Nov 21 08:57 ${FILES[Math.floor(r() * FILES.length)]}`,
  (r: () => number) => `${Math.floor(r() * 0xfffffff).toString(16)} Fix the ${WORDS[Math.floor(r() * WORDS.length)]} when the ${WORDS[Math.floor(r() * WORDS.length)]} is empty`,
  (r: () => number) => `{"level":"info","ts":${Math.floor(r() * 1e9)},"msg":"request finished","path":"/api/v1/items","ms":${Math.floor(r() * 500)}}`,
  (r: () => number) => `    at ThreadReducer.apply (file:///work/main/src/core/threadReducer.ts:${Math.floor(r() * 300)}:${Math.floor(r() * 40)})`,
  () => '',
];

function words(r: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(r() * WORDS.length)] ?? 'x');
  return out.join(' ');
}

/** Log-like output of about `chars` characters, in lines of 0-160 characters. */
function logOutput(r: () => number, chars: number): string {
  const parts: string[] = [];
  let n = 0;
  while (n < chars) {
    const line = (LINES[Math.floor(r() * LINES.length)] ?? (() => ''))(r);
    parts.push(line);
    n += line.length + 1;
  }
  return parts.join('\n').slice(0, chars);
}

/** `cat` of a minified bundle: a handful of lines of hundreds of KB. */
function minifiedOutput(r: () => number, chars: number): string {
  const token = 'function(e,t){return e&&t?Object.assign({},e,t):null};var ';
  const lines: string[] = [];
  let n = 0;
  while (n < chars) {
    const len = Math.min(chars - n, 200_000 + Math.floor(r() * 400_000));
    lines.push(token.repeat(Math.ceil(len / token.length)).slice(0, len));
    n += len + 1;
  }
  return lines.join('\n');
}

function codeBlock(r: () => number, lines: number): string {
  const body: string[] = [];
  for (let i = 0; i < lines; i++) body.push(`  const ${WORDS[i % WORDS.length]}${i} = await run(${JSON.stringify(words(r, 3))}, { timeoutMs: ${Math.floor(r() * 5000)} });`);
  return `\`\`\`ts\nexport async function step${Math.floor(r() * 100)}(): Promise<void> {\n${body.join('\n')}\n}\n\`\`\``;
}

/** A markdown answer of about `chars` characters: paragraphs with inline code and links, lists, code, a table. */
function markdown(r: () => number, chars: number): string {
  const parts: string[] = [];
  let n = 0;
  while (n < chars) {
    const pick = r();
    let p: string;
    if (pick < 0.35) p = `${words(r, 12)} \`${FILES[Math.floor(r() * FILES.length)]}\` ${words(r, 10)} see [the docs](https://example.com/${Math.floor(r() * 100)}) and [${FILES[0]}](${FILES[0]}:${Math.floor(r() * 200)}).`;
    else if (pick < 0.6) p = Array.from({ length: 2 + Math.floor(r() * 5) }, () => `- **${words(r, 2)}**: ${words(r, 8)} \`npm test\``).join('\n');
    else if (pick < 0.85) p = codeBlock(r, 3 + Math.floor(Math.min(chars - n, 40_000) / 400 * r()));
    else if (pick < 0.93) p = `| file | lines | status |\n|---|---:|---|\n${Array.from({ length: 3 + Math.floor(r() * 8) }, () => `| \`${FILES[Math.floor(r() * FILES.length)]}\` | ${Math.floor(r() * 900)} | ${words(r, 2)} |`).join('\n')}`;
    else p = `## ${words(r, 4)}\n\n> ${words(r, 15)}`;
    parts.push(p);
    n += p.length + 2;
  }
  return parts.join('\n\n');
}

function diff(r: () => number, lines: number): string {
  const out = ['@@ -1,4 +1,5 @@'];
  for (let i = 0; i < lines; i++) out.push(`${r() < 0.3 ? '+' : r() < 0.5 ? '-' : ' '}  ${words(r, 6)};`);
  return out.join('\n');
}

type Kind = 'reasoning' | 'agent_message' | 'command_execution' | 'file_change';
const MIX: [Kind, number][] = [['reasoning', 0.23], ['agent_message', 0.16], ['command_execution', 0.52], ['file_change', 0.09]];

function pickKind(r: () => number): Kind {
  let x = r();
  for (const [k, w] of MIX) if ((x -= w) < 0) return k;
  return 'command_execution';
}

/** Builds the thread's ops. Output sizes: a few huge (several MB), some medium (~300 KB), many small, summing to `outputChars`. */
export function generateThread(spec: ThreadSpec): GeneratedThread {
  const r = prng(spec.seed);
  const perTurn = Math.floor(spec.items / spec.turns);
  // Decide the kinds first, so output sizes can be scaled to the target before any text is built.
  const turnKinds: Kind[][] = [];
  for (let t = 0; t < spec.turns; t++) {
    const n = (t === spec.turns - 1 ? spec.items - perTurn * (spec.turns - 1) : perTurn) - 3; // prompt, to-do list, last answer
    turnKinds.push(Array.from({ length: n }, () => pickKind(r)));
  }
  const commands = turnKinds.flat().filter((k) => k === 'command_execution').length;
  const huge = [8e6, 6e6, 4e6, 3e6, 2e6];
  const hugeAt = new Map(huge.map((size, i) => [Math.floor(((i + 0.5) * commands) / huge.length), size]));
  const mediumEvery = Math.floor(commands / 40);
  const mediumSize = 300_000;
  const smallRaw = Array.from({ length: commands }, () => { const x = r(); return x < 0.7 ? r() * 2000 : x < 0.95 ? 2000 + r() * 8000 : 10_000 + r() * 30_000; });
  const fixed = huge.reduce((a, b) => a + b, 0) + 40 * mediumSize;
  const smallCount = smallRaw.filter((_, i) => !hugeAt.has(i) && i % mediumEvery !== mediumEvery - 1).reduce((a, b) => a + b, 0);
  const scale = Math.max(0, spec.outputChars - fixed) / smallCount;

  const ops: Op[] = [];
  const kinds: Record<string, number> = {};
  const count = (k: string): void => void (kinds[k] = (kinds[k] ?? 0) + 1);
  let seq = 0;
  let cmd = 0;
  let outputChars = 0;
  let longestMessage = 0;
  const usage: Usage = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0 };
  const done = (item: ThreadItem): InstantOp => ({ kind: 'instant', events: [{ type: 'item.completed', item }] });
  const message = (chars: number): void => {
    const text = markdown(r, chars);
    longestMessage = Math.max(longestMessage, text.length);
    ops.push(done({ id: `item_${seq++}`, type: 'agent_message', text }));
    count('agent_message');
  };

  turnKinds.forEach((kindsOfTurn, t) => {
    ops.push({ kind: 'instant', events: [{ type: 'item.completed', item: { id: `item_${seq++}`, type: 'user_message', text: t === 7 ? `Why does this fail?\n\n${logOutput(r, 40_000)}` : words(r, 10 + Math.floor(r() * 120)) } }, { type: 'turn.started' }] });
    count('user_message');
    const todoId = `item_${seq++}`;
    const todo = (doneCount: number): ThreadItem => ({ id: todoId, type: 'todo_list', items: Array.from({ length: 6 }, (_, i) => ({ text: words(r, 6), completed: i < doneCount })) });
    ops.push({ kind: 'instant', events: [{ type: 'item.started', item: todo(0) }] });
    count('todo_list');
    kindsOfTurn.forEach((kind, k) => {
      if (k === Math.floor(kindsOfTurn.length / 2)) ops.push({ kind: 'instant', events: [{ type: 'item.updated', item: todo(3) }] });
      if (kind === 'agent_message') return message(r() < 0.004 ? 40_000 + r() * 80_000 : 200 + r() * 2500);
      const id = `item_${seq++}`;
      count(kind);
      if (kind === 'reasoning') ops.push(done({ id, type: 'reasoning', text: `**${words(r, 4)}**\n\n${words(r, 20 + Math.floor(r() * 200))}` }));
      else if (kind === 'file_change') {
        const changes = Array.from({ length: 1 + Math.floor(r() * 5) }, () => ({ path: `/work/main/${FILES[Math.floor(r() * FILES.length)]}`, kind: (['add', 'update', 'delete'] as const)[Math.floor(r() * 3)] ?? 'update', diff: diff(r, 5 + Math.floor(r() * 60)) }));
        ops.push({ kind: 'instant', events: [{ type: 'item.started', item: { id, type: 'file_change', changes, status: 'in_progress' } }] });
        ops.push(done({ id, type: 'file_change', changes, status: 'completed' }));
      } else {
        const i = cmd++;
        const size = hugeAt.get(i) ?? (i % mediumEvery === mediumEvery - 1 ? mediumSize : Math.floor((smallRaw[i] ?? 0) * scale));
        const minified = size === 3e6;
        const output = minified ? minifiedOutput(r, size) : logOutput(r, size);
        outputChars += output.length;
        const command = minified ? "/bin/bash -lc 'cat dist/webview.js'" : `/bin/bash -lc '${['npm test', 'rg -n "reduce" src', 'ls -la src/core', 'npx tsc --noEmit -p .', 'git log --stat'][i % 5]}'`;
        const exit = r() < 0.85 ? 0 : 1;
        const started: ThreadEvent = { type: 'item.started', item: { id, type: 'command_execution', command, aggregated_output: '', exit_code: null, status: 'in_progress' } };
        const end: ThreadEvent = { type: 'item.completed', item: { id, type: 'command_execution', command, aggregated_output: output, exit_code: exit, status: exit ? 'failed' : 'completed' } };
        // Long commands stream: huge ones over 40 frames, medium over 4, one small one in 50 over 1.
        const frames = size >= 1e6 ? 40 : size >= mediumSize ? 4 : r() < 0.02 ? 1 : 0;
        if (frames === 0) ops.push({ kind: 'instant', events: [started] }, { kind: 'instant', events: [end] });
        else {
          const step = Math.ceil(output.length / frames);
          const deltas = Array.from({ length: frames }, (_, f) => ({ itemId: id, text: output.slice(f * step, (f + 1) * step) }));
          ops.push({ kind: 'stream', start: started, deltas, end });
        }
      }
    });
    ops.push({ kind: 'instant', events: [{ type: 'item.completed', item: todo(6) }] });
    message(300 + r() * 3000);
    usage.input_tokens += 20_000 + Math.floor(r() * 50_000);
    usage.cached_input_tokens += 10_000;
    usage.output_tokens += 1000 + Math.floor(r() * 4000);
    ops.push({ kind: 'instant', events: [{ type: 'turn.completed', usage: { ...usage }, scope: 'thread' }] });
  });
  return { ops, items: seq, kinds, outputChars, hugeOutputs: [...huge], longestMessage };
}
