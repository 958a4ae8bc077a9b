import type { RolloutSession } from './rolloutSession';
import { isInjectedContext, startsAsInjected } from './sessionTitle';
import { bytesAt, recordTypeAt } from './usageLineKind';

/*
 * What a head read (a session's id, start, folder, CLI, model and first real prompt) passes to the parser of each line
 * of a rollout, decided from the line's bytes: most of a head is text the head has no use for (instructions, injected
 * context), and decoding and parsing it was most of the cost of a cold index. Shared by the head-only reader and the
 * reader that also counts usage, so that both find the same head.
 */

/** Decoders of `buf[start, end)` (UTF-8, Latin-1: one char per byte) and a byte search; Node passes Buffer's. */
export interface ByteText {
  utf8: (buf: Uint8Array, start: number, end: number) => string;
  latin1: (buf: Uint8Array, start: number, end: number) => string;
  /** Where `needle` first occurs in `buf` at or after `from` and ends by `to`; -1: nowhere. */
  find: (buf: Uint8Array, needle: Uint8Array, from: number, to: number) => number;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/*
 * The marks below are looked for in a line's first bytes with String#includes: a regular expression with
 * alternatives cost ~1.5 µs a line, more than the parse it saved on short lines.
 */
/**
 * Lines the head gets nothing from: developer and system messages (instructions), 0.169's world state (kilobytes
 * each), and turn starts (they open a turn, which tells nothing about the session).
 */
const SKIP = ['"type":"world_state"', '"role":"developer"', '"role":"system"', '"payload":{"type":"task_started"', '"payload":{"type":"turn_started"'];
/** The records that tell the head only the model and folder. */
const SETTINGS = ['"type":"turn_context","payload":{', '"payload":{"type":"thread_settings_applied"'];
/** A user message whose first text part starts in the window: `… "role":"user","content":[{"type":"input_text","text":"`. */
const USER_TEXT = ['"role":"user","content":[{"type":"input_text","text":"', '"role":"user","content":[{"type":"text","text":"'];
/** Records that carry the CLI's instructions: the first of a session (any family) and the settings of a turn. */
const INSTRUCTED = ['"type":"session_meta"', '"type":"turn_context"'];
/** Where instruction keys sit in those records: among their first fields. */
const KEY_WINDOW = 4096;

const hasAny = (w: string, marks: readonly string[]): boolean => marks.some((m) => w.includes(m));

/** Where the first of `marks` found in `w` ends; -1: none. */
function afterAny(w: string, marks: readonly string[]): number {
  for (const m of marks) {
    const at = w.indexOf(m);
    if (at !== -1) return at + m.length;
  }
  return -1;
}
/** How far into a line its record type, a message's role and the start of its text appear. */
const WINDOW = 240;
/** How much of a text's start decides whether it is injected context (its marks are within the first 64 chars). */
const TEXT_PEEK = 200;

/** String fields of the first records with the CLI's instructions (up to ~20 KB each), which a head never needs. */
const BASE_INSTRUCTIONS = enc(',"base_instructions":');
const INSTRUCTION_KEYS = ['"base_instructions":{"text":"', '"instructions":"', '"user_instructions":"', '"developer_instructions":"'].map(enc);
/** Lines shorter than this are passed as they are. */
const LONG_LINE = 2048;

/** A byte search in plain JavaScript (where no native one is given). */
export function findBytes(buf: Uint8Array, lit: Uint8Array, from: number, to: number): number {
  const first = lit[0]!;
  for (let i = buf.indexOf(first, from); i !== -1 && i + lit.length <= to; i = buf.indexOf(first, i + 1)) {
    let k = 1;
    while (k < lit.length && buf[i + k] === lit[k]) k++;
    if (k === lit.length) return i;
  }
  return -1;
}

/** The offset of the quote that closes the JSON string whose contents start at `from` (-1: none before `to`). */
function stringEnd(buf: Uint8Array, from: number, to: number): number {
  // (A quote is never far in a JSON line: the search past `to` stops at the next one.)
  for (let q = buf.indexOf(0x22, from); q !== -1 && q < to; q = buf.indexOf(0x22, q + 1)) {
    let backslashes = 0;
    while (buf[q - 1 - backslashes] === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
  return -1;
}

const ONE_PART_END = enc('}]');

/**
 * Whether a user message is one text part that is injected context (AGENTS.md, environment, skills …), told from the
 * text's first bytes. Only when that is certain: with a start that shows no mark of injected context, or another part
 * after this one (the text not followed by the end of the content, `}]`), the line is parsed as usual.
 */
function injectedUserText(buf: Uint8Array, end: number, at: number, text: ByteText): boolean {
  const close = stringEnd(buf, at, end);
  // The text as written up to its first escape (or its end, or the peek): what it starts with, exactly.
  const limit = Math.min(close === -1 ? end : close, at + TEXT_PEEK);
  const escape = buf.subarray(at, limit).indexOf(0x5c);
  const upTo = escape === -1 ? limit : at + escape;
  const whole = upTo === close;
  const start = text.utf8(buf, at, upTo);
  // A whole text is judged as the parser would; a start only by a mark it shows (a mark of injected context that a
  // text starts with is all within its start).
  if (!(whole ? isInjectedContext(start) : startsAsInjected(start.trimStart()))) return false;
  return close !== -1 && bytesAt(buf, close + 1, ONE_PART_END);
}

const RESPONSE_ITEM = enc('response_item","payload":{"type":"');
const MESSAGE = enc('message"');
const EVENT_MSG = enc('event_msg","payload":{"type":"');
const ROLE = enc('"role":"');
const USER_CONTENT = [enc('user","content":[{"type":"input_text","text":"'), enc('user","content":[{"type":"text","text":"')];
const DEVELOPER = enc('developer"');
const SYSTEM = enc('system"');
const TASK_STARTED = enc('task_started"');
const TURN_STARTED = enc('turn_started"');
const THREAD_SETTINGS = enc('thread_settings_applied"');
const TURN_CONTEXT = enc('turn_context"');
const SESSION_META = enc('session_meta"');
const WORLD_STATE = enc('world_state"');

/** What a head does with a line, told from its first bytes. */
const enum Head {
  /** Nothing to learn from it. */
  Skip,
  /** Settings (model and folder): nothing once the session has both. */
  Settings,
  /** A record with the CLI's instructions in its first fields. */
  Instructed,
  /** Parsed as it is (or, when long and of no known kind, with instructions emptied). */
  Parse,
}

/** Where `lit` first occurs in `buf[from, to)` (a few dozen bytes: a loop beats a native call); -1: not there. */
function near(buf: Uint8Array, lit: Uint8Array, from: number, to: number): number {
  for (let i = from; i + lit.length <= to; i++) if (buf[i] === lit[0] && bytesAt(buf, i, lit)) return i;
  return -1;
}

/**
 * The head's view of an envelope line (record type at `v`): a few byte compares, as `usageLineKind` does; `user` is
 * set to where a user message's first text starts.
 */
function envelopeHead(buf: Uint8Array, v: number, end: number, found: { user: number }): Head {
  const to = Math.min(end, v + WINDOW);
  switch (buf[v]) {
    case 0x72: {
      // response_item: a message's role comes after its type (and 0.169's id).
      if (!bytesAt(buf, v, RESPONSE_ITEM) || !bytesAt(buf, v + RESPONSE_ITEM.length, MESSAGE)) return Head.Parse;
      const r = near(buf, ROLE, v + RESPONSE_ITEM.length + MESSAGE.length, to);
      if (r === -1) return Head.Parse;
      const role = r + ROLE.length;
      if (bytesAt(buf, role, DEVELOPER) || bytesAt(buf, role, SYSTEM)) return Head.Skip;
      for (const c of USER_CONTENT) if (bytesAt(buf, role, c)) found.user = role + c.length;
      return Head.Parse;
    }
    case 0x65: {
      if (!bytesAt(buf, v, EVENT_MSG)) return Head.Parse;
      const q = v + EVENT_MSG.length;
      if (bytesAt(buf, q, TASK_STARTED) || bytesAt(buf, q, TURN_STARTED)) return Head.Skip;
      return bytesAt(buf, q, THREAD_SETTINGS) ? Head.Settings : Head.Parse;
    }
    case 0x74:
      return bytesAt(buf, v, TURN_CONTEXT) ? Head.Instructed : Head.Parse;
    case 0x73:
      return bytesAt(buf, v, SESSION_META) ? Head.Instructed : Head.Parse;
    case 0x77:
      return bytesAt(buf, v, WORLD_STATE) ? Head.Skip : Head.Parse;
    default:
      return Head.Parse;
  }
}

/** The head's view of a line of another shape (0.1 – 0.29 files, records with keys in another order), from its text. */
function otherHead(window: string, found: { user: number }, start: number): Head {
  if (hasAny(window, SKIP)) return Head.Skip;
  if (hasAny(window, SETTINGS)) return Head.Settings;
  const user = afterAny(window, USER_TEXT);
  if (user !== -1) found.user = start + user;
  return hasAny(window, INSTRUCTED) || !window.startsWith('{"timestamp"') ? Head.Instructed : Head.Parse;
}

/**
 * The text of a head line for the parser, or null for a line the head has no use for. Instructions are emptied from
 * the records that carry them (the rest of the line stays valid JSON: a quote byte is never part of a multi-byte
 * character, and a key that matches with unescaped quotes is a real key). Once `session` has its model and folder,
 * records that give only those are not parsed either (0.169 writes `thread_settings_applied` after each
 * `turn_context`, and 0.100 six of those a turn).
 */
export function headLine(buf: Uint8Array, start: number, end: number, session: RolloutSession, text: ByteText): string | null {
  const found = { user: -1 };
  const v = recordTypeAt(buf, start, end);
  const head = v !== -1 ? envelopeHead(buf, v, end, found) : otherHead(text.latin1(buf, start, Math.min(end, start + WINDOW)), found, start);
  if (head === Head.Skip) return null;
  const settings = head === Head.Settings || (head === Head.Instructed && v !== -1 && buf[v] === 0x74);
  if (settings && session.model !== null && session.cwd !== null) return null;
  // With its prompt, id and folder known, a session only waits for its model: nothing but settings can give it.
  if (!settings && session.title !== null && session.id !== null && session.cwd !== null) return null;
  if (found.user !== -1 && injectedUserText(buf, end, found.user, text)) return null;
  if (end - start < LONG_LINE || head !== Head.Instructed) return text.utf8(buf, start, end);
  const keysEnd = Math.min(end, start + KEY_WINDOW);
  if (v !== -1 && buf[v] === 0x73 && buf[end - 1] === 0x7d && buf[end - 2] === 0x7d) {
    // A session_meta's instructions are the last of its fields the head uses: a whole line (it ends as a record ends:
    // a file cut inside it is left to the parser) is cut before them, and closed, when that is valid JSON (cheaper
    // than finding where their ~20 KB end).
    const cut = text.find(buf, BASE_INSTRUCTIONS, start, keysEnd);
    if (cut !== -1) {
      const short = `${text.utf8(buf, start, cut)}}}`;
      try {
        JSON.parse(short);
        return short;
      } catch {
        // another shape: the instructions emptied below
      }
    }
  }
  // Each instruction key's first value emptied, in the order they appear (one may sit inside another's value: that
  // one is gone with it).
  const keys = INSTRUCTION_KEYS.map((key) => ({ at: text.find(buf, key, start, keysEnd), key })).filter((k) => k.at !== -1).sort((a, b) => a.at - b.at);
  let out = '';
  let from = start;
  for (const { at, key } of keys) {
    if (at < from) continue;
    const value = at + key.length;
    const close = stringEnd(buf, value, end);
    if (close === -1) continue;
    out += text.utf8(buf, from, value);
    from = close;
  }
  return out + text.utf8(buf, from, end);
}
