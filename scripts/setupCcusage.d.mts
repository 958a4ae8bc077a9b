// Types for setupCcusage.mjs, which the usage equality test and the usage benchmark import to find ccusage.

/** The pinned ccusage version. */
export const CCUSAGE_VERSION: string;
/** The cache folder: $CODEX_SESSIONS_CCUSAGE_DIR, else ${XDG_CACHE_HOME:-~/.cache}/codex-sessions/ccusage-<version>. */
export function ccusageDir(): string;
/** The installed binary's path (present only after a finished setup). */
export function installedCcusage(dir?: string): string;
/** Whether the binary runs and is the pinned version. */
export function ccusageWorks(bin?: string): boolean;
/** Installs the pinned ccusage unless it is there (with npm, into the cache folder); returns the binary's path. */
export function setupCcusage(): string;
