import { copyBounded } from './depthLimit';
import type { FileChange } from '../shared/threadModel';
import { shellJoin } from './shellQuote';

/*
 * What rollouts record of tool calls: the arguments the model sent (`function_call`, `custom_tool_call`,
 * `local_shell_call`) and the text codex answered with (`function_call_output`), in every shape the CLI has used.
 */

/** A command the model asked to run, whatever tool it used. */
export interface ShellRequest {
  /** The command line as shown (argv is shell-quoted). */
  command: string;
  /** The patch, when the command is really `apply_patch` (argv `["apply_patch", patch]` or a heredoc). */
  patch: string | null;
  workdir?: string;
}

const SHELLS = new Set(['bash', 'sh', 'zsh', '/bin/bash', '/bin/sh', '/bin/zsh', '/usr/bin/bash', '/usr/bin/zsh']);
const HEREDOC = /^\s*(?:cd\s+(?:'[^']*'|"[^"]*"|\S+)\s*&&\s*)?apply_?patch\s*<<-?\s*(['"]?)(\w+)\1\s*\n([\s\S]*?)\n\s*\2\s*$/;

/** The patch inside a shell script of the form `apply_patch <<'EOF' … EOF` (optionally after `cd DIR &&`). */
export function patchFromScript(script: string): string | null {
  const m = HEREDOC.exec(script);
  return m ? `${m[3]}\n` : null;
}

function fromArgv(argv: string[], workdir: string | undefined): ShellRequest {
  const [first, second, third] = argv;
  let patch: string | null = null;
  let command = shellJoin(argv);
  if ((first === 'apply_patch' || first === 'applypatch') && typeof second === 'string') patch = second;
  else if (first !== undefined && SHELLS.has(first) && (second === '-lc' || second === '-c') && typeof third === 'string') {
    patch = patchFromScript(third);
    command = third; // what the model wrote; the `bash -lc` wrapper is noise
  }
  return { command, patch, ...(workdir ? { workdir } : {}) };
}

function fromScript(script: string, workdir: string | undefined): ShellRequest {
  return { command: script, patch: patchFromScript(script), ...(workdir ? { workdir } : {}) };
}

/**
 * Reads the arguments of a shell-like tool: `shell` / `container.exec` (`command` argv), `shell_command`
 * (`command` string), `exec_command` (unified exec, `cmd`), `local_shell_call` actions. Null when `args` has no
 * command.
 */
export function shellRequest(args: Record<string, unknown>): ShellRequest | null {
  const workdir = typeof args.workdir === 'string' ? args.workdir : typeof args.working_directory === 'string' ? args.working_directory : undefined;
  const cmd = args.command ?? args.cmd;
  if (Array.isArray(cmd) && cmd.every((a) => typeof a === 'string')) return fromArgv(cmd as string[], workdir);
  if (typeof cmd === 'string') return fromScript(cmd, workdir);
  return null;
}

/** A tool's answer, read from any of its textual shapes. */
export interface ToolOutput {
  /** The output the command printed (headers removed). */
  text: string;
  exitCode: number | null;
  durationMs?: number;
  /** Unified exec: the process is still running under this session id (`write_stdin` continues it). */
  runningSession?: number;
  /** The answer says the call did not run at all (rejected, sandbox error, parse error). */
  rejected: boolean;
}

function textOf(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw)) {
    return raw.map((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '')).join('');
  }
  if (raw && typeof raw === 'object' && typeof (raw as { content?: unknown }).content === 'string') return (raw as { content: string }).content;
  return raw === undefined || raw === null ? '' : JSON.stringify(copyBounded(raw));
}

const HEADER = /^(Exit code|Wall time|Total output lines|Chunk ID|Original token count|Process exited with code|Process running with session ID)\b:?\s*(.*)$/;
const REJECTED = /^(execution error|unsupported call|failed to parse function arguments|error: |aborted|exec command rejected|sandbox error)/i;

/**
 * Parses what codex answered a tool call with: the JSON string `{"output", "metadata": {"exit_code",
 * "duration_seconds"}}` (up to ~0.45), the text `Exit code: N / Wall time: S seconds / Output:` (shell tools later),
 * unified exec's `Process exited with code N` / `Process running with session ID N` headers, or plain text.
 */
export function parseToolOutput(raw: unknown): ToolOutput {
  const text = textOf(raw);
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const o = JSON.parse(trimmed) as { output?: unknown; metadata?: { exit_code?: unknown; duration_seconds?: unknown } };
      if (o && typeof o === 'object' && typeof o.output === 'string') {
        const exit = o.metadata?.exit_code;
        const secs = o.metadata?.duration_seconds;
        return {
          text: o.output,
          exitCode: typeof exit === 'number' ? exit : null,
          ...(typeof secs === 'number' ? { durationMs: Math.round(secs * 1000) } : {}),
          rejected: false,
        };
      }
    } catch {
      // not the JSON shape: read it as text
    }
  }
  return parseHeaders(text);
}

/** The line of `text` that starts at `at`, and where the next one starts (past the end: no next line). */
function lineAt(text: string, at: number): { line: string; next: number } {
  const nl = text.indexOf('\n', at);
  return nl === -1 ? { line: text.slice(at), next: text.length + 1 } : { line: text.slice(at, nl), next: nl + 1 };
}

function parseHeaders(text: string): ToolOutput {
  // Only the first lines are looked at: splitting a 500 KB output into lines to read 5 of them cost a tenth of a replay.
  let exitCode: number | null = null;
  let durationMs: number | undefined;
  let runningSession: number | undefined;
  let at = 0;
  let i = 0;
  for (; at <= text.length && i < 8; i++) {
    const { line, next } = lineAt(text, at);
    const m = HEADER.exec(line);
    if (!m) break;
    at = next;
    const value = m[2]!.trim();
    if (m[1] === 'Exit code' || m[1] === 'Process exited with code') exitCode = Number.parseInt(value, 10);
    else if (m[1] === 'Wall time') durationMs = Math.round(Number.parseFloat(value) * 1000);
    else if (m[1] === 'Process running with session ID') runningSession = Number.parseInt(value, 10);
  }
  const headers = i > 0;
  if (headers && at <= text.length) {
    const { line, next } = lineAt(text, at);
    if (line === 'Output:') at = next;
  }
  const body = headers ? text.slice(at) : text;
  return {
    text: body,
    exitCode: Number.isFinite(exitCode) ? exitCode : null,
    ...(durationMs !== undefined && Number.isFinite(durationMs) ? { durationMs } : {}),
    ...(runningSession !== undefined && Number.isFinite(runningSession) ? { runningSession } : {}),
    rejected: !headers && REJECTED.test(text.trimStart()),
  };
}

/** Joins a relative patch path to the folder codex ran in (kept as written when the folder is unknown). */
function resolveIn(cwd: string | undefined, p: string): string {
  if (!cwd || p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\')) return p;
  const sep = cwd.includes('\\') && !cwd.includes('/') ? '\\' : '/';
  const rel = p.replace(/^\.[\\/]/, '');
  return `${cwd.replace(/[\\/]+$/, '')}${sep}${sep === '\\' ? rel.replace(/\//g, sep) : rel}`;
}

/**
 * The files an `apply_patch` patch touches (`*** Add File:`, `*** Update File:` with optional `*** Move to:`,
 * `*** Delete File:`), each with its part of the patch as `diff`: the new content for an add, the hunks for an update.
 */
export function parseApplyPatch(patch: string, cwd?: string): FileChange[] {
  const out: { change: FileChange; lines: string[] }[] = [];
  let cur: { change: FileChange; lines: string[] } | null = null;
  for (const line of patch.replace(/\r\n/g, '\n').split('\n')) {
    const m = /^\*\*\* (Add|Update|Delete) File: (.+)$/.exec(line);
    if (m) {
      const kind = m[1] === 'Add' ? 'add' : m[1] === 'Delete' ? 'delete' : 'update';
      cur = { change: { path: resolveIn(cwd, m[2]!.trim()), kind }, lines: [] };
      out.push(cur);
      continue;
    }
    const move = /^\*\*\* Move to: (.+)$/.exec(line);
    if (move && cur) {
      cur.change.move_path = resolveIn(cwd, move[1]!.trim());
      continue;
    }
    if (line === '*** Begin Patch' || line === '*** End Patch' || !cur) continue;
    cur.lines.push(line);
  }
  return out.map(({ change, lines }) => {
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    if (change.kind === 'add') return { ...change, diff: lines.map((l) => (l.startsWith('+') ? l.slice(1) : l)).join('\n') + '\n' };
    if (change.kind === 'update' && lines.length) return { ...change, diff: `${lines.join('\n')}\n` };
    return change;
  });
}
