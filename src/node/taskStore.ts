import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One codex run of a stored task. */
export interface StoredRun {
  prompt: string;
  runDir: string;
  idPrefix: string;
  cliVersion: string | null;
  codexPath: string;
}

/** What is kept of a task so a window reload can re-attach to it. */
export interface StoredTask {
  id: string;
  title: string;
  cwd: string;
  createdAt: number;
  /** Options chosen for this task (model, sandbox, effort), reused by follow-ups. */
  overrides: Record<string, unknown>;
  runs: StoredRun[];
  /** For a past session opened from history: its rollout file, replayed before the runs. */
  replayPath?: string;
  /** The thread the task continues (a past session's id). */
  threadId?: string;
}

const TASK_FILE = 'task.json';

/** Tasks on disk (the extension's global storage): one folder per task, with a folder per run. */
export class TaskStore {
  constructor(readonly root: string) {}

  /** The folder of a task. */
  dir(id: string): string {
    if (!/^[\w.-]+$/.test(id)) throw new Error(`Not a task id: ${id}`);
    return path.join(this.root, id);
  }

  /** A fresh folder for the next run of a task. */
  nextRunDir(id: string, n: number): string {
    return path.join(this.dir(id), `run-${n}`);
  }

  save(task: StoredTask): void {
    const dir = this.dir(task.id);
    mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `${TASK_FILE}.tmp`);
    writeFileSync(tmp, JSON.stringify(task, null, 1));
    renameSync(tmp, path.join(dir, TASK_FILE));
  }

  load(id: string): StoredTask | null {
    try {
      return JSON.parse(readFileSync(path.join(this.dir(id), TASK_FILE), 'utf8')) as StoredTask;
    } catch {
      return null;
    }
  }

  remove(id: string): void {
    rmSync(this.dir(id), { recursive: true, force: true });
  }

  /** Removes task folders not touched for `maxAgeMs` (their panels are long gone). */
  prune(maxAgeMs: number, keep: ReadonlySet<string> = new Set()): number {
    let removed = 0;
    let names: string[] = [];
    try {
      names = readdirSync(this.root);
    } catch {
      return 0;
    }
    for (const name of names) {
      if (keep.has(name)) continue;
      try {
        if (Date.now() - statSync(path.join(this.root, name)).mtimeMs > maxAgeMs) {
          rmSync(path.join(this.root, name), { recursive: true, force: true });
          removed++;
        }
      } catch {
        // Gone already.
      }
    }
    return removed;
  }
}
