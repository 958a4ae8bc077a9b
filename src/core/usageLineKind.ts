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
const ORDINAL = enc('"ordinal":');
const EVENT_MSG = enc('event_msg","payload":{"type":"');
const TOKEN_COUNT = enc('token_count"');
const THREAD_SETTINGS = enc('thread_settings_applied"');
const TURN_CONTEXT = enc('turn_context"');
const TOKEN_USAGE_RECORD = enc('token_usage_record"');
const SESSION_META = enc('session_meta"');
const RESPONSE_ITEM = enc('response_item"');
const COMPACTED = enc('compacted"');
const WORLD_STATE = enc('world_state"');
/** Starts of the 0.1 – 0.29 families (bare response items, headers, state lines): no usage in any of them. */
const BARE_STARTS = [enc('{"id":"'), enc('{"record_type":"')];
const BARE_TYPE = enc('{"type":"');
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

/** Where `"type":"` is when `"ordinal":123,` is at `i` and it ends before `to`; -1 otherwise. */
function afterOrdinal(buf: Uint8Array, i: number, to: number): number {
  if (!bytesAt(buf, i, ORDINAL)) return -1;
  let d = i + ORDINAL.length;
  while (d < to && buf[d]! >= 0x30 && buf[d]! <= 0x39) d++;
  return buf[d] === 0x2c && d + 1 + TYPE.length <= to && bytesAt(buf, d + 1, TYPE) ? d + 1 : -1;
}

/**
 * Where the record type's name starts in an envelope line `{"timestamp":"…",("ordinal":n,)"type":"<record>"…`; -1 for
 * a line of another shape.
 */
export function recordTypeAt(buf: Uint8Array, start: number, end: number): number {
  if (!bytesAt(buf, start, TIMESTAMP)) return -1;
  // Usually right after a 24-character timestamp (`2026-11-21T08:05:53.880Z",`), or after 0.169's `"ordinal":n,`
  // there; else searched for.
  const guess = start + TIMESTAMP.length + 26;
  const to = Math.min(end, start + TYPE_WINDOW);
  // (Within the line: a short line must not be read by the bytes of the next.)
  let t = guess + TYPE.length <= end && bytesAt(buf, guess, TYPE) ? guess : afterOrdinal(buf, guess, to);
  if (t < 0) t = find(buf, TYPE, start + TIMESTAMP.length, to);
  return t < 0 ? -1 : t + TYPE.length;
}

/**
 * Whether the line at `start` is a `response_item`, or an `event_msg` of an event that does not start with `t`: the two
 * kinds most lines are, which carry no usage. Told from a few bytes at the offsets where the usual shape has them
 * (`{"timestamp":"<24 chars>",("ordinal":n,)"type":"`) and the record's name compared whole; false means "look
 * closer" ({@link usageLineKind}), never "it matters". The scanner skips most lines on this alone.
 */
export function plainSkip(buf: Uint8Array, start: number): boolean {
  let t = start + 40;
  if (buf[t] !== 0x22 || buf[start + 2] !== 0x74 || buf[start + 13] !== 0x22) return false;
  if (buf[t + 1] === 0x6f) {
    // `"ordinal":n,` (0.169) before the type
    t += 11;
    while (buf[t]! >= 0x30 && buf[t]! <= 0x39) t++;
    if (buf[t] !== 0x2c) return false;
    t++;
  }
  if (buf[t + 1] !== 0x74 || buf[t + 5] !== 0x22 || buf[t + 7] !== 0x22) return false;
  const v = t + 8;
  const c = buf[v];
  if (c === 0x72) return buf[v + 13] === 0x22 && bytesAt(buf, v, RESPONSE_ITEM);
  return c === 0x65 && buf[v + EVENT_MSG.length] !== 0x74 && bytesAt(buf, v, EVENT_MSG);
}

/** The kind of the line `buf[start, end)`. `unsure`: not the usual shape, decode and look. */
export function usageLineKind(buf: Uint8Array, start: number, end: number): UsageLineKind {
  if (!bytesAt(buf, start, TIMESTAMP)) {
    // A record with its keys in another order starts like a bare response item: look closer at those that may matter.
    if (bytesAt(buf, start, BARE_TYPE)) return [0x65, 0x74, 0x73].includes(buf[start + BARE_TYPE.length]!) ? 'unsure' : 'skip';
    return BARE_STARTS.some((b) => bytesAt(buf, start, b)) ? 'skip' : 'unsure';
  }
  const v = recordTypeAt(buf, start, end);
  if (v < 0) return 'unsure';
  // One byte tells most record types apart; the rest of the name is checked before trusting it.
  switch (buf[v]) {
    case 0x72: // response_item: most lines, and the large ones
      return bytesAt(buf, v, RESPONSE_ITEM) ? 'skip' : 'unsure';
    case 0x65: {
      if (!bytesAt(buf, v, EVENT_MSG)) return 'unsure';
      const q = v + EVENT_MSG.length;
      if (buf[q] !== 0x74) return 'skip'; // every event that matters starts with "t"
      if (bytesAt(buf, q, TOKEN_COUNT)) return 'token_count';
      return bytesAt(buf, q, THREAD_SETTINGS) ? 'thread_settings' : 'skip';
    }
    case 0x74:
      return bytesAt(buf, v, TURN_CONTEXT) ? 'turn_context' : bytesAt(buf, v, TOKEN_USAGE_RECORD) ? 'token_usage_record' : 'unsure';
    case 0x73:
      return bytesAt(buf, v, SESSION_META) ? 'session_meta' : 'unsure';
    case 0x63:
      return bytesAt(buf, v, COMPACTED) ? 'skip' : 'unsure';
    case 0x77:
      return bytesAt(buf, v, WORLD_STATE) ? 'skip' : 'unsure';
    default:
      return 'unsure';
  }
}

const MODEL = enc('"model":"');

/**
 * The first `"model":"…"` of the line `buf[start, end)`: in every `turn_context` written so far (0.40 – 0.169) the
 * payload's own `model` comes before any nested object that names one. Null when there is none. `known` (the model
 * read before) is returned as is when the bytes spell it, which saves building the same string for every turn.
 */
export function modelAt(buf: Uint8Array, start: number, end: number, known: string | null = null): string | null {
  // Found by its `m` with the native byte search: a few hundred bytes precede it, too many for a loop in JS.
  let at = -1;
  for (let m = buf.indexOf(0x6d, start + 1); m >= 0 && m - 1 + MODEL.length <= end; m = buf.indexOf(0x6d, m + 1)) {
    if (bytesAt(buf, m - 1, MODEL)) {
      at = m - 1;
      break;
    }
  }
  if (at < 0) return null;
  const from = at + MODEL.length;
  let i = from;
  while (i < end && buf[i] !== 0x22 && buf[i] !== 0x5c && i - from < 200) i++;
  if (buf[i] !== 0x22 || i === from) return null;
  if (known !== null && spells(buf, from, i, known)) return known;
  for (let k = from; k < i; k++) if (buf[k]! >= 0x80) return new TextDecoder().decode(buf.subarray(from, i));
  return latin1(buf, from, i);
}

/** Whether `buf[from, to)` is the ASCII text `s` (other text is not compared: its bytes are not its char codes). */
function spells(buf: Uint8Array, from: number, to: number, s: string): boolean {
  if (to - from !== s.length) return false;
  for (let k = 0; k < s.length; k++) if (buf[from + k] !== s.charCodeAt(k) || s.charCodeAt(k) >= 0x80) return false;
  return true;
}

/** `buf[start, end)` as Latin-1 text: one char per byte. */
export function latin1(buf: Uint8Array, start: number, end: number): string {
  return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
}

/**
 * The `"timestamp"` of an envelope line, read in place (null when the line does not start with one). `text` turns
 * its bytes into a string as {@link latin1} does (Node passes a native one: this runs for every usage record).
 */
export function envelopeTimestamp(buf: Uint8Array, start: number, end: number, text = latin1): string | null {
  if (!bytesAt(buf, start, TIMESTAMP)) return null;
  const from = start + TIMESTAMP.length;
  let i = from;
  while (i < end && i - from < 64 && buf[i] !== 0x22) i++;
  if (buf[i] !== 0x22) return null;
  return text(buf, from, i);
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

const INPUT = enc('"input_tokens":');
const CACHED = enc('"cached_input_tokens":');
const CACHE_WRITE = enc('"cache_write_input_tokens":');
const OUTPUT = enc('"output_tokens":');
const REASONING = enc('"reasoning_output_tokens":');
const TOTAL_TOKENS = enc('"total_tokens":');

/** The fields of a usage object, by number: the four counts kept, then two that are not (`total_tokens` is their sum). */
const F_INPUT = 0;
const F_CACHED = 1;
const F_OUTPUT = 2;
const F_REASONING = 3;
const F_CACHE_WRITE = 4;
const F_TOTAL = 5;
const FIELD_LENGTH = [INPUT.length, CACHED.length, OUTPUT.length, REASONING.length, CACHE_WRITE.length, TOTAL_TOKENS.length];

/** Which field's `"name":` literal is at `i` (see the numbers above); -1 for any other. */
function fieldAt(buf: Uint8Array, i: number): number {
  switch (buf[i + 1]) {
    case 0x69: // i
      return bytesAt(buf, i, INPUT) ? F_INPUT : -1;
    case 0x63: // c
      return bytesAt(buf, i, CACHED) ? F_CACHED : bytesAt(buf, i, CACHE_WRITE) ? F_CACHE_WRITE : -1;
    case 0x6f: // o
      return bytesAt(buf, i, OUTPUT) ? F_OUTPUT : -1;
    case 0x72: // r
      return bytesAt(buf, i, REASONING) ? F_REASONING : -1;
    case 0x74: // t
      return bytesAt(buf, i, TOTAL_TOKENS) ? F_TOTAL : -1;
    default:
      return -1;
  }
}

/**
 * Reads `"key":123,…}` at `i` (just after the `{`). Null on an unknown key or anything but
 * plain integers. The counts are kept in locals and the object built once: this runs twice per `token_count`, the
 * most frequent record that is read.
 */
function usageObjectAt(buf: Uint8Array, i: number, end: number): RawTokenUsage | null {
  let input = 0;
  let cached = 0;
  let output = 0;
  let reasoning = 0;
  // As `usageFromWire`: an object with neither input nor output counts is no usage (the parser then decides).
  let counted = false;
  for (;;) {
    const field = fieldAt(buf, i);
    if (field < 0) return null;
    i += FIELD_LENGTH[field]!;
    let v = 0;
    const from = i;
    for (; i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39; i++) v = v * 10 + buf[i]! - 0x30;
    if (i === from || i - from > 15) return null;
    if (field === F_INPUT) input = v;
    else if (field === F_CACHED) cached = v;
    else if (field === F_OUTPUT) output = v;
    else if (field === F_REASONING) reasoning = v;
    if (field === F_INPUT || field === F_OUTPUT) counted = true;
    if (buf[i] === 0x7d) {
      if (!counted) return null;
      return { input_tokens: input, cached_input_tokens: cached, output_tokens: output, reasoning_output_tokens: reasoning };
    }
    if (buf[i] !== 0x2c) return null;
    i++;
  }
}

/**
 * The usage objects of a `token_count` line, read in place: `info: null` gives `{ total: null, last: null }`.
 * Null when the line is not of the usual shape (the caller parses it instead).
 */
export function tokenCountAt(buf: Uint8Array, start: number, end: number): { total: RawTokenUsage | null; last: RawTokenUsage | null } | null {
  // `{"type":"token_count","info":` follows the record type; searched for only when it does not.
  const guess = buf.indexOf(0x69, start + 60); // the `i` of `"info"`, usually within a few bytes
  const info = guess >= 0 && guess < end && bytesAt(buf, guess - 1, INFO) ? guess - 1 : find(buf, INFO, start, end);
  if (info < 0) return null;
  let i = info + INFO.length;
  if (bytesAt(buf, i, NULL)) return { total: null, last: null };
  if (buf[i] !== 0x7b) return null;
  i++;
  // `"total_token_usage":{…}` first: the running total is what counts (`infoUsage`), so the last call's figures after it
  // are not read; without a total, `"last_token_usage":{…}`; anything else goes to the parser.
  if (bytesAt(buf, i, TOTAL)) {
    const total = usageObjectAt(buf, i + TOTAL.length, end);
    return total ? { total, last: null } : null;
  }
  const last = bytesAt(buf, i, LAST) ? usageObjectAt(buf, i + LAST.length, end) : null;
  return last ? { total: null, last } : null;
}
