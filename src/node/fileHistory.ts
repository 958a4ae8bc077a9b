import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** Limits of the start-of-task snapshot, so a huge workspace costs bounded time and memory. */
export interface SnapshotLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = { maxFiles: 5000, maxFileBytes: 1024 * 1024, maxTotalBytes: 64 * 1024 * 1024 };

/** Folders never snapshotted (dependencies, build output, VCS data). */
const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn', 'dist', 'out', 'build', 'target', '.venv', 'venv', '__pycache__', '.next', '.cache', 'coverage']);

/** What a file looked like: its text, absent (did not exist), or unknown (not captured). */
export type FileVersion = { kind: 'text'; text: string } | { kind: 'absent' } | { kind: 'unknown'; reason: string };

function looksBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8000).includes(0);
}

/**
 * Before/after contents of the files a task changes, so every file change can open a real diff without git:
 * a bounded snapshot of the workspace taken when the task starts, plus the contents recorded after each change.
 */
export class FileHistory {
  private readonly baseline = new Map<string, string>();
  private captured = false;
  private truncated = false;
  /** Contents after each (item, path) change, in the order changes completed. */
  private readonly after: { key: string; file: string; version: FileVersion }[] = [];

  /** Snapshots text files under `root` (depth-first, skipping dependency and build folders) within the limits. */
  async capture(root: string, limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS): Promise<{ files: number; bytes: number; truncated: boolean }> {
    let files = 0;
    let bytes = 0;
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (files >= limits.maxFiles || bytes >= limits.maxTotalBytes) {
          this.truncated = true;
          return;
        }
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name)) await walk(p);
        } else if (e.isFile()) {
          try {
            const s = await stat(p);
            if (s.size > limits.maxFileBytes) continue;
            const buf = await readFile(p);
            if (looksBinary(buf)) continue;
            this.baseline.set(path.resolve(p), buf.toString('utf8'));
            files++;
            bytes += buf.length;
          } catch {
            // Unreadable or gone: that file's diff will say so.
          }
        }
      }
    };
    await walk(root);
    this.captured = true;
    return { files, bytes, truncated: this.truncated };
  }

  /** Records what a file looks like now, after change `itemId` touched it. */
  async recordAfter(itemId: string, file: string): Promise<void> {
    const abs = path.resolve(file);
    this.after.push({ key: `${itemId}\n${abs}`, file: abs, version: await readVersion(abs) });
  }

  /** The file as it was before change `itemId`: after the previous recorded change, else at task start. */
  before(itemId: string, file: string, kind: 'add' | 'update' | 'delete'): FileVersion {
    const abs = path.resolve(file);
    const at = this.after.findIndex((a) => a.key === `${itemId}\n${abs}`);
    const earlier = (at >= 0 ? this.after.slice(0, at) : this.after).filter((a) => a.file === abs);
    const prev = earlier[earlier.length - 1];
    if (prev) return prev.version;
    if (kind === 'add') return { kind: 'absent' };
    const text = this.baseline.get(abs);
    if (text !== undefined) return { kind: 'text', text };
    return { kind: 'unknown', reason: this.captured ? (this.truncated ? 'the workspace was larger than the snapshot limits' : 'the file was not in the snapshot taken when the task started') : 'no snapshot was taken' };
  }

  /** The file right after change `itemId` (recorded at completion), else as it is on disk now. */
  async afterChange(itemId: string, file: string): Promise<FileVersion> {
    const abs = path.resolve(file);
    return this.after.find((a) => a.key === `${itemId}\n${abs}`)?.version ?? readVersion(abs);
  }
}

async function readVersion(file: string): Promise<FileVersion> {
  try {
    const buf = await readFile(file);
    return looksBinary(buf) ? { kind: 'unknown', reason: 'binary file' } : { kind: 'text', text: buf.toString('utf8') };
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'absent' } : { kind: 'unknown', reason: (e as Error).message };
  }
}
