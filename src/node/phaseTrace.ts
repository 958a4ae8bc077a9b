/*
 * Phase timings of a command line run, printed to stderr at its end when CODEX_SESSIONS_TRACE is set: where a cold or
 * warm `usage` spends its time (the benchmarks' figures, broken down). Marks cost nothing when it is not set.
 */

/** Kept on the global object: the command line's front and its lazily loaded part each bundle a copy of this module. */
const KEY = Symbol.for('codex-sessions.phaseTrace');
const marks: [string, number][] = ((globalThis as Record<symbol, unknown>)[KEY] ??= []) as [string, number][];
const on = (): boolean => Boolean(process.env.CODEX_SESSIONS_TRACE);

/** Notes that `phase` ended now (milliseconds since the process started). */
export function mark(phase: string): void {
  if (on()) marks.push([phase, performance.now()]);
}

/** The phases marked so far, each with its duration and end: `phase 12 ms (at 140)`; empty when tracing is off. */
export function phases(): string {
  if (!on() || marks.length === 0) return '';
  return `${marks.map(([p, t], i) => `${p} ${(t - (i ? marks[i - 1]![1] : 0)).toFixed(0)} ms (at ${t.toFixed(0)})`).join(' | ')}\n`;
}
