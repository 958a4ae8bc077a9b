import { statSync } from 'node:fs';

/*
 * The kind, size and times of many paths, as cheaply as Node allows: a warm `codex-sessions usage` checks every
 * rollout (10,000 of them) and every folder of the history. `fs.statSync` builds a `Stats` with four `Date`s per call
 * on Node 20 (lazily only from Node 22), which costs as much as the system call and keeps the garbage collector busy;
 * Node's own stat binding fills an array of numbers instead. It is used only once it has given, for a path, exactly
 * what `fs.statSync` gives (an internal API may change shape in another Node version); otherwise, and wherever it is
 * missing, `fs.statSync` is.
 */

/** What {@link stampOf} reads of a path (symbolic links followed). One object is reused for many calls. */
export interface FileStamp {
  isFile: boolean;
  isDirectory: boolean;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** A stamp to fill. */
export const newStamp = (): FileStamp => ({ isFile: false, isDirectory: false, size: 0, mtimeMs: 0, ctimeMs: 0 });

interface StatBinding {
  stat(path: string, useBigint: boolean, req: undefined, throwIfNoEntry: boolean): Float64Array | undefined;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

/** Node's own arithmetic (`msFromTimeSpec`): seconds and nanoseconds of a time to milliseconds. */
function fromRaw(v: Float64Array, into: FileStamp): FileStamp {
  const kind = v[1]! & S_IFMT;
  into.isFile = kind === S_IFREG;
  into.isDirectory = kind === S_IFDIR;
  into.size = v[8]!;
  into.mtimeMs = v[12]! * 1e3 + v[13]! / 1e6;
  into.ctimeMs = v[14]! * 1e3 + v[15]! / 1e6;
  return into;
}

/**
 * The binding, once checked against `fs.statSync` on `probe`; null when it is not there or disagrees; undefined when
 * `probe` cannot tell (it is gone): the next path is the probe.
 */
function checkedBinding(probe: string): StatBinding | null | undefined {
  try {
    const b = (process as unknown as { binding?: (name: string) => unknown }).binding?.('fs') as StatBinding | undefined;
    if (typeof b?.stat !== 'function') return null;
    const raw = b.stat(probe, false, undefined, false);
    const st = statSync(probe, { throwIfNoEntry: false });
    if (!raw && !st) return undefined;
    if (!raw || !st) return null;
    const mine = fromRaw(raw, newStamp());
    const same = mine.size === st.size && mine.mtimeMs === st.mtimeMs && mine.ctimeMs === st.ctimeMs && mine.isFile === st.isFile() && mine.isDirectory === st.isDirectory();
    return same ? b : null;
  } catch {
    return null;
  }
}

/** undefined: not checked yet. */
let binding: StatBinding | null | undefined;

/** Whether stamps come from Node's stat binding (checked and agreeing) rather than `fs.statSync`. */
export function usingStatBinding(): boolean {
  return Boolean(binding);
}

/** Whether the next call should check the binding again (tests). */
export function resetStampBinding(use = true): void {
  binding = use ? undefined : null;
}

/** Fills `into` with the stamp of `file` (symbolic links followed); null when it is gone or cannot be stat-ed. */
export function stampOf(file: string, into: FileStamp): FileStamp | null {
  if (binding === undefined && (binding = checkedBinding(file)) === undefined) return null;
  if (binding) {
    try {
      const raw = binding.stat(file, false, undefined, false);
      return raw ? fromRaw(raw, into) : null;
    } catch {
      return null;
    }
  }
  let st;
  try {
    st = statSync(file, { throwIfNoEntry: false });
  } catch {
    return null;
  }
  if (!st) return null;
  into.isFile = st.isFile();
  into.isDirectory = st.isDirectory();
  into.size = st.size;
  into.mtimeMs = st.mtimeMs;
  into.ctimeMs = st.ctimeMs;
  return into;
}
