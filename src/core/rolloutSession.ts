/**
 * What a rollout says about its session (id, start, folder, CLI, where it was started, model, title), and what its
 * file name says before the file is opened.
 */

/** The envelope family of a rollout file (see shared/corpus/README.md). */
export type RolloutFamily =
  /** (a) 0.1.x: `{"id","timestamp"}`, then bare response items. */
  | 'bare'
  /** (b) 0.8 – 0.29: the same plus `{"record_type":"state"}` lines. */
  | 'state'
  /** (c) 0.40+: `{"timestamp","type","payload"}` lines, `session_meta` first. */
  | 'envelope'
  | 'unknown';

/** Where a session was started. */
export type SessionSource = 'cli' | 'exec' | 'ide' | 'mcp' | 'subagent' | 'unknown';

/** Facts about a session, read from its rollout (null when the file does not say). */
export interface RolloutSession {
  id: string | null;
  /** ISO time the session started (UTC, as the CLI wrote it). */
  started_at: string | null;
  cwd: string | null;
  cli_version: string | null;
  /** The raw `originator` (`codex_cli_rs`, `codex_exec`, `codex_vscode`, …). */
  originator: string | null;
  source: SessionSource;
  /** The first model the session used (`turn_context`). */
  model: string | null;
  /** The first real prompt, one line, capped (see `titleFromPrompt`). */
  title: string | null;
  family: RolloutFamily;
}

/** A session about which nothing is known yet. */
export function emptySession(): RolloutSession {
  return { id: null, started_at: null, cwd: null, cli_version: null, originator: null, source: 'unknown', model: null, title: null, family: 'unknown' };
}

const SOURCES: Record<string, SessionSource> = { cli: 'cli', exec: 'exec', vscode: 'ide', ide: 'ide', mcp: 'mcp' };

/**
 * Where a session was started, from `session_meta.source` (0.44+) or else its `originator`. CLI 0.42 wrote
 * `codex_cli_rs` for `exec` runs too, so its exec sessions read as `cli`.
 */
export function sessionSourceOf(source: unknown, originator: string | null | undefined): SessionSource {
  if (typeof source === 'string' && SOURCES[source.toLowerCase()]) return SOURCES[source.toLowerCase()]!;
  if (source && typeof source === 'object' && 'subagent' in source) return 'subagent';
  const o = (originator ?? '').toLowerCase();
  if (o === 'codex_exec') return 'exec';
  if (o === 'codex_cli_rs' || o === 'codex_tui') return 'cli';
  if (/vscode|ide|jetbrains|cursor|windsurf|desktop|app/.test(o)) return 'ide';
  if (o.includes('mcp')) return 'mcp';
  return 'unknown';
}

/** What a rollout's file name tells: `rollout-<local time>-<id>.jsonl`. */
export interface RolloutFileName {
  id: string;
  /** Local time the session started, `YYYY-MM-DDTHH:MM:SS` (no zone: the CLI wrote local time). */
  local_time: string;
}

const NAME = /^rollout-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(.+)\.jsonl$/;

/** Parses a rollout file name (not a path); null for other files. */
export function parseRolloutFileName(name: string): RolloutFileName | null {
  const m = NAME.exec(name);
  if (!m) return null;
  return { id: m[5]!, local_time: `${m[1]}T${m[2]}:${m[3]}:${m[4]}` };
}

/** Milliseconds since the epoch of a file name's local time (as this machine's zone reads it). */
export function localTimeMs(localTime: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(localTime);
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, s).getTime();
}

/** Default budget of a head read: recent CLIs put ~30 KB of instructions before the first prompt. */
export const DEFAULT_HEAD_BYTES = 1024 * 1024;

/**
 * Whether a head read can stop: the title is known, and the model too where the family records one (the oldest
 * families never name the model).
 */
export function headComplete(s: RolloutSession): boolean {
  if (s.title === null || s.id === null) return false;
  return s.model !== null || s.family === 'bare' || s.family === 'state';
}
