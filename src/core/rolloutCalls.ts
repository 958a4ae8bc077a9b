import type { CommandExecutionItem, FileChange, FileChangeItem, ItemStatus, McpToolCallItem, TodoListItem } from '../shared/threadModel';
import { durationMs, fileChangeFromDetail, todoEntries } from './eventMsgFamily';
import { normalizePath } from './pathCompare';
import type { RolloutContext } from './rolloutContext';
import { parseApplyPatch, parseToolOutput, type ShellRequest } from './toolCalls';

type Entry =
  | { kind: 'command'; item: CommandExecutionItem; authoritative: boolean }
  | { kind: 'patch'; item: FileChangeItem; authoritative: boolean }
  | { kind: 'tool'; item: McpToolCallItem; authoritative: boolean }
  | { kind: 'plan'; item: TodoListItem; authoritative: boolean }
  | { kind: 'stdin'; target: number };

/** A command's final status from its exit code, or from whether codex refused to run it. */
function commandStatus(exit: number | null, rejected: boolean, running: boolean): ItemStatus {
  if (running) return 'in_progress';
  if (exit !== null) return exit === 0 ? 'completed' : 'failed';
  return rejected ? 'failed' : 'completed';
}

const PATCH_FAILED = /^(error|invalid|failed|apply_patch verification failed|patch rejected)/i;

/**
 * The tool calls of one rollout, by `call_id`: a call (`function_call`, `custom_tool_call`, `local_shell_call`)
 * starts an item, and its output (`*_call_output`), or richer records of the same call (`exec_command_end`,
 * `patch_apply_end`, 0.169's `item_completed`), complete it. Items are kept here and re-emitted whole, so the
 * reducer, which merges by id, always gets the best-known state.
 */
export class CallRegistry {
  private readonly calls = new Map<string, Entry>();
  /** Unified exec: process session id → call id of the `exec_command` that started it. */
  private readonly sessions = new Map<number, string>();
  /** How often each call id was used: ids restart in some tools, and items must not merge across calls. */
  private readonly uses = new Map<string, number>();

  constructor(private readonly ctx: RolloutContext) {}

  private idFor(callId: string): string {
    const n = (this.uses.get(callId) ?? 0) + 1;
    this.uses.set(callId, n);
    return `${this.ctx.idPrefix}${callId}${n > 1 ? `#${n}` : ''}`;
  }

  private start(callId: string, entry: Exclude<Entry, { kind: 'stdin' }>): void {
    this.calls.set(callId, entry);
    if (entry.kind !== 'plan') this.ctx.emit('item.started', entry.item);
  }

  private done(entry: Exclude<Entry, { kind: 'stdin' }>): void {
    const s = 'status' in entry.item ? entry.item.status : 'completed';
    this.ctx.emit(s === 'in_progress' ? 'item.updated' : 'item.completed', entry.item);
  }

  /** A shell-like call (`shell`, `shell_command`, `exec_command`, `local_shell_call`); an `apply_patch` in disguise becomes a file change. */
  shell(callId: string, req: ShellRequest): void {
    if (req.patch !== null) return this.patch(callId, req.patch, req.workdir);
    const id = this.idFor(callId);
    const cwd = req.workdir ?? this.ctx.cwd;
    this.start(callId, {
      kind: 'command',
      authoritative: false,
      item: { id, type: 'command_execution', command: req.command, aggregated_output: '', exit_code: null, status: 'in_progress', ...(cwd ? { cwd } : {}) },
    });
  }

  /** An `apply_patch` call (custom tool, function, or through the shell): the patch text is kept as each file's diff. */
  patch(callId: string, patch: string, workdir?: string): void {
    const changes = parseApplyPatch(patch, workdir ?? this.ctx.cwd);
    this.start(callId, { kind: 'patch', authoritative: false, item: { id: this.idFor(callId), type: 'file_change', changes, status: 'in_progress' } });
  }

  /**
   * An `update_plan` call; shown once its output shows it was accepted (0.169 rejects it), so a file cut between the
   * call and its answer shows no plan.
   */
  plan(callId: string, plan: { explanation?: string | null; plan: { step: string; status?: string | null }[] }): void {
    this.calls.set(callId, {
      kind: 'plan',
      authoritative: false,
      item: { id: `${this.ctx.idPrefix}todo_turn${this.ctx.turnNo}`, type: 'todo_list', items: todoEntries(plan.plan), ...(plan.explanation ? { explanation: plan.explanation } : {}) },
    });
  }

  /** Any other tool (MCP tools are named `server__tool` or `mcp__server__tool`). */
  tool(callId: string, name: string, args: unknown): void {
    const parts = name.replace(/^mcp__/, '').split('__');
    const [server, tool] = parts.length > 1 ? [parts[0]!, parts.slice(1).join('__')] : ['codex', name];
    this.start(callId, {
      kind: 'tool',
      authoritative: false,
      item: { id: this.idFor(callId), type: 'mcp_tool_call', server, tool, arguments: args ?? null, result: null, error: null, status: 'in_progress' },
    });
  }

  /** `write_stdin` to a unified-exec process: its output belongs to the command that started the process. */
  stdin(callId: string, sessionId: unknown): void {
    if (typeof sessionId === 'number') this.calls.set(callId, { kind: 'stdin', target: sessionId });
  }

  /** The output codex answered a call with. Outputs of unknown calls (cut off at the head) are dropped. */
  output(callId: string, raw: unknown): void {
    let entry = this.calls.get(callId);
    let append = false;
    if (entry?.kind === 'stdin') {
      const owner = this.sessions.get(entry.target);
      entry = owner === undefined ? undefined : this.calls.get(owner);
      append = true;
    }
    if (!entry || entry.kind === 'stdin') return;
    if (entry.kind === 'command' && entry.authoritative && entry.item.exit_code !== null && entry.item.status !== 'in_progress') {
      // The CLI's own record (0.169's CommandExecution, written first) already gave the output and the exit code, and
      // a finished process has no session for write_stdin: parsing a large output only to drop it is wasted.
      this.done(entry);
      return;
    }
    const o = parseToolOutput(raw);
    if (entry.kind === 'command') {
      const item = entry.item;
      if (o.runningSession !== undefined) this.sessions.set(o.runningSession, callId);
      if (!entry.authoritative) {
        item.aggregated_output = append ? item.aggregated_output + o.text : o.text;
        if (o.durationMs !== undefined) item.duration_ms = o.durationMs;
      }
      if (!entry.authoritative || item.exit_code === null) {
        item.exit_code = o.exitCode ?? item.exit_code;
        item.status = commandStatus(item.exit_code, o.rejected, o.runningSession !== undefined);
      }
    } else if (entry.kind === 'patch') {
      if (!entry.authoritative) {
        const failed = o.exitCode !== null ? o.exitCode !== 0 : o.rejected || PATCH_FAILED.test(o.text.trimStart());
        entry.item.status = failed ? 'failed' : 'completed';
      }
    } else if (entry.kind === 'plan') {
      this.calls.delete(callId);
      if (!o.rejected) this.ctx.emit('item.updated', entry.item);
      return;
    } else if (!entry.authoritative) {
      entry.item.status = o.rejected ? 'failed' : 'completed';
      if (o.rejected) entry.item.error = { message: o.text };
      else entry.item.result = o.text;
    }
    this.done(entry);
  }

  /** A command record from the CLI itself (`exec_command_begin`/`_end`, 0.169 `CommandExecution`): its output and exit code win. */
  commandRecord(callId: string, rec: { command?: string; cwd?: string | null; output?: string | null; exit_code?: number | null; status?: string | null; duration?: unknown }): void {
    let entry = this.calls.get(callId);
    if (!entry || entry.kind !== 'command') {
      this.shell(callId, { command: rec.command ?? '', patch: null, ...(rec.cwd ? { workdir: rec.cwd } : {}) });
      entry = this.calls.get(callId) as Extract<Entry, { kind: 'command' }>;
    }
    const item = entry.item;
    if (rec.output !== undefined && rec.output !== null) {
      entry.authoritative = true;
      item.aggregated_output = rec.output;
    }
    if (rec.exit_code !== undefined && rec.exit_code !== null) item.exit_code = rec.exit_code;
    if (rec.cwd && !item.cwd) item.cwd = rec.cwd;
    const ms = durationMs(rec.duration);
    if (ms !== undefined) item.duration_ms = ms;
    const final = rec.status === 'completed' || rec.status === 'failed' || rec.status === 'declined' || (rec.exit_code !== undefined && rec.exit_code !== null);
    if (final) item.status = rec.status === 'declined' ? 'declined' : commandStatus(item.exit_code, rec.status === 'failed', false);
    this.done(entry);
  }

  /** A patch record from the CLI (`patch_apply_*`, 0.169 `FileChange`): its changes win, keeping the patch text where it has no diff. */
  patchRecord(callId: string, rec: { changes?: Record<string, Record<string, unknown>>; status?: string | null; success?: boolean | null }): void {
    let entry = this.calls.get(callId);
    if (!entry || entry.kind !== 'patch') {
      this.start(callId, { kind: 'patch', authoritative: false, item: { id: this.idFor(callId), type: 'file_change', changes: [], status: 'in_progress' } });
      entry = this.calls.get(callId) as Extract<Entry, { kind: 'patch' }>;
    }
    const item = entry.item;
    if (rec.changes && Object.keys(rec.changes).length) item.changes = mergeChanges(Object.entries(rec.changes).map(([p, d]) => fileChangeFromDetail(p, d)), item.changes);
    const status = rec.success === false ? 'failed' : rec.success === true ? 'completed' : rec.status;
    if (status === 'completed' || status === 'failed' || status === 'declined') {
      item.status = status;
      entry.authoritative = true;
    }
    this.done(entry);
  }
}

function mergeChanges(fromCli: FileChange[], fromPatch: FileChange[]): FileChange[] {
  return fromCli.map((c) => {
    if (c.diff) return c;
    const key = normalizePath(c.path);
    const twin = fromPatch.find((p) => normalizePath(p.path) === key || key.endsWith(`/${normalizePath(p.path)}`));
    return twin?.diff ? { ...c, diff: twin.diff } : c;
  });
}
