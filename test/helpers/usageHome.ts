import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * A generated CODEX_HOME for usage tests: rollouts written the way each CLI generation writes its token records,
 * with the cases that trip accounting up: the CLI's duplicated token_count records, resumed processes (a process
 * total that starts again before 0.80, a thread total that goes on from 0.80), a model switch, sessions across
 * midnight and over several days, last_token_usage without totals, failed runs without usage, archived sessions.
 * Deterministic for a seed. Every figure is consistent the way the real CLIs write them: `last_token_usage` is the
 * call, `total_token_usage` the running total.
 */

type Json = Record<string, unknown>;
interface U {
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_output_tokens: number;
  total_tokens: number;
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const add = (a: U, b: U): U => ({
  input_tokens: a.input_tokens + b.input_tokens,
  cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens,
  output_tokens: a.output_tokens + b.output_tokens,
  reasoning_output_tokens: a.reasoning_output_tokens + b.reasoning_output_tokens,
  total_tokens: a.total_tokens + b.total_tokens,
});
const ZERO: U = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 0 };

/** What {@link generateUsageHome} wrote. */
export interface UsageHome {
  home: string;
  sessions: number;
  /** Sessions whose files record no usage. */
  withoutUsage: number;
  /** Models used, for the cost comparison. */
  models: string[];
}

/** Models the generator picks from: all priced alike by us and ccusage 20.0.24 (see README "Tokens and cost"). */
export const GENERATED_MODELS = ['gpt-5', 'gpt-5-codex', 'gpt-5.1-codex', 'gpt-5.1-codex-max', 'gpt-5.2-codex', 'gpt-5.3-codex', 'gpt-5.4', 'gpt-5.5', 'gpt-5-mini', 'gpt-4.1'];

const VERSIONS = ['0.42.0', '0.45.0', '0.59.0', '0.100.0', '0.130.0', '0.169.0'];

/** Writes `count` sessions into a new temp CODEX_HOME (the caller removes it). */
export function generateUsageHome(count = 200, seed = 11): UsageHome {
  const home = mkdtempSync(path.join(os.tmpdir(), 'codex-usage-home-'));
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  let withoutUsage = 0;
  const models = new Set<string>();
  for (let i = 0; i < count; i++) {
    const version = pick(VERSIONS);
    const threadScope = Number(version.split('.')[1]) >= 80;
    // Starts spread over 20 days, some late in the evening so their turns cross midnight.
    let t = Date.UTC(2026, 9, 1 + Math.floor(rand() * 20), rand() < 0.2 ? 23 : Math.floor(rand() * 23), Math.floor(rand() * 60), Math.floor(rand() * 60));
    const id = `019a${hex(4)}-${hex(4)}-7${hex(3)}-8${hex(3)}-${hex(12)}`;
    const lines: Json[] = [];
    const ts = (): string => new Date((t += 500 + Math.floor(rand() * 4000))).toISOString();
    const meta = (): Json => ({ timestamp: ts(), type: 'session_meta', payload: { id, timestamp: new Date(t).toISOString(), cwd: `/home/dev/p${i % 7}`, originator: 'codex_exec', cli_version: version, source: 'exec' } });
    let model = pick(GENERATED_MODELS);
    const failed = rand() < 0.08;
    const lastOnly = !failed && rand() < 0.05;
    const processes = failed ? 1 : rand() < 0.25 ? 2 : 1;
    let threadTotal = ZERO;
    let k = 0;
    for (let p = 0; p < processes; p++) {
      lines.push(meta());
      let processTotal = ZERO;
      const turns = 1 + Math.floor(rand() * 4);
      for (let turn = 0; turn < turns; turn++) {
        if (!failed && rand() < 0.15) model = pick(GENERATED_MODELS); // /model between turns
        models.add(model);
        lines.push({ timestamp: ts(), type: 'turn_context', payload: { cwd: `/home/dev/p${i % 7}`, approval_policy: 'never', model } });
        lines.push({ timestamp: ts(), type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: `Task ${i}.${turn}` }] } });
        lines.push({ timestamp: ts(), type: 'event_msg', payload: { type: 'token_count', info: null, rate_limits: { primary: null } } });
        if (failed) break;
        if (rand() < 0.3) t += 6 * 3600_000; // a long pause: the next turn may fall on another day
        const calls = 1 + Math.floor(rand() * 6);
        for (let c = 0; c < calls; c++) {
          k++;
          const input = 1000 + Math.floor(rand() * 60_000);
          const call: U = { input_tokens: input, cached_input_tokens: Math.floor(input * rand() * 0.9), output_tokens: 10 + Math.floor(rand() * 3000), reasoning_output_tokens: 0, total_tokens: 0 };
          call.reasoning_output_tokens = Math.floor(call.output_tokens * rand() * 0.5);
          call.total_tokens = call.input_tokens + call.output_tokens;
          processTotal = add(processTotal, call);
          threadTotal = add(threadTotal, call);
          const total = threadScope ? threadTotal : processTotal;
          const info = lastOnly ? { last_token_usage: call } : { total_token_usage: total, last_token_usage: call, model_context_window: 272000 };
          lines.push({ timestamp: ts(), type: 'response_item', payload: { type: 'function_call', name: 'shell', arguments: `{"command":["echo","${k}"]}`, call_id: `call_${k}` } });
          lines.push({ timestamp: ts(), type: 'event_msg', payload: { type: 'token_count', info } });
          // 0.42 – 0.130 write most updates twice (a little later, same figures).
          if (version !== '0.169.0' && rand() < 0.8) lines.push({ timestamp: ts(), type: 'event_msg', payload: { type: 'token_count', info } });
        }
      }
      t += 3600_000 * rand() * 30; // a resume comes later
    }
    if (failed) withoutUsage++;
    const started = new Date(Date.parse(String((lines[0]!.payload as Json).timestamp)));
    const p2 = (n: number): string => String(n).padStart(2, '0');
    const local = `${started.getFullYear()}-${p2(started.getMonth() + 1)}-${p2(started.getDate())}T${p2(started.getHours())}-${p2(started.getMinutes())}-${p2(started.getSeconds())}`;
    const archived = rand() < 0.1;
    const dir = archived ? path.join(home, 'archived_sessions') : path.join(home, 'sessions', local.slice(0, 4), local.slice(5, 7), local.slice(8, 10));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `rollout-${local}-${id}.jsonl`), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  }
  return { home, sessions: count, withoutUsage, models: [...models].sort() };
}
