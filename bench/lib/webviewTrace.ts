/*
 * Reads a Chromium trace of one webview run: every top-level task of the page's main thread (the thread of the
 * `bench-end` mark) between the driver's `bench-start` and the page's `bench-end` marks (the Long Tasks API only
 * reports tasks over 50 ms; the trace has all of them), and, for the longest tasks, where their time went (self time
 * per trace event name: script entry points, style, layout, paint, GC).
 */

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** CPU time of the thread during the event (µs); much less than `dur` means the thread waited for a core. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: Record<string, unknown>;
}

/** One long task with the trace events its time went to. */
export interface TaskBreakdown {
  /** ms from the first message posted. */
  startMs: number;
  durMs: number;
  /** The main thread's CPU time in the task (ms). */
  cpuMs: number;
  /** Self time (ms) per trace event name, largest first, the small ones left out. */
  selfMs: [string, number][];
}

/** The page's main-thread tasks during the run. */
export interface TraceSummary {
  /** Whether the page ran in another process than the driver (as a webview does); else its tasks include the driver's. */
  isolated: boolean;
  tasks: number;
  longestMs: number;
  over50: number;
  /** Tasks over 50 ms of the main thread's CPU time: the page's own work, whatever else ran on the machine. */
  over50Cpu: number;
  /** Sum of the parts of tasks beyond 50 ms (Total Blocking Time). */
  blockingMs: number;
  busyMs: number;
  /** The longest tasks, longest first. */
  worst: TaskBreakdown[];
  /** Self time (ms) per event name over all tasks of the window: where the main thread's time went overall. */
  overall: [string, number][];
}

const TASK_NAMES = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);

/** An event's name, with the function (script entry points) or the event type (dispatches) where the trace has it. */
function label(e: TraceEvent): string {
  if (TASK_NAMES.has(e.name)) return 'RunTask (other)';
  const data = (e.args?.data ?? {}) as { functionName?: string; lineNumber?: number; type?: string };
  if (e.name === 'FunctionCall') return `FunctionCall ${data.functionName || '(anonymous)'}${data.lineNumber ? `:${data.lineNumber}` : ''}`;
  if (e.name === 'EventDispatch' && data.type) return `EventDispatch ${data.type}`;
  return e.name;
}

/** Self time per event name of the complete events nested in [from, to] (one thread, sorted by start). */
function selfTimes(events: readonly TraceEvent[], from: number, to: number, acc: Map<string, number>): void {
  const stack: { end: number; name: string; child: number; dur: number }[] = [];
  const close = (until: number): void => {
    while (stack.length && (stack[stack.length - 1]?.end ?? 0) <= until) {
      const e = stack.pop()!;
      acc.set(e.name, (acc.get(e.name) ?? 0) + Math.max(0, e.dur - e.child));
      const parent = stack[stack.length - 1];
      if (parent) parent.child += e.dur;
    }
  };
  let lo = 0;
  for (let hi = events.length; lo < hi;) {
    const mid = (lo + hi) >> 1;
    if ((events[mid]?.ts ?? 0) < from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < events.length; i++) {
    const e = events[i]!;
    if (e.ts >= to) break;
    close(e.ts);
    const dur = e.dur ?? 0;
    stack.push({ end: e.ts + dur, name: label(e), child: 0, dur });
  }
  close(Infinity);
}

function top(acc: Map<string, number>, min: number): [string, number][] {
  return [...acc].filter(([, v]) => v / 1000 >= min).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v / 100) / 10]);
}

/** Summarizes the trace of one run; `worstCount` longest tasks get a breakdown. */
export function summarizeTrace(trace: Buffer, worstCount = 5): TraceSummary {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const all = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const start = all.find((e) => e.name === 'bench-start');
  const end = all.find((e) => e.name === 'bench-end');
  if (!start || !end) throw new Error('trace has no bench-start/bench-end marks');
  const thread = all
    .filter((e) => e.pid === end.pid && e.tid === end.tid && e.ph === 'X' && e.ts + (e.dur ?? 0) >= start.ts && e.ts <= end.ts)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  // Top-level tasks: task events not nested in another task event (the two task names nest inside each other).
  const tasks: TraceEvent[] = [];
  let until = -1;
  for (const e of thread) {
    if (!TASK_NAMES.has(e.name) || e.ts < until) continue;
    tasks.push(e);
    until = e.ts + (e.dur ?? 0);
  }
  const ms = (e: TraceEvent): number => (e.dur ?? 0) / 1000;
  const worst = [...tasks].sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0)).slice(0, worstCount).map((t): TaskBreakdown => {
    const acc = new Map<string, number>();
    selfTimes(thread, t.ts, t.ts + (t.dur ?? 0), acc);
    return { startMs: Math.round((t.ts - start.ts) / 1000), durMs: Math.round(ms(t) * 10) / 10, cpuMs: Math.round((t.tdur ?? t.dur ?? 0) / 100) / 10, selfMs: top(acc, 1) };
  });
  const overall = new Map<string, number>();
  for (const t of tasks) selfTimes(thread, t.ts, t.ts + (t.dur ?? 0), overall);
  const longest = (list: TraceEvent[]): number => Math.round(list.reduce((m, t) => Math.max(m, ms(t)), 0) * 10) / 10;
  const busy = (list: TraceEvent[]): number => Math.round(list.reduce((n, t) => n + ms(t), 0));
  return {
    isolated: start.pid !== end.pid,
    tasks: tasks.length,
    longestMs: longest(tasks),
    over50: tasks.filter((t) => ms(t) > 50).length,
    over50Cpu: tasks.filter((t) => (t.tdur ?? t.dur ?? 0) / 1000 > 50).length,
    blockingMs: Math.round(tasks.reduce((n, t) => n + Math.max(0, ms(t) - 50), 0)),
    busyMs: busy(tasks),
    worst,
    overall: top(overall, 20).slice(0, 12),
  };
}
