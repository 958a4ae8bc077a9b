import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CORPUS_DIR, type Pool } from './execStream';

/*
 * Corpus rollouts as templates for synthetic ones: each file with its session id, date and first prompt turned into
 * slots, plus its lines after the first as a unit that can be appended again and again (ids suffixed per repetition
 * so that calls never collide, tool outputs optionally inflated) to grow a session to any size.
 */

/** What a template leaves open: the session id, the `YYYY-MM-DD` of its timestamps, its first prompt, a repetition. */
export type Slot = 'SID' | 'DATE' | 'TITLE' | 'REP';

/** Text with slots, split once so that rendering is only concatenation: `texts[0] slots[0] texts[1] …`. */
export interface Pattern {
  texts: string[];
  slots: Slot[];
  /** Characters of the text without the slots. */
  chars: number;
}

/** The values of every slot. */
export type SlotValues = Record<Slot, string>;

/** A corpus rollout ready to be rendered under new ids and dates. */
export interface RolloutTemplate {
  /** Path relative to the corpus folder. */
  file: string;
  /** CLI version, e.g. `0.169.0`. */
  version: string;
  /** The run folder it came from: `sessions`, `sessions-error`, `sessions-after-resume`, … */
  run: string;
  family: 'bare' | 'state' | 'envelope';
  /** Ids the CLI generated: UUIDv7 from 0.42, random v4 before. */
  idStyle: 'v4' | 'v7';
  /** Whether that CLI wrote rollouts flat into `sessions/` (0.1.x) rather than into `YYYY/MM/DD`. */
  flat: boolean;
  /** The file as captured. */
  whole: Pattern;
  /** Its lines after the first, ids suffixed with the `REP` slot: what one more repetition appends. */
  repeat: Pattern;
  /** Lines of {@link repeat}, kept for inflating its outputs. */
  repeatLines: string[];
}

/** The prompt of the corpus's main scenario; the errors runs say "Say hi." */
const CORPUS_PROMPTS = ['Create notes.txt in the workspace, then edit it. Keep a short plan.', 'Say hi.'];
const CORPUS_DATE = '2026-11-21';
const SLOT_RE = /@@(SID|DATE|TITLE|REP)@@/g;
/** Keys whose values are ids that must stay unique within one file. */
const ID_RE = /"(id|call_id|turn_id|root_turn_id|response_id|item_id)":"([^"@]+)"/g;
const NAME_RE = /^rollout-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-(.+)\.jsonl$/;

/** Splits `text` at its `@@SLOT@@` markers. */
export function compile(text: string): Pattern {
  const texts: string[] = [];
  const slots: Slot[] = [];
  let last = 0;
  for (const m of text.matchAll(SLOT_RE)) {
    texts.push(text.slice(last, m.index));
    slots.push(m[1] as Slot);
    last = m.index + m[0].length;
  }
  texts.push(text.slice(last));
  return { texts, slots, chars: texts.reduce((n, t) => n + t.length, 0) };
}

/** Appends the pieces of `p` with `v` filled in to `out` (joined once per file by the caller). */
export function render(p: Pattern, v: SlotValues, out: string[]): void {
  for (let i = 0; i < p.slots.length; i++) out.push(p.texts[i] as string, v[p.slots[i] as Slot]);
  out.push(p.texts[p.texts.length - 1] as string);
}

function familyOf(first: Record<string, unknown>): RolloutTemplate['family'] {
  if (typeof first.type === 'string' && 'payload' in first) return 'envelope';
  return 'instructions' in first || 'git' in first ? 'state' : 'bare';
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.jsonl') ? [join(dir, e.name)] : [],
  );
}

/** Every rollout of the corpus (`codex-*\/sessions*\/`), as a template. */
export function loadRolloutTemplates(dir = CORPUS_DIR): RolloutTemplate[] {
  const out: RolloutTemplate[] = [];
  for (const v of readdirSync(dir).filter((d) => d.startsWith('codex-')).sort()) {
    const version = v.slice('codex-'.length);
    for (const run of readdirSync(join(dir, v)).filter((d) => d.startsWith('sessions')).sort()) {
      for (const path of files(join(dir, v, run))) {
        const id = NAME_RE.exec(path.slice(path.lastIndexOf('/') + 1))?.[1];
        if (!id) continue;
        let text = readFileSync(path, 'utf8').replaceAll(id, '@@SID@@').replaceAll(CORPUS_DATE, '@@DATE@@');
        for (const p of CORPUS_PROMPTS) text = text.replaceAll(p, '@@TITLE@@');
        const lines = text.split('\n').filter((l) => l !== '');
        const first = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
        const repeatLines = lines.slice(1).map((l) => l.replace(ID_RE, (_m, k: string, val: string) => `"${k}":"${val}@@REP@@"`));
        out.push({
          file: relative(dir, path),
          version,
          run,
          family: familyOf(first),
          idStyle: /^\d+\.\d+/.test(version) && Number(version.split('.')[1]) >= 42 ? 'v7' : 'v4',
          flat: version.startsWith('0.1.'),
          whole: compile(`${lines.join('\n')}\n`),
          repeat: compile(repeatLines.length ? `${repeatLines.join('\n')}\n` : ''),
          repeatLines,
        });
      }
    }
  }
  if (out.length === 0) throw new Error(`no rollout found under ${dir}/codex-*/sessions*`);
  return out;
}

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `output` with `extra` appended; an output that is itself JSON (`{"output":…,"metadata":…}`, ≤ 0.45) inside. */
function grow(output: string, extra: string): string {
  if (output.startsWith('{')) {
    try {
      const o = JSON.parse(output) as unknown;
      if (isObj(o) && typeof o.output === 'string') return JSON.stringify({ ...o, output: o.output + extra });
    } catch {
      // plain text after all
    }
  }
  return output + extra;
}

/** Cuts about `size` characters of whole lines out of `pool`, starting at a line picked by `rand`. */
export function poolText(pool: Pool, size: number, rand: () => number): string {
  const from = pool.starts[Math.floor(rand() * pool.starts.length)] ?? 0;
  const end = pool.text.indexOf('\n', Math.min(pool.text.length - 1, from + size));
  return pool.text.slice(from, end === -1 ? undefined : end + 1);
}

/** Tools whose calls run a command (their outputs are what grows large; patches and plans answer in a line). */
const SHELL_TOOLS = new Set(['shell', 'container.exec', 'shell_command', 'exec_command', 'local_shell']);

/**
 * The repetition unit of `t` with the output of every command call grown by `extraFor(callId)` (the rollout's
 * `function_call_output`, and 0.169's `CommandExecution.aggregated_output` for the same call).
 */
export function inflatedRepeat(t: RolloutTemplate, extraFor: (callId: string) => string): Pattern {
  const extras = new Map<string, string>();
  const extra = (callId: string): string => {
    let e = extras.get(callId);
    if (e === undefined) extras.set(callId, (e = extraFor(callId)));
    return e;
  };
  const records = t.repeatLines.map((line) => JSON.parse(line) as Json);
  const payloadOf = (o: Json): unknown => (t.family === 'envelope' ? o.payload : o);
  const commands = new Set<string>();
  for (const o of records) {
    const p = payloadOf(o);
    if (isObj(p) && p.type === 'function_call' && typeof p.call_id === 'string' && SHELL_TOOLS.has(String(p.name))) commands.add(p.call_id);
  }
  const lines = records.map((o, i) => {
    const line = t.repeatLines[i] as string;
    const p = payloadOf(o);
    if (!isObj(p)) return line;
    if (p.type === 'function_call_output' && typeof p.output === 'string' && typeof p.call_id === 'string' && commands.has(p.call_id)) {
      p.output = grow(p.output, extra(p.call_id));
    } else if (p.type === 'item_completed' && isObj(p.item) && p.item.type === 'CommandExecution' && typeof p.item.id === 'string') {
      p.item.aggregated_output = `${typeof p.item.aggregated_output === 'string' ? p.item.aggregated_output : ''}${extra(p.item.id)}`;
    } else return line;
    return JSON.stringify(o);
  });
  return compile(lines.length ? `${lines.join('\n')}\n` : '');
}
