import path from 'node:path';
import type { CliIo } from './cliIo';
import { mark } from './phaseTrace';
import { defaultCacheFile, type SaveOptions } from './sessionCache';
import { resolveCodexHome, sessionTimeMs, type SessionFile } from './sessionFiles';
import type { RefreshOptions, SessionIndex } from './sessionIndex';

/*
 * What `list`, `search` and `usage` share: the index of a CODEX_HOME, opened the command line's way. Kept apart from
 * the commands so that `usage` loads none of the replay, search and rendering code it does not use.
 */

/** The environment the command line runs in (tests pass their own). */
export function cliEnv(io: CliIo): Record<string, string | undefined> {
  return io.env ?? process.env;
}

/** The flags that choose the index. */
export interface IndexFlags {
  'codex-home'?: string;
  'no-cache'?: boolean;
}

/** The `CODEX_HOME` of `--codex-home` (or the default home), and its cache file (null with `--no-cache`). */
export function indexFiles(values: IndexFlags, io: CliIo): { codexHome: string; cacheFile: string | null } {
  const codexHome = path.resolve(io.cwd, resolveCodexHome(values['codex-home'], cliEnv(io)));
  return { codexHome, cacheFile: values['no-cache'] ? null : defaultCacheFile(codexHome, cliEnv(io)) };
}

/**
 * The session index of `--codex-home` (or the default home), refreshed (with usage when asked), its cache under
 * `${XDG_CACHE_HOME:-~/.cache}/codex-sessions/` read and written unless `--no-cache`.
 */
export async function openIndex(values: IndexFlags, io: CliIo, refresh: RefreshOptions = {}, opts: { save?: boolean } = {}): Promise<SessionIndex> {
  const { codexHome, cacheFile } = indexFiles(values, io);
  // Loaded here: a warm `usage` answered from the cache alone never needs the index (nor its workers and readers).
  const { SessionIndex } = await import('./sessionIndex');
  // A one-shot process: blocking file calls cost less, and nothing else waits on this event loop.
  const index = new SessionIndex({ codexHome, cacheFile, io: 'sync', indexWorker: io.indexWorker });
  await index.refresh(refresh);
  mark('refresh');
  if (opts.save !== false) await saveIndex(index, io);
  return index;
}

/** Writes the index's cache (when it changed); a failure is reported on stderr, never fatal. */
export async function saveIndex(index: SessionIndex, io: CliIo, opts: SaveOptions = {}): Promise<void> {
  try {
    await index.save(opts);
    mark('save');
  } catch (e) {
    io.stderr(`codex-sessions: could not write the index cache: ${(e as Error).message}\n`);
  }
}

/** `2026-11-21 08:08` in this machine's time zone. */
export function localStamp(s: SessionFile & { started_at?: string | null }): string {
  const d = new Date(sessionTimeMs(s));
  if (Number.isNaN(d.getTime())) return s.local_time.replace('T', ' ').slice(0, 16);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
