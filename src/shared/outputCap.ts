/** Default cap on the characters of one command's output kept in memory (head and tail are kept). */
export const DEFAULT_MAX_OUTPUT_CHARS = 2_000_000;

/** The text put where output was cut out. */
export function omissionMarker(omitted: number): string {
  return `\n… [${omitted} characters omitted] …\n`;
}

/**
 * Keeps the head and the tail of `text` when it is longer than `max` characters, so a 100 MB output costs at most
 * `max` characters of memory. Returns the kept text and how many characters were dropped.
 */
export function capOutput(text: string, max: number): { text: string; dropped: number } {
  if (text.length <= max) return { text, dropped: 0 };
  const head = Math.floor(max / 4);
  const tail = max - head;
  const dropped = text.length - head - tail;
  // Copied, not sliced: a V8 slice keeps the whole original string alive.
  return { text: detachString(text.slice(0, head) + omissionMarker(dropped) + text.slice(text.length - tail)), dropped };
}

/**
 * A copy of `s` that shares no storage with it. V8 makes `slice` (and lines cut from a chunk) views into the parent
 * string, so keeping a short slice would keep the whole parent (a 64 KiB chunk, or a 64 MB line) alive.
 */
export function detachString(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

/**
 * Appends to an already capped output. `previousDropped` is what was dropped before; the marker already in `current`
 * is replaced rather than repeated.
 */
export function appendCapped(
  current: string,
  previousDropped: number,
  delta: string,
  max: number,
): { text: string; dropped: number } {
  if (previousDropped === 0) {
    // The first cut: same reasoning as below, the parent is `current` plus the delta.
    const joined = current + delta;
    if (joined.length <= max || joined.length > 2 * max) return capOutput(joined, max);
    const head = Math.floor(max / 4);
    const dropped = joined.length - max;
    return { text: joined.slice(0, head) + omissionMarker(dropped) + joined.slice(joined.length - (max - head)), dropped };
  }
  const marker = omissionMarker(previousDropped);
  const at = current.indexOf(marker);
  const head = at >= 0 ? current.slice(0, at) : '';
  const tail = at >= 0 ? current.slice(at + marker.length) : current;
  const joined = tail + delta;
  const keepTail = max - head.length;
  if (joined.length <= keepTail) return { text: head + marker + joined, dropped: previousDropped };
  const extra = joined.length - keepTail;
  const dropped = previousDropped + extra;
  // A slice keeps its parent alive, but here the parent is at most `max` plus the delta: copying (a JSON round trip
  // of `max` characters, 20-30 ms for 2 M) is only worth it when the delta made the parent much larger than `max`.
  const text = head + omissionMarker(dropped) + joined.slice(extra);
  return { text: joined.length > 2 * max ? detachString(text) : text, dropped };
}
