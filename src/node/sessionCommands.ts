import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sessionMarkdown } from '../core/sessionMarkdown';
import { toThreadJson } from '../core/threadJson';
import { ThreadReducer } from '../core/threadReducer';
import { formatTranscript } from '../core/transcript';
import { EXIT, UsageError, type CliIo } from './cliIo';
import { inFolder, PathCanonicalizer, platformPathOptions } from './pathIdentity';
import { replayRollout } from './rolloutReader';
import { listSessionFiles, resolveCodexHome, type SessionInfo } from './sessionFiles';
import { cliEnv as env, localStamp, openIndex } from './sessionOpen';
import { searchSessions } from './sessionSearch';

/*
 * `codex-sessions list | show | search`: the session history of a CODEX_HOME from the command line, through the
 * same index, reader and search the editor uses.
 */

const HOME_OPTIONS = { 'codex-home': { type: 'string' }, json: { type: 'boolean' }, 'no-cache': { type: 'boolean' } } as const;

function listJson(s: SessionInfo): Record<string, unknown> {
  return { id: s.id, path: s.path, started_at: s.started_at, cwd: s.cwd, title: s.title, cli_version: s.cli_version, source: s.source };
}

/** `list`: every session (or those started in `--cwd DIR` or below it), newest first. */
export async function listCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...HOME_OPTIONS, all: { type: 'boolean' }, cwd: { type: 'string' } } });
  if (positionals.length) throw new UsageError(`list takes no arguments (got "${positionals[0]}").`);
  if (values.all && values.cwd !== undefined) throw new UsageError('use either --all or --cwd, not both.');
  const index = await openIndex(values, io);
  let sessions = index.sessions();
  if (values.cwd !== undefined) {
    const folder = path.resolve(io.cwd, values.cwd);
    const opts = { ...platformPathOptions(), canonicalizer: new PathCanonicalizer() };
    const keep = await Promise.all(sessions.map((s) => (s.cwd ? inFolder(s.cwd, folder, opts) : false)));
    sessions = sessions.filter((_, i) => keep[i]);
  }
  if (values.json) {
    io.stdout(`${JSON.stringify(sessions.map(listJson))}\n`);
    return EXIT.ok;
  }
  for (const s of sessions) {
    const tags = [s.source, ...(s.archived ? ['archived'] : [])].join(',');
    io.stdout(`${localStamp(s)}  ${s.id}  ${tags.padEnd(8)}  ${s.title ?? '(no prompt)'}\n${s.cwd ? `    ${s.cwd}\n` : ''}`);
  }
  if (!sessions.length) io.stderr(`codex-sessions: no sessions in ${index.codexHome}${values.cwd !== undefined ? ` started in ${values.cwd}` : ''}.\n`);
  return EXIT.ok;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** A session file from an id (or a unique id prefix) or a path. */
async function resolveSession(ref: string, codexHome: string, io: CliIo): Promise<string> {
  const asPath = path.resolve(io.cwd, ref);
  if (await isFile(asPath)) return asPath;
  const q = ref.toLowerCase();
  const files = (await listSessionFiles(codexHome)).filter((f) => f.id.toLowerCase().startsWith(q));
  const ids = new Set(files.map((f) => f.id));
  if (ids.size === 0) throw new UsageError(`no session "${ref}" in ${codexHome} (give an id, an id prefix, or a rollout file).`);
  if (ids.size > 1) throw new UsageError(`"${ref}" matches ${ids.size} sessions: ${[...ids].slice(0, 5).join(', ')}${ids.size > 5 ? ', …' : ''}.`);
  // The same id both live and archived: the live one.
  return (files.find((f) => !f.archived) ?? files[0]!).path;
}

/** `show`: a session replayed through the reducer, as a transcript, the thread JSON, or Markdown. */
export async function showCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...HOME_OPTIONS, markdown: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError('show takes one session id or rollout file.');
  if (values.json && values.markdown) throw new UsageError('use either --json or --markdown, not both.');
  const codexHome = path.resolve(io.cwd, resolveCodexHome(values['codex-home'], env(io)));
  const file = await resolveSession(positionals[0]!, codexHome, io);
  let result;
  try {
    result = await replayRollout(file, new ThreadReducer());
  } catch (e) {
    io.stderr(`codex-sessions: cannot read ${file}: ${(e as Error).message}\n`);
    return EXIT.usage;
  }
  const { state, session } = result;
  if (values.json) {
    const info = { id: session.id ?? state.thread_id, started_at: session.started_at, cwd: session.cwd, cli_version: session.cli_version, model: session.model ?? state.meta.model ?? null, title: session.title };
    io.stdout(`${JSON.stringify({ ...toThreadJson(state, `rollout-${session.family}`), session: info })}\n`);
  } else if (values.markdown) {
    io.stdout(sessionMarkdown(state, session));
  } else {
    io.stdout(`${session.title ?? '(no prompt)'}\n${session.cwd ? `folder: ${session.cwd}\n` : ''}${session.started_at ? `started: ${session.started_at}\n` : ''}${file}\n\n`);
    io.stdout(formatTranscript(state));
  }
  return EXIT.ok;
}

/** `search`: full-text search over every session's prompts, messages, commands, outputs and patches. */
export async function searchCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: HOME_OPTIONS });
  const text = positionals.join(' ');
  if (text.trim() === '') throw new UsageError('search needs the TEXT to look for.');
  const controller = new AbortController();
  const removeInterrupt = io.onInterrupt(() => controller.abort());
  try {
    const index = await openIndex(values, io);
    const hits = await searchSessions(index.sessions(), text, { signal: controller.signal });
    if (values.json) {
      const out = hits.map((h) => ({ ...listJson(h.session), matches: h.matches.map((m) => ({ kind: m.kind, line: m.line, snippet: m.snippet })) }));
      io.stdout(`${JSON.stringify(out)}\n`);
    } else {
      for (const h of hits) {
        io.stdout(`${localStamp(h.session)}  ${h.session.id}  ${h.session.title ?? '(no prompt)'}\n`);
        for (const m of h.matches) io.stdout(`    ${m.kind}: ${m.snippet}\n`);
        if (h.more) io.stdout('    …\n');
      }
    }
    if (!hits.length) io.stderr(`codex-sessions: no session mentions "${text}".\n`);
    return EXIT.ok;
  } catch (e) {
    if (controller.signal.aborted) {
      io.stderr('codex-sessions: search cancelled.\n');
      return EXIT.taskFailed;
    }
    throw e;
  } finally {
    removeInterrupt();
  }
}
