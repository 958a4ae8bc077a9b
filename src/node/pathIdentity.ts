import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { isUnder, samePath, type PathCompareOptions } from '../core/pathCompare';

/** How this machine's file systems compare names: without case on Windows and macOS (their defaults). */
export function platformPathOptions(platform: NodeJS.Platform = process.platform): PathCompareOptions {
  return { caseInsensitive: platform === 'win32' || platform === 'darwin' };
}

/**
 * Resolves symlinks in a path (`/tmp` → `/private/tmp` on macOS), also for paths that no longer exist: the longest
 * existing ancestor is resolved and the rest appended. Results are cached, since thousands of sessions share a few
 * folders.
 */
export class PathCanonicalizer {
  private readonly cache = new Map<string, Promise<string>>();

  /** The canonical form of `p` (an absolute path; relative ones are returned unchanged). */
  canonical(p: string): Promise<string> {
    if (!path.isAbsolute(p) && !/^[A-Za-z]:[\\/]/.test(p)) return Promise.resolve(p);
    let hit = this.cache.get(p);
    if (!hit) {
      hit = this.resolve(p);
      this.cache.set(p, hit);
    }
    return hit;
  }

  private async resolve(p: string): Promise<string> {
    try {
      return await realpath(p);
    } catch {
      const parent = path.dirname(p);
      if (parent === p) return p;
      return path.join(await this.canonical(parent), path.basename(p));
    }
  }
}

/** Options of {@link sameFolder} and {@link inFolder}. */
export interface FsCompareOptions extends PathCompareOptions {
  canonicalizer?: PathCanonicalizer;
}

/**
 * Whether two paths name the same folder on this machine: equal as text (see `samePath`), or equal once symlinks are
 * resolved.
 */
export async function sameFolder(a: string, b: string, opts: FsCompareOptions = platformPathOptions()): Promise<boolean> {
  if (samePath(a, b, opts)) return true;
  const c = opts.canonicalizer ?? new PathCanonicalizer();
  return samePath(await c.canonical(a), await c.canonical(b), opts);
}

/** Whether `child` is `parent` or below it on this machine (text first, then with symlinks resolved). */
export async function inFolder(child: string, parent: string, opts: FsCompareOptions = platformPathOptions()): Promise<boolean> {
  if (isUnder(child, parent, opts)) return true;
  const c = opts.canonicalizer ?? new PathCanonicalizer();
  return isUnder(await c.canonical(child), await c.canonical(parent), opts);
}
