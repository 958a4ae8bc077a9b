/** Deepest nesting of free-form data (tool arguments and results) kept in an item; deeper parts become a notice. */
export const MAX_DATA_DEPTH = 64;

/** What replaces data nested deeper than {@link MAX_DATA_DEPTH}. */
export const TOO_DEEP = `[nested deeper than ${MAX_DATA_DEPTH} levels: not shown]`;

/**
 * A deep copy of plain data (objects, arrays, primitives) that shares the strings (immutable) and replaces anything
 * nested deeper than `max` levels with {@link TOO_DEEP}. `JSON.parse` reads a line of 100,000 nested arrays, but
 * `structuredClone`, `JSON.stringify`, `postMessage` and recursive renderers then overflow the stack: bounding the
 * depth where data enters the thread model keeps every later step safe. Recursion here is at most `max` deep.
 */
export function copyBounded<T>(v: T, max = MAX_DATA_DEPTH): T {
  return copyAt(v, 0, max) as T;
}

function copyAt(v: unknown, depth: number, max: number): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (depth >= max) return TOO_DEEP;
  if (Array.isArray(v)) return v.map((x) => copyAt(x, depth + 1, max));
  const out: Record<string, unknown> = {};
  for (const k in v) out[k] = copyAt((v as Record<string, unknown>)[k], depth + 1, max);
  return out;
}
