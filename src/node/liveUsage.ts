import { stat } from 'node:fs/promises';
import type { SessionUsage } from '../core/rolloutUsage';
import { findRolloutFile } from './rolloutLookup';
import { readRolloutUsage } from './sessionUsage';

interface Known {
  file: string | null;
  size: number;
  mtimeMs: number;
  usage: SessionUsage | null;
  /** When the file was last looked for (it appears a moment after the thread starts). */
  searchedAt: number;
}

/** How often a thread whose rollout file is not there yet is looked for again. */
const SEARCH_EVERY_MS = 2000;

/**
 * A running thread's usage from its rollout file, which codex appends a token record to after every model call: the
 * current `codex exec --json` reports tokens only when the turn completes, the rollout file as they are spent (with
 * the model in force). Reads again only when the file grew; cheap enough to ask every second.
 */
export class LiveRolloutUsage {
  private readonly known = new Map<string, Known>();

  /** `searchEveryMs`: how often a thread whose file is not there yet is looked for again. */
  /** `codexHome`: the folder, or a function that gives the current one (the setting can change). */
  constructor(
    private readonly codexHome: string | (() => string),
    private readonly searchEveryMs = SEARCH_EVERY_MS,
  ) {}

  /** The thread's usage so far, or null while its file is not found or records no tokens yet. */
  async read(threadId: string): Promise<SessionUsage | null> {
    let k = this.known.get(threadId);
    if (!k) this.known.set(threadId, (k = { file: null, size: -1, mtimeMs: 0, usage: null, searchedAt: 0 }));
    if (!k.file) {
      if (Date.now() - k.searchedAt < this.searchEveryMs) return null;
      k.searchedAt = Date.now();
      k.file = await findRolloutFile(typeof this.codexHome === 'string' ? this.codexHome : this.codexHome(), threadId);
      if (!k.file) return null;
    }
    try {
      const st = await stat(k.file);
      if (st.size !== k.size || st.mtimeMs !== k.mtimeMs) {
        k.usage = await readRolloutUsage(k.file, { size: st.size });
        k.size = st.size;
        k.mtimeMs = st.mtimeMs;
      }
    } catch {
      k.file = null; // archived or removed meanwhile: look again
      return null;
    }
    return k.usage && k.usage.total ? k.usage : null;
  }

  /** Forgets threads that no longer run. */
  retain(threadIds: Iterable<string>): void {
    const keep = new Set(threadIds);
    for (const id of this.known.keys()) if (!keep.has(id)) this.known.delete(id);
  }
}
