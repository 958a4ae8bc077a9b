import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseRolloutText } from '../../../src/core/rolloutReplay';
import { RolloutUsageScanner, scanRolloutUsage, type SessionUsage } from '../../../src/core/rolloutUsage';
import type { Usage } from '../../../src/shared/threadModel';
import { corpusRollouts } from '../../helpers/codexHome';
import { corpusAvailable } from '../../helpers/corpus';

/** The mock's call k: input 1000·k + 11, cached 100·k, output 19 + k, reasoning 4 + k; summed over calls 1..n. */
function calls(n: number): Usage {
  const u = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0 };
  for (let k = 1; k <= n; k++) {
    u.input_tokens += 1000 * k + 11;
    u.cached_input_tokens += 100 * k;
    u.output_tokens += 19 + k;
    u.reasoning_output_tokens += 4 + k;
  }
  return u;
}
const MAIN = calls(6); // 21066 / 2100 / 135 / 45
const RESUMED = { input_tokens: MAIN.input_tokens + 3022, cached_input_tokens: 2400, output_tokens: 176, reasoning_output_tokens: 56 };

const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const u = (i: number, c: number, o: number, r = 0): Usage => ({ input_tokens: i, cached_input_tokens: c, output_tokens: o, reasoning_output_tokens: r });
const wire = (x: Usage): Record<string, number> => ({ ...x, total_tokens: x.input_tokens + x.output_tokens });

/** A hand-made envelope rollout. */
class Rollout {
  private readonly lines: string[] = [];
  private t = Date.parse('2026-03-01T10:00:00.000Z');

  at(iso: string): this {
    this.t = Date.parse(iso);
    return this;
  }
  private rec(type: string, payload: unknown, ts?: string): this {
    this.lines.push(JSON.stringify({ timestamp: ts ?? new Date((this.t += 1000)).toISOString(), type, payload }));
    return this;
  }
  meta(cli: string): this {
    return this.rec('session_meta', { id: 's1', timestamp: new Date(this.t).toISOString(), cwd: '/w', originator: 'codex_exec', cli_version: cli, base_instructions: { text: 'x'.repeat(300) } });
  }
  model(model: string): this {
    return this.rec('turn_context', { cwd: '/w', approval_policy: 'never', sandbox_policy: { mode: 'read-only' }, model, summary: 'auto' });
  }
  count(total: Usage | null, last: Usage | null, ts?: string): this {
    const info: Record<string, unknown> = {};
    if (total) info.total_token_usage = wire(total);
    if (last) info.last_token_usage = wire(last);
    return this.rec('event_msg', { type: 'token_count', info, rate_limits: null }, ts);
  }
  record(thread: Usage): this {
    return this.rec('token_usage_record', { usage: wire(thread), thread_token_usage: wire(thread), response_id: 'r' });
  }
  raw(line: string): this {
    this.lines.push(line);
    return this;
  }
  text(eol = '\n'): string {
    return this.lines.join(eol) + eol;
  }
}

function scan(text: string): SessionUsage {
  return scanRolloutUsage(text, { dayOf: utcDay });
}

(corpusAvailable() ? describe : describe.skip)('rollout usage on the corpus', () => {
  it('every version gives exactly the mock numbers (and null where the CLI recorded none)', () => {
    const seen = new Set<string>();
    for (const r of corpusRollouts()) {
      const got = scan(readFileSync(r.file, 'utf8'));
      const key = `${r.version}/${r.run}`;
      seen.add(key);
      const expected = r.run.includes('error') || ['0.1.2505291658', '0.20.0'].includes(r.version) ? null : r.run === 'sessions-after-resume' ? RESUMED : MAIN;
      assert.deepEqual(got.total, expected, key);
      if (expected) {
        assert.equal(got.slices.length, 1, key);
        assert.equal(got.slices[0]!.day, '2026-11-21');
        assert.equal(got.slices[0]!.model, { '0.42.0': 'gpt-5-codex', '0.45.0': 'gpt-5-codex', '0.100.0': 'gpt-5.2-codex', '0.169.0': 'gpt-5.5' }[r.version]);
        assert.match(got.last_activity ?? '', /^2026-11-21T08:/);
      } else assert.deepEqual(got.slices, []);
    }
    for (const v of ['0.42.0', '0.45.0', '0.100.0', '0.169.0']) assert.ok(seen.has(`${v}/sessions-after-resume`), v);
  });

  it('counts exactly what a replay through the reducer counts, however the bytes are chunked', () => {
    for (const r of corpusRollouts()) {
      const bytes = readFileSync(r.file);
      const replay = parseRolloutText(bytes.toString('utf8'));
      const whole = scanRolloutUsage(bytes);
      assert.deepEqual(whole.total, replay.state.usage, r.file);
      for (const size of [1, 7, 4096]) {
        const s = new RolloutUsageScanner();
        for (let i = 0; i < bytes.length; i += size) s.write(bytes.subarray(i, i + size));
        assert.deepEqual(s.end(), whole, `${r.file} in chunks of ${size}`);
      }
    }
  });
});

describe('rollout usage, hand-made cases', () => {
  it('takes cumulative totals once: the CLI writes most of them twice', () => {
    const r = new Rollout().meta('0.45.0').model('gpt-5-codex').count(u(100, 10, 5), u(100, 10, 5)).count(u(100, 10, 5), u(100, 10, 5)).count(u(300, 30, 9), u(200, 20, 4)).count(u(300, 30, 9), u(200, 20, 4));
    assert.deepEqual(scan(r.text()).total, u(300, 30, 9));
  });

  it('counts a copied record (same time, same figures) once, even after later totals', () => {
    const r = new Rollout().meta('0.100.0').model('gpt-5.2-codex');
    r.count(u(100, 0, 5), u(100, 0, 5), '2026-03-01T10:00:01.000Z').count(u(300, 0, 9), u(200, 0, 4), '2026-03-01T10:00:02.000Z');
    r.count(u(100, 0, 5), u(100, 0, 5), '2026-03-01T10:00:01.000Z').count(u(300, 0, 9), u(200, 0, 4), '2026-03-01T10:00:02.000Z');
    assert.deepEqual(scan(r.text()).total, u(300, 0, 9));
    assert.deepEqual(parseRolloutText(r.text()).state.usage, u(300, 0, 9));
  });

  it('adds the processes of a resumed thread once each: process totals (< 0.80) and thread totals (0.80+)', () => {
    const old = new Rollout().meta('0.45.0').model('gpt-5-codex').count(u(1000, 0, 10), u(1000, 0, 10)).meta('0.45.0').model('gpt-5-codex').count(u(400, 0, 4), u(400, 0, 4)).count(u(900, 0, 9), u(500, 0, 5));
    assert.deepEqual(scan(old.text()).total, u(1900, 0, 19));
    // A resumed process whose total passes the earlier one is still a new process (told by its session_meta).
    const bigger = new Rollout().meta('0.45.0').count(u(100, 0, 1), u(100, 0, 1)).meta('0.45.0').count(u(500, 0, 5), u(500, 0, 5));
    assert.deepEqual(scan(bigger.text()).total, u(600, 0, 6));
    const now = new Rollout().meta('0.100.0').model('gpt-5.2-codex').count(u(1000, 0, 10), u(1000, 0, 10)).meta('0.100.0').count(u(1400, 0, 14), u(400, 0, 4));
    assert.deepEqual(scan(now.text()).total, u(1400, 0, 14));
    for (const r of [old, bigger, now]) assert.deepEqual(scan(r.text()).total, parseRolloutText(r.text()).state.usage);
  });

  it('adds up last_token_usage where a CLI records only that', () => {
    const r = new Rollout().meta('0.59.0').model('gpt-5.1-codex').count(null, u(100, 10, 1)).count(null, u(200, 20, 2));
    assert.deepEqual(scan(r.text()).total, u(300, 30, 3));
    assert.deepEqual(parseRolloutText(r.text()).state.usage, u(300, 30, 3));
  });

  it("reads 0.169's token_usage_record only where no token_count exists", () => {
    const only = new Rollout().meta('0.169.0').model('gpt-5.5').record(u(100, 0, 1)).record(u(300, 0, 3));
    assert.deepEqual(scan(only.text()).total, u(300, 0, 3));
    const both = new Rollout().meta('0.169.0').model('gpt-5.5').record(u(100, 0, 1)).count(u(100, 0, 1), u(100, 0, 1)).record(u(300, 0, 3)).count(u(300, 0, 3), u(200, 0, 2));
    assert.deepEqual(scan(both.text()).total, u(300, 0, 3));
  });

  it('splits usage by model and by the day it was recorded on', () => {
    const r = new Rollout().at('2026-03-01T23:59:50.000Z').meta('0.100.0').model('gpt-5.2-codex').count(u(100, 0, 1), u(100, 0, 1)).model('gpt-5.5');
    r.at('2026-03-02T00:00:03.000Z').count(u(300, 0, 3), u(200, 0, 2)).count(u(600, 0, 6), u(300, 0, 3));
    const got = scan(r.text());
    assert.deepEqual(got.slices, [
      { model: 'gpt-5.2-codex', day: '2026-03-01', usage: u(100, 0, 1) },
      { model: 'gpt-5.5', day: '2026-03-02', usage: u(500, 0, 5) },
    ]);
    assert.deepEqual(got.total, u(600, 0, 6));
  });

  it('gives usage recorded before the file names its model to the first model it names; none at all: null model', () => {
    const late = new Rollout().meta('0.100.0').count(u(100, 0, 1), u(100, 0, 1)).model('o3').count(u(300, 0, 3), u(200, 0, 2));
    assert.deepEqual(scan(late.text()).slices.map((s) => [s.model, s.usage.input_tokens]), [['o3', 300]]);
    const never = new Rollout().meta('0.100.0').count(u(100, 0, 1), u(100, 0, 1));
    assert.deepEqual(scan(never.text()).slices.map((s) => s.model), [null]);
  });

  it('has no usage (null, not 0) for files without token counts, and survives cut, odd and CRLF lines', () => {
    assert.equal(scan(new Rollout().meta('0.42.0').model('gpt-5').count(null, null).text()).total, null);
    assert.equal(scan('{"id":"x","timestamp":"2025-05-29T00:00:00Z"}\n{"type":"message","role":"user","content":[]}\n').total, null);
    const r = new Rollout().meta('0.45.0').model('gpt-5-codex').count(u(100, 0, 1), u(100, 0, 1));
    // Key order other than the CLI's goes through the parser; a cut line is ignored.
    r.raw(JSON.stringify({ type: 'event_msg', timestamp: '2026-03-01T11:00:00.000Z', payload: { type: 'token_count', info: { total_token_usage: wire(u(250, 0, 2)) } } }));
    r.raw('{"timestamp":"2026-03-01T11:00:01.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tok');
    assert.deepEqual(scan(r.text('\r\n')).total, u(250, 0, 2));
    assert.deepEqual(scan(r.text().trimEnd()).total, u(250, 0, 2)); // no final line break
  });
});
