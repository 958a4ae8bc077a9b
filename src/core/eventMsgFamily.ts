import type { CommandExecutionItem, FileChange, FileChangeItem, McpToolCallItem, ThreadEvent, TodoEntry } from '../shared/threadModel';
import { copyBounded } from './depthLimit';
import { shellJoin } from './shellQuote';
import { SILENT_EVENT_MSGS } from './silentEvents';
import type { MapResult } from './threadFamily';
import { usageFromWire } from './usage';
import {
  wireExecBegin,
  wireExecEnd,
  wireExecOutputDelta,
  wireMcpBegin,
  wireMcpEnd,
  wireMessage,
  wirePatchBegin,
  wirePatchEnd,
  wirePlanUpdate,
  wireSessionConfigured,
  wireWebSearchEvent,
} from './wireSchemas';

const IGNORED = new Set(SILENT_EVENT_MSGS);

/** Matches the text of retry notices, which are never fatal. */
export const RETRY_NOTICE = /retrying \d+\/\d+|Reconnecting\.\.\. \d+\/\d+/i;

/** A CLI duration (`{secs, nanos}` or milliseconds) in milliseconds. */
export function durationMs(d: unknown): number | undefined {
  if (typeof d === 'number') return d;
  if (d && typeof d === 'object' && 'secs' in d) {
    const { secs, nanos } = d as { secs: number; nanos: number };
    return Math.round(secs * 1000 + nanos / 1e6);
  }
  return undefined;
}

function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/**
 * Maps the EventMsg family: `codex proto` (0.1.x) and legacy `exec --json` (0.8 – 0.42) events
 * `{"id", "msg": {"type", …}}` into normalized events. Stateful: commands and patches are matched by `call_id`, and
 * output deltas are decoded per call with a streaming UTF-8 decoder (a character can straddle two chunks).
 */
export class EventMsgMapper {
  private n = 0;
  private turn = 0;
  private turnOpen = false;
  private promptSeen = false;
  private readonly commands = new Map<string, CommandExecutionItem>();
  private readonly patches = new Map<string, FileChangeItem>();
  private readonly mcp = new Map<string, McpToolCallItem>();
  private readonly decoders = new Map<string, TextDecoder>();
  /** Set when a fatal error ended the turn. */
  fatal = false;

  /** @param echoPrompt whether the prompt line becomes a user message (not when the caller already showed it). */
  constructor(
    private readonly idPrefix: string,
    private readonly echoPrompt = true,
  ) {}

  private id(kind: string): string {
    return `${this.idPrefix}${kind}_${this.n++}`;
  }

  private startTurn(out: ThreadEvent[]): void {
    if (this.turnOpen) return;
    this.turnOpen = true;
    this.turn++;
    out.push({ type: 'turn.started' });
  }

  /** Whether a turn was started and has not ended. */
  get inTurn(): boolean {
    return this.turnOpen;
  }

  /** Legacy `exec --json` line 2: the prompt. */
  prompt(text: string): ThreadEvent[] {
    const out: ThreadEvent[] = [];
    this.promptSeen = true;
    this.startTurn(out);
    if (this.echoPrompt) out.push({ type: 'item.completed', item: { id: this.id('user'), type: 'user_message', text } });
    return out;
  }

  /** Ends the open turn, as a stream that stops without a turn-end event must. */
  closeTurn(failedMessage?: string): ThreadEvent[] {
    if (!this.turnOpen) return [];
    this.turnOpen = false;
    return failedMessage === undefined
      ? [{ type: 'turn.completed', usage: null, scope: 'process' }]
      : [{ type: 'turn.failed', error: { message: failedMessage } }];
  }

  map(msg: Record<string, unknown> & { type: string }): MapResult {
    const out: ThreadEvent[] = [];
    const bad = (what: string): MapResult => ({ ok: false, kind: 'skipped_line', reason: `${what}: unexpected shape` });
    switch (msg.type) {
      case 'session_configured': {
        const p = wireSessionConfigured.safeParse(msg);
        if (!p.success) return bad('session_configured');
        out.push({ type: 'thread.started', thread_id: p.data.session_id });
        if (p.data.model) out.push({ type: 'thread.meta', meta: { model: p.data.model } });
        break;
      }
      case 'task_started':
        this.startTurn(out);
        break;
      case 'user_message': {
        const p = wireMessage.safeParse(msg);
        if (!p.success) return bad('user_message');
        if (!this.promptSeen) out.push(...this.prompt(p.data.message));
        this.promptSeen = false;
        break;
      }
      case 'agent_message':
      case 'agent_reasoning': {
        const text = msg.type === 'agent_message' ? msg.message : msg.text;
        if (typeof text !== 'string') return bad(msg.type);
        this.startTurn(out);
        const type = msg.type === 'agent_message' ? 'agent_message' : 'reasoning';
        out.push({ type: 'item.completed', item: { id: this.id(type === 'agent_message' ? 'msg' : 'reasoning'), type, text } });
        break;
      }
      case 'exec_command_begin': {
        const p = wireExecBegin.safeParse(msg);
        if (!p.success) return bad('exec_command_begin');
        this.startTurn(out);
        const d = p.data;
        const item: CommandExecutionItem = {
          id: this.idPrefix + d.call_id,
          type: 'command_execution',
          command: typeof d.command === 'string' ? d.command : shellJoin(d.command),
          aggregated_output: '',
          exit_code: null,
          status: 'in_progress',
          ...(d.cwd ? { cwd: d.cwd } : {}),
        };
        this.commands.set(d.call_id, item);
        out.push({ type: 'item.started', item });
        break;
      }
      case 'exec_command_output_delta': {
        const p = wireExecOutputDelta.safeParse(msg);
        if (!p.success) return bad('exec_command_output_delta');
        const { call_id, chunk } = p.data;
        if (!this.commands.has(call_id)) break; // apply_patch output arrives under the patch's call id
        let decoder = this.decoders.get(call_id);
        if (!decoder) this.decoders.set(call_id, (decoder = new TextDecoder()));
        let bytes: Uint8Array;
        try {
          bytes = typeof chunk === 'string' ? decodeBase64(chunk) : Uint8Array.from(chunk);
        } catch {
          return bad('exec_command_output_delta chunk');
        }
        const delta = decoder.decode(bytes, { stream: true });
        if (delta) out.push({ type: 'item.output_delta', item_id: this.idPrefix + call_id, delta });
        break;
      }
      case 'exec_command_end': {
        const p = wireExecEnd.safeParse(msg);
        if (!p.success) return bad('exec_command_end');
        const d = p.data;
        this.decoders.delete(d.call_id);
        const begun = this.commands.get(d.call_id);
        this.commands.delete(d.call_id);
        const stdout = d.stdout ?? '';
        const stderr = d.stderr ?? '';
        const exit = d.exit_code ?? null;
        const duration = durationMs(d.duration);
        out.push({
          type: 'item.completed',
          item: {
            ...(begun ?? { id: this.idPrefix + d.call_id, type: 'command_execution', command: '', exit_code: null }),
            type: 'command_execution',
            aggregated_output: d.aggregated_output ?? (stdout && stderr ? `${stdout}${stdout.endsWith('\n') ? '' : '\n'}${stderr}` : stdout || stderr),
            exit_code: exit,
            status: exit === 0 ? 'completed' : 'failed',
            ...(duration !== undefined ? { duration_ms: duration } : {}),
          } as CommandExecutionItem,
        });
        break;
      }
      case 'patch_apply_begin': {
        const p = wirePatchBegin.safeParse(msg);
        if (!p.success) return bad('patch_apply_begin');
        this.startTurn(out);
        const changes: FileChange[] = Object.entries(p.data.changes).map(([path, detail]) => fileChangeFromDetail(path, detail));
        const item: FileChangeItem = { id: this.idPrefix + p.data.call_id, type: 'file_change', changes, status: 'in_progress' };
        this.patches.set(p.data.call_id, item);
        out.push({ type: 'item.started', item });
        break;
      }
      case 'patch_apply_end': {
        const p = wirePatchEnd.safeParse(msg);
        if (!p.success) return bad('patch_apply_end');
        const begun = this.patches.get(p.data.call_id);
        this.patches.delete(p.data.call_id);
        const base: FileChangeItem = begun ?? { id: this.idPrefix + p.data.call_id, type: 'file_change', changes: [], status: 'in_progress' };
        out.push({ type: 'item.completed', item: { ...base, status: p.data.success === false ? 'failed' : 'completed' } });
        break;
      }
      case 'plan_update': {
        const p = wirePlanUpdate.safeParse(msg);
        if (!p.success) return bad('plan_update');
        this.startTurn(out);
        out.push({
          type: 'item.updated',
          item: {
            id: `${this.idPrefix}todo_turn${this.turn}`,
            type: 'todo_list',
            items: todoEntries(p.data.plan),
            ...(p.data.explanation ? { explanation: p.data.explanation } : {}),
          },
        });
        break;
      }
      case 'mcp_tool_call_begin': {
        const p = wireMcpBegin.safeParse(msg);
        if (!p.success) return bad('mcp_tool_call_begin');
        this.startTurn(out);
        const { server, tool, arguments: args } = p.data.invocation;
        const item: McpToolCallItem = {
          id: this.idPrefix + p.data.call_id,
          type: 'mcp_tool_call',
          server,
          tool,
          arguments: copyBounded(args ?? null),
          result: null,
          error: null,
          status: 'in_progress',
        };
        this.mcp.set(p.data.call_id, item);
        out.push({ type: 'item.started', item });
        break;
      }
      case 'mcp_tool_call_end': {
        const p = wireMcpEnd.safeParse(msg);
        if (!p.success) return bad('mcp_tool_call_end');
        const begun = this.mcp.get(p.data.call_id);
        this.mcp.delete(p.data.call_id);
        const res = p.data.result as { Ok?: unknown; Err?: unknown } | undefined;
        const failed = !!res && typeof res === 'object' && 'Err' in res;
        const base: McpToolCallItem = begun ?? {
          id: this.idPrefix + p.data.call_id, type: 'mcp_tool_call', server: '', tool: '', arguments: null, result: null, error: null, status: 'in_progress',
        };
        out.push({
          type: 'item.completed',
          item: {
            ...base,
            result: copyBounded(failed ? null : res && typeof res === 'object' && 'Ok' in res ? res.Ok : (res ?? null)),
            error: failed ? { message: typeof res.Err === 'string' ? res.Err : JSON.stringify(copyBounded(res.Err)) } : null,
            status: failed ? 'failed' : 'completed',
          },
        });
        break;
      }
      case 'web_search_begin':
        break;
      case 'web_search_end': {
        const p = wireWebSearchEvent.safeParse(msg);
        if (!p.success) return bad('web_search_end');
        out.push({ type: 'item.completed', item: { id: this.idPrefix + p.data.call_id, type: 'web_search', query: p.data.query ?? '' } });
        break;
      }
      case 'token_count': {
        if ('info' in msg) {
          const info = msg.info as { total_token_usage?: unknown } | null;
          const total = info ? usageFromWire(info.total_token_usage) : null;
          if (total) out.push({ type: 'usage', usage: total, scope: 'process' });
        } else {
          const usage = usageFromWire(msg);
          if (usage) out.push({ type: 'usage', usage, scope: 'call' });
        }
        break;
      }
      case 'task_complete':
        out.push(...this.closeTurn());
        break;
      case 'turn_aborted': {
        const reason = typeof msg.reason === 'string' ? msg.reason : 'aborted';
        out.push(...this.closeTurn(`The turn was aborted (${reason}).`));
        break;
      }
      case 'error': {
        const message = typeof msg.message === 'string' ? msg.message : 'Unknown error';
        // In the EventMsg family an `error` ends the task (the CLI stops, or hangs, right after).
        this.fatal = true;
        out.push(...(this.turnOpen ? this.closeTurn(message) : [{ type: 'turn.failed' as const, error: { message } }]));
        break;
      }
      case 'stream_error':
      case 'background_event':
      case 'warning': {
        if (typeof msg.message !== 'string') return bad(msg.type);
        out.push({ type: 'error', message: msg.message });
        break;
      }
      case 'exec_approval_request':
      case 'apply_patch_approval_request':
        out.push({ type: 'error', message: `Codex asked for approval (${msg.type}), which a non-interactive run cannot give.` });
        break;
      default:
        if (IGNORED.has(msg.type)) break;
        return { ok: false, kind: 'unknown_event', reason: `unknown event type "${msg.type}"` };
    }
    return { ok: true, events: out };
  }
}

/** The to-do entries of an `update_plan` / `plan_update` plan. */
export function todoEntries(plan: readonly { step: string; status?: string | null }[]): TodoEntry[] {
  return plan.map((s) => ({ text: s.step, completed: s.status === 'completed', ...(s.status ? { status: s.status } : {}) }));
}

/**
 * One file of a patch event's `changes` map, in any generation's shape (`{add: {content}}`, `{update:
 * {unified_diff, move_path}}`, `{delete: …}`, or the newer `{type, content | unified_diff, move_path}`).
 */
export function fileChangeFromDetail(path: string, detail: Record<string, unknown>): FileChange {
  const add = detail.add as { content?: string | null } | undefined;
  const update = detail.update as { unified_diff?: string | null; move_path?: string | null } | undefined;
  if (add) return { path, kind: 'add', ...(add.content ? { diff: add.content } : {}) };
  if (update) {
    return { path, kind: 'update', ...(update.unified_diff ? { diff: update.unified_diff } : {}), ...(update.move_path ? { move_path: update.move_path } : {}) };
  }
  if ('delete' in detail) return { path, kind: 'delete' };
  const type = detail.type;
  const content = typeof detail.content === 'string' ? detail.content : typeof detail.unified_diff === 'string' ? detail.unified_diff : undefined;
  const move = typeof detail.move_path === 'string' ? detail.move_path : undefined;
  return { path, kind: type === 'add' || type === 'delete' ? type : 'update', ...(content ? { diff: content } : {}), ...(move ? { move_path: move } : {}) };
}
