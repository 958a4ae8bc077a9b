import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Every process's parent, from /proc on Linux and `ps` elsewhere; empty when neither can be read. */
export function processParents(): Map<number, number> {
  const parents = new Map<number, number>();
  if (process.platform === 'linux') {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        // Field 2 (comm) may hold spaces and parentheses: fields after it start past the last ')'.
        const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        parents.set(Number(name), Number(rest[1]));
      } catch {
        // The process exited while we looked.
      }
    }
    return parents;
  }
  if (process.platform === 'win32') return parents;
  try {
    const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8', timeout: 5000 });
    for (const line of out.split('\n')) {
      const m = /^\s*(\d+)\s+(\d+)/.exec(line);
      if (m) parents.set(Number(m[1]), Number(m[2]));
    }
  } catch {
    // No ps: only the process group kill is left.
  }
  return parents;
}

/** The pids of all descendants of `root` (children, grandchildren, …), not including `root`. */
export function descendantsOf(root: number, parents = processParents()): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const out: number[] = [];
  const stack = [root];
  const seen = new Set<number>([root]);
  while (stack.length) {
    const pid = stack.pop()!;
    for (const c of children.get(pid) ?? []) {
      if (seen.has(c)) continue;
      seen.add(c);
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

/** Whether a process exists (and is not a zombie, on Linux). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  }
  return true;
}

/** Sends a signal to a process group and to each pid, ignoring the ones already gone. */
export function signalAll(groupLeader: number | undefined, pids: Iterable<number>, signal: NodeJS.Signals): void {
  if (process.platform === 'win32') {
    if (groupLeader !== undefined) {
      try {
        execFileSync('taskkill', ['/T', '/F', '/PID', String(groupLeader)], { stdio: 'ignore', timeout: 5000 });
      } catch {
        // Already gone.
      }
    }
    return;
  }
  if (groupLeader !== undefined) {
    try {
      process.kill(-groupLeader, signal);
    } catch {
      // The group is empty.
    }
  }
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}
