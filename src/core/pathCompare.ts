/**
 * Comparing file-system paths as text, for "sessions of this workspace" filters. Pure: symlinks are resolved by the
 * caller (`src/node/pathIdentity.ts` realpaths both sides first); this module handles what is visible in the text:
 * separators, trailing slashes, `.`/`..` segments, `file://` URIs, drive-letter case, and the WSL spellings of one
 * folder (`/mnt/c/x`, `C:\x`, `\\wsl$\Ubuntu\home\x` ↔ `/home/x`).
 */

/** How paths compare. */
export interface PathCompareOptions {
  /**
   * Whether letter case is ignored everywhere (the default file systems of Windows and macOS). Drive-letter paths
   * (`C:\…`, `/mnt/c/…`) are always compared without case, since they live on a Windows file system.
   */
  caseInsensitive?: boolean;
}

const DRIVE = /^([A-Za-z]):(?:\/|$)/;
const WSL_MOUNT = /^\/mnt\/([A-Za-z])(?=\/|$)/;
const WSL_UNC = /^\/\/(?:wsl\$|wsl\.localhost)\/[^/]+(?=\/|$)/i;

function fromFileUri(p: string): string {
  if (!/^file:\/\//i.test(p)) return p;
  let rest = p.slice('file://'.length);
  if (/^localhost\//i.test(rest)) rest = rest.slice('localhost'.length);
  try {
    rest = decodeURIComponent(rest);
  } catch {
    // keep the text as it is
  }
  // file:///C:/x → C:/x
  return /^\/[A-Za-z]:/.test(rest) ? rest.slice(1) : rest;
}

/**
 * A canonical text form of a path: forward slashes, no trailing slash (except the root), `.` and `..` resolved, a
 * drive as `c:/…` (WSL `/mnt/c/…` becomes `c:/…`), `\\wsl$\<distro>\x` becomes `/x`. Relative paths stay relative.
 */
export function normalizePath(p: string, opts: PathCompareOptions = {}): string {
  let s = fromFileUri(p.trim()).replace(/\\/g, '/');
  const unc = s.startsWith('//');
  s = s.replace(/\/{2,}/g, '/');
  if (unc) s = `/${s}`;
  const wslUnc = WSL_UNC.exec(s);
  if (wslUnc) s = s.slice(wslUnc[0].length) || '/';
  const mount = WSL_MOUNT.exec(s);
  if (mount) s = `${mount[1]}:${s.slice(mount[0].length) || '/'}`;
  let root = '';
  const drive = DRIVE.exec(s);
  if (drive) {
    root = `${drive[1]!.toLowerCase()}:/`;
    s = s.slice(drive[0].length);
  } else if (s.startsWith('//')) {
    root = '//';
    s = s.slice(2);
  } else if (s.startsWith('/')) {
    root = '/';
    s = s.slice(1);
  }
  const out: string[] = [];
  for (const seg of s.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (seg !== '..' || root === '') out.push(seg);
  }
  let joined = root + out.join('/');
  if (joined === '') joined = root || '.';
  if (opts.caseInsensitive || drive || mount) joined = joined.toLowerCase();
  return joined;
}

/** Whether two paths name the same folder or file, as far as their text tells. */
export function samePath(a: string, b: string, opts: PathCompareOptions = {}): boolean {
  return normalizePath(a, opts) === normalizePath(b, opts);
}

/**
 * Whether `child` is `parent` or lies below it (`/a/b` is under `/a`, `/ab` is not). With `strict`, `parent`
 * itself does not count.
 */
export function isUnder(child: string, parent: string, opts: PathCompareOptions & { strict?: boolean } = {}): boolean {
  const c = normalizePath(child, opts);
  const p = normalizePath(parent, opts);
  if (c === p) return !opts.strict;
  const prefix = p.endsWith('/') ? p : `${p}/`;
  return c.startsWith(prefix);
}
