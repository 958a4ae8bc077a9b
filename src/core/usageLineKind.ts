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

/** The `"timestamp"` of an envelope line, read in place (null when the line does not start with one). */
export function envelopeTimestamp(buf: Uint8Array, start: number, end: number): string | null {
  if (!bytesAt(buf, start, TIMESTAMP)) return null;
  const from = start + TIMESTAMP.length;
  let i = from;
  while (i < end && i - from < 64 && buf[i] !== 0x22) i++;
  if (buf[i] !== 0x22) return null;
  return String.fromCharCode.apply(null, buf.subarray(from, i) as unknown as number[]);
}

/** Token fields of a usage object, as `token_count` writes them. */
export interface RawTokenUsage {
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_output_tokens: number;
}

const INFO = enc('"info":');
const NULL = enc('null');
const TOTAL = enc('"total_token_usage":{');
const LAST = enc('"last_token_usage":{');

/** Reads `"key":123,…}` at `i` (just after the `{`); null on anything but plain integer fields. */
function usageObjectAt(buf: Uint8Array, i: number, end: number): RawTokenUsage | null {
  const u: RawTokenUsage = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0 };
  for (;;) {
    if (buf[i] !== 0x22) return null;
    const k = ++i;
    while (i < end && buf[i] !== 0x22) i++;
    const key = String.fromCharCode.apply(null, buf.subarray(k, i) as unknown as number[]);
    if (buf[++i] !== 0x3a) return null;
    let v = 0;
    let digits = 0;
    for (i++; i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39; i++, digits++) v = v * 10 + buf[i]! - 0x30;
    if (digits === 0 || digits > 15) return null;
    if (key in u) u[key as keyof RawTokenUsage] = v;
    if (buf[i] === 0x7d) return u;
    if (buf[i] !== 0x2c) return null;
    i++;
  }
}

/**
 * The usage objects of a `token_count` line, read in place: `info: null` gives `{ total: null, last: null }`.
 * Null when the line is not of the usual shape (the caller parses it instead).
 */
export function tokenCountAt(buf: Uint8Array, start: number, end: number): { total: RawTokenUsage | null; last: RawTokenUsage | null } | null {
  const info = find(buf, INFO, start, end);
  if (info < 0) return null;
  if (bytesAt(buf, info + INFO.length, NULL)) return { total: null, last: null };
  const t = find(buf, TOTAL, info, end);
  const l = find(buf, LAST, info, end);
  const total = t < 0 ? null : usageObjectAt(buf, t + TOTAL.length, end);
  const last = l < 0 ? null : usageObjectAt(buf, l + LAST.length, end);
  if ((t >= 0 && !total) || (l >= 0 && !last) || (!total && !last)) return null;
  return { total, last };
}
