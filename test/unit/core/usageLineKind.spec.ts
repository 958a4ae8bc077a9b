// The byte-level readers of usageLineKind.ts against JSON.parse: on every corpus rollout line they give what the
// parsed line says, or decline (null), so that the scanner's slow path takes the line; never a different answer.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { usageFromWire } from '../../../src/core/usage';
import { envelopeTimestamp, latin1, modelAt, plainSkip, tokenCountAt, usageLineKind } from '../../../src/core/usageLineKind';
import { corpusRollouts } from '../../helpers/codexHome';
import { corpusAvailable } from '../../helpers/corpus';

type Json = Record<string, unknown>;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Each line of a file, with its bytes (inside a larger buffer, as the scanner sees them) and its parse. */
function* lines(bytes: Uint8Array): Generator<{ start: number; end: number; obj: Json | null }> {
  const text = new TextDecoder().decode(bytes);
  let start = 0;
  for (const line of text.split('\n')) {
    const end = start + enc(line).length;
    let obj: Json | null = null;
    try {
      obj = JSON.parse(line) as Json;
    } catch {
      // not JSON: no reader may give an answer for it
    }
    if (line.trim()) yield { start, end, obj };
    start = end + 1;
  }
}

/** The kind a parsed line has (as the scanner's slow path tells it), for lines `usageLineKind` is sure of. */
function parsedKind(obj: Json | null): string {
  const payload = obj?.payload as Json | undefined;
  if (obj?.type === 'event_msg') return payload?.type === 'token_count' ? 'token_count' : payload?.type === 'thread_settings_applied' ? 'thread_settings' : 'skip';
  return obj?.type === 'turn_context' || obj?.type === 'session_meta' || obj?.type === 'token_usage_record' ? obj.type : 'skip';
}

/** The counts of a `token_count` line as the slow path reads them. */
/** What counts of a token_count (see `infoUsage`): its running total, or else the last call's figures. */
function parsedCounts(payload: Json): { total: unknown; last: unknown } {
  const info = payload.info as Json | null;
  if (info === null) return { total: null, last: null };
  const total = usageFromWire(info.total_token_usage);
  return total ? { total, last: null } : { total: null, last: usageFromWire(info.last_token_usage) };
}

/** A token_count line around a usage object's text. */
const tokenCount = (usage: string): Uint8Array =>
  enc(`{"timestamp":"2026-11-21T08:00:00.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":${usage},"model_context_window":1}}}`);

(corpusAvailable() ? describe : describe.skip)('usage line readers on the corpus', () => {
  it('agree with JSON.parse on every line: its kind, token counts, the model, the timestamp', () => {
    let counts = 0;
    let models = 0;
    let plainSkips = 0;
    const kinds = new Set<string>();
    for (const r of corpusRollouts()) {
      const bytes = readFileSync(r.file);
      for (const { start, end, obj } of lines(bytes)) {
        const kind = usageLineKind(bytes, start, end);
        if (kind !== 'unsure') assert.equal(kind, parsedKind(obj), r.file);
        // The scanner's shortcut skips only what the full reading would skip.
        if (end - start >= 64 && plainSkip(bytes, start)) {
          assert.equal(kind, 'skip', r.file);
          plainSkips++;
        }
        kinds.add(kind);
        const payload = obj?.payload as Json | undefined;
        const ts = envelopeTimestamp(bytes, start, end);
        if (ts !== null) assert.equal(ts, obj?.timestamp, r.file);
        if (kind === 'token_count') {
          const fast = tokenCountAt(bytes, start, end);
          if (fast) {
            assert.deepEqual(fast, parsedCounts(payload!), r.file);
            counts++;
          }
        }
        if (kind === 'turn_context') {
          const model = modelAt(bytes, start, end);
          assert.equal(model, payload!.model, r.file);
          // A model read before is reused only when it is the one the line names.
          assert.equal(modelAt(bytes, start, end, model), model);
          assert.equal(modelAt(bytes, start, end, `${model}-other`), model);
          models++;
        }
      }
    }
    assert.ok(counts > 100 && models > 50 && plainSkips > 200, `${counts} token counts, ${models} models, ${plainSkips} lines skipped on their first bytes`);
    assert.deepEqual([...kinds].sort(), ['session_meta', 'skip', 'thread_settings', 'token_count', 'token_usage_record', 'turn_context']);
  });
});

describe('usage line readers, hand-made cases', () => {
  it('read usage objects with their fields in any order, and decline what is not plain integers', () => {
    const read = (usage: string): unknown => {
      const line = tokenCount(usage);
      return tokenCountAt(line, 0, line.length)?.total ?? null;
    };
    const wire = '{"input_tokens":12,"cached_input_tokens":3,"output_tokens":4,"reasoning_output_tokens":1,"total_tokens":16}';
    assert.deepEqual(read(wire), usageFromWire(JSON.parse(wire)));
    const reordered = '{"total_tokens":16,"reasoning_output_tokens":1,"output_tokens":4,"cache_write_input_tokens":9,"cached_input_tokens":3,"input_tokens":12}';
    assert.deepEqual(read(reordered), usageFromWire(JSON.parse(reordered)));
    // Neither input nor output: no usage for the parser either (it then takes last_token_usage).
    assert.equal(usageFromWire(JSON.parse('{"total_tokens":16}')), null);
    for (const odd of ['{"total_tokens":16}', '{"cached_input_tokens":3,"reasoning_output_tokens":1}', '{"input_tokens":1.5}', '{"input_tokens":-1}', '{"input_tokens":1e3}', '{"input_tokens":"1"}', '{"input_tokens":1,"other":2}', '{"input_tokens":1234567890123456}', '{}', '{"input_tokens":1']) {
      assert.equal(read(odd), null, odd);
    }
  });

  it('read a line within its bounds, never the next line of the buffer', () => {
    // A short line whose guessed record-type position falls on the next line's "type".
    const short = '{"timestamp":"x"}';
    const next = `${'x'.repeat(40 - short.length - 1)}"type":"response_item","payload":{}`;
    assert.equal(usageLineKind(enc(`${short}\n${next}\n`), 0, short.length), 'unsure');
    // A token_count line without "info" before a line whose first "i" is that of "info".
    const noInfo = `{"timestamp":"2026-11-21T08:05:53.880Z","type":"event_msg","payload":{"type":"token_count","data":1}}`;
    const two = enc(`${noInfo}\n{"type":"token_count","info":null}\n`);
    assert.equal(usageLineKind(two, 0, noInfo.length), 'token_count');
    assert.equal(tokenCountAt(two, 0, noInfo.length), null, 'no "info" in the line: the parser decides');
  });

  it('read the model in place, reusing the known one only for the same ASCII text', () => {
    const line = (model: string): Uint8Array => enc(`{"timestamp":"2026-11-21T08:00:00.000Z","type":"turn_context","payload":{"cwd":"/home/m","model":"${model}","summary":"auto"}}`);
    const at = (bytes: Uint8Array, known: string | null = null): string | null => modelAt(bytes, 0, bytes.length, known);
    assert.equal(at(line('gpt-5')), 'gpt-5');
    const known = 'gpt-5';
    assert.equal(at(line('gpt-5'), known), known);
    assert.equal(at(line('gpt-5.1'), known), 'gpt-5.1');
    assert.equal(at(line('modèle')), 'modèle');
    // The UTF-8 bytes of "è" are the char codes of "Ã¨": a string read as Latin-1 must not match them.
    assert.equal(at(line('modèle'), 'modÃ¨le'), 'modèle');
    assert.equal(at(line('')), null);
    assert.equal(at(line('a\\"b')), null);
    const whole = line('gpt-5');
    const cut = new TextDecoder().decode(whole).indexOf('"model"') + 6;
    assert.equal(modelAt(whole, 0, cut), null, 'a model past the end is not read');
  });

  it('read the timestamp as Latin-1, with the default decoder or a native one alike', () => {
    const line = Buffer.from('{"timestamp":"2026-11-21T08:00:00.000Z","type":"event_msg"}');
    assert.equal(envelopeTimestamp(line, 0, line.length), '2026-11-21T08:00:00.000Z');
    const odd = Buffer.from('{"timestamp":"2026-11-21T08:00:00.000Zé","type":"event_msg"}');
    const native = (b: Uint8Array, start: number, end: number): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1', start, end);
    assert.equal(envelopeTimestamp(odd, 0, odd.length), envelopeTimestamp(odd, 0, odd.length, native));
    assert.equal(latin1(odd, 14, odd.indexOf('","type"')), '2026-11-21T08:00:00.000ZÃ©');
    assert.equal(envelopeTimestamp(line, 1, line.length), null);
  });
});
