/*
 * Telling, from a rollout line's first bytes, whether it can carry token usage or the model, without decoding it.
 * Every CLI since 0.40 writes `{"timestamp":"…",("ordinal":n,)"type":"<record>","payload":{"type":"<event>"…`
 * (serde's field order), and the lines that matter are small; the large ones (tool outputs, instructions) are
 * skipped after a few byte compares. Lines of any other shape take the slow path (decoded and parsed).
 */

/** What a line is, as far as usage goes. */
export type UsageLineKind = 'token_count' | 'token_usage_record' | 'turn_context' | 'thread_settings' | 'session_meta' | 'skip' | 'unsure';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const TIMESTAMP = enc('{"timestamp":"');
const TYPE = enc('"type":"');
const EVENT_MSG = enc('event_msg","payload":{"type":"');
const TOKEN_COUNT = enc('token_count"');
const THREAD_SETTINGS = enc('thread_settings_applied"');
const RECORDS: [Uint8Array, UsageLineKind][] = [
  [enc('turn_context"'), 'turn_context'],
  [enc('session_meta"'), 'session_meta'],
  [enc('token_usage_record"'), 'token_usage_record'],
];
/** Record types that never carry usage. */
const OTHER_RECORDS = [enc('response_item"'), enc('compacted"'), enc('world_state"')];
/** Starts of the 0.1 – 0.29 families (bare response items, headers, state lines): no usage in any of them. */
const BARE_STARTS = [enc('{"type":"'), enc('{"id":"'), enc('{"record_type":"')];
/** How far into a line the record type may start (after the timestamp and a 0.169 `ordinal`). */
const TYPE_WINDOW = 160;

/** Whether `lit` is at `buf[i]`. */
export function bytesAt(buf: Uint8Array, i: number, lit: Uint8Array): boolean {
  if (i + lit.length > buf.length) return false;
  for (let k = 0; k < lit.length; k++) if (buf[i + k] !== lit[k]) return false;
  return true;
}

function find(buf: Uint8Array, lit: Uint8Array, from: number, to: number): number {
  const first = lit[0];
  for (let i = from; i + lit.length <= to; i++) if (buf[i] === first && bytesAt(buf, i, lit)) return i;
  return -1;
}

/** The kind of the line `buf[start, end)`. `unsure`: not the usual shape, decode and look. */
export function usageLineKind(buf: Uint8Array, start: number, end: number): UsageLineKind {
  if (!bytesAt(buf, start, TIMESTAMP)) return BARE_STARTS.some((b) => bytesAt(buf, start, b)) ? 'skip' : 'unsure';
  const t = find(buf, TYPE, start + TIMESTAMP.length, Math.min(end, start + TYPE_WINDOW));
  if (t < 0) return 'unsure';
  const v = t + TYPE.length;
  if (bytesAt(buf, v, EVENT_MSG)) {
    const q = v + EVENT_MSG.length;
    if (bytesAt(buf, q, TOKEN_COUNT)) return 'token_count';
    if (bytesAt(buf, q, THREAD_SETTINGS)) return 'thread_settings';
    return 'skip';
  }
  for (const [lit, kind] of RECORDS) if (bytesAt(buf, v, lit)) return kind;
  return OTHER_RECORDS.some((lit) => bytesAt(buf, v, lit)) ? 'skip' : 'unsure';
}

const MODEL = enc('"model":"');

/**
 * The first `"model":"…"` of the line `buf[start, end)`: in every `turn_context` written so far (0.40 – 0.169) the
 * payload's own `model` comes before any nested object that names one. Null when there is none.
 */
export function modelAt(buf: Uint8Array, start: number, end: number): string | null {
  const at = find(buf, MODEL, start, end);
  if (at < 0) return null;
  const from = at + MODEL.length;
  let i = from;
  while (i < end && buf[i] !== 0x22 && buf[i] !== 0x5c && i - from < 200) i++;
  if (buf[i] !== 0x22 || i === from) return null;
  return new TextDecoder().decode(buf.subarray(from, i));
}
