import type { z } from 'zod';
import type { FileChangeKind, ItemStatus, ThreadEvent, ThreadItem, UsageScope } from '../shared/threadModel';
import { shellJoin } from './shellQuote';
import { copyBounded } from './depthLimit';
import { fastParse } from './rolloutWire';
import { usageFromWire } from './usage';
import {
  wireCommandExecution,
  wireErrorItem,
  wireFileChange,
  wireItemEnvelope,
  wireMcpToolCall,
  wireText,
  wireTodoList,
  wireTurnFailed,
  wireWebSearch,
} from './wireSchemas';

/** The result of mapping one wire object: events, or why it could not be used. */
export type MapResult = { ok: true; events: ThreadEvent[] } | { ok: false; kind: 'skipped_line' | 'unknown_event'; reason: string };

const ok = (...events: ThreadEvent[]): MapResult => ({ ok: true, events });
const unknown = (reason: string): MapResult => ({ ok: false, kind: 'unknown_event', reason });
const invalid = (reason: string): MapResult => ({ ok: false, kind: 'skipped_line', reason });

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const optStr = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';
const isStr = (v: unknown): boolean => typeof v === 'string';
const gEnvelope = (v: Record<string, unknown>): boolean => (typeof v.id === 'string' || Number.isFinite(v.id)) && optStr(v.type) && optStr(v.item_type);
const gText = (v: Record<string, unknown>): boolean => typeof v.text === 'string';
const gCommand = (v: Record<string, unknown>): boolean =>
  (typeof v.command === 'string' || (Array.isArray(v.command) && v.command.every(isStr))) && optStr(v.aggregated_output) &&
  (v.exit_code === undefined || v.exit_code === null || Number.isSafeInteger(v.exit_code)) && optStr(v.status);
const gFileChange = (v: Record<string, unknown>): boolean =>
  Array.isArray(v.changes) && v.changes.every((c) => isObj(c) && typeof c.path === 'string' && (typeof c.kind === 'string' || (isObj(c.kind) && typeof c.kind.type === 'string'))) && optStr(v.status);
const gTodo = (v: Record<string, unknown>): boolean =>
  Array.isArray(v.items) && v.items.every((t) => isObj(t) && typeof t.text === 'string' && (t.completed === undefined || t.completed === null || typeof t.completed === 'boolean'));

function zodReason(what: string, error: z.ZodError): string {
  const issue = error.issues[0];
  return `${what}: ${issue ? `${issue.path.join('.') || '(root)'} ${issue.message}` : 'invalid'}`;
}

function itemStatus(raw: string | null | undefined, phase: 'started' | 'updated' | 'completed'): ItemStatus {
  if (raw === 'in_progress' || raw === 'completed' || raw === 'failed' || raw === 'declined') return raw;
  return phase === 'completed' ? 'completed' : 'in_progress';
}

function changeKind(raw: string | { type: string }): FileChangeKind {
  const k = typeof raw === 'string' ? raw : raw.type;
  return k === 'add' || k === 'delete' ? k : 'update';
}

/** Maps the item payload of `item.*` events of the thread (0.44+) and experimental (0.42) families. */
export function mapWireItem(raw: unknown, phase: 'started' | 'updated' | 'completed', idPrefix: string): { ok: true; item: ThreadItem } | MapResult {
  const env = fastParse(wireItemEnvelope, gEnvelope, raw);
  if (!env.success) return invalid(zodReason(`item.${phase}`, env.error));
  const id = idPrefix + String(env.data.id);
  const type = env.data.type ?? env.data.item_type;
  switch (type) {
    case 'agent_message':
    case 'assistant_message':
    case 'reasoning':
    case 'plan': {
      const p = fastParse(wireText, gText, raw);
      if (!p.success) return invalid(zodReason(`${type} item`, p.error));
      return { ok: true, item: { id, type: type === 'assistant_message' ? 'agent_message' : type, text: p.data.text } };
    }
    case 'command_execution': {
      const p = fastParse(wireCommandExecution, gCommand, raw);
      if (!p.success) return invalid(zodReason('command_execution item', p.error));
      const d = p.data;
      return {
        ok: true,
        item: {
          id,
          type: 'command_execution',
          command: typeof d.command === 'string' ? d.command : shellJoin(d.command),
          aggregated_output: d.aggregated_output ?? '',
          exit_code: d.exit_code ?? null,
          status: itemStatus(d.status, phase),
        },
      };
    }
    case 'file_change': {
      const p = fastParse(wireFileChange, gFileChange, raw);
      if (!p.success) return invalid(zodReason('file_change item', p.error));
      return {
        ok: true,
        item: {
          id,
          type: 'file_change',
          changes: p.data.changes.map((c) => ({ path: c.path, kind: changeKind(c.kind) })),
          status: itemStatus(p.data.status, phase),
        },
      };
    }
    case 'todo_list': {
      const p = fastParse(wireTodoList, gTodo, raw);
      if (!p.success) return invalid(zodReason('todo_list item', p.error));
      return { ok: true, item: { id, type: 'todo_list', items: p.data.items.map((t) => ({ text: t.text, completed: t.completed === true })) } };
    }
    case 'mcp_tool_call': {
      const p = wireMcpToolCall.safeParse(raw);
      if (!p.success) return invalid(zodReason('mcp_tool_call item', p.error));
      const d = p.data;
      return {
        ok: true,
        item: {
          id,
          type: 'mcp_tool_call',
          server: d.server,
          tool: d.tool,
          arguments: copyBounded(d.arguments ?? null),
          result: copyBounded(d.result ?? null),
          error: d.error ? { message: d.error.message } : null,
          status: itemStatus(d.status, phase),
        },
      };
    }
    case 'web_search': {
      const p = wireWebSearch.safeParse(raw);
      if (!p.success) return invalid(zodReason('web_search item', p.error));
      const action = p.data.action as { query?: unknown } | null | undefined;
      const query = p.data.query ?? (action && typeof action.query === 'string' ? action.query : '');
      return { ok: true, item: { id, type: 'web_search', query } };
    }
    case 'error': {
      const p = wireErrorItem.safeParse(raw);
      if (!p.success) return invalid(zodReason('error item', p.error));
      return { ok: true, item: { id, type: 'error', message: p.data.message } };
    }
    default:
      return unknown(`unknown item type "${String(type)}"`);
  }
}

/** Options that change how thread-family events are read. */
export interface ThreadFamilyOptions {
  idPrefix: string;
  /** What `turn.completed.usage` covers in the CLI version that wrote the stream. */
  turnUsageScope: UsageScope | 'infer';
}

/**
 * Maps one event object of the thread family (`thread.*`, `turn.*`, `item.*`, `error`) or the experimental v1
 * family (`session.created`, `item.*` with `item_type`).
 */
export function mapThreadEvent(obj: Record<string, unknown> & { type: string }, opts: ThreadFamilyOptions): MapResult {
  switch (obj.type) {
    case 'thread.started':
    case 'session.created': {
      const id = obj.type === 'thread.started' ? obj.thread_id : obj.session_id;
      if (typeof id !== 'string') return invalid(`${obj.type} without an id`);
      return ok({ type: 'thread.started', thread_id: id });
    }
    case 'turn.started':
      return ok({ type: 'turn.started' });
    case 'turn.completed': {
      const usage = usageFromWire(obj.usage);
      let scope: UsageScope = opts.turnUsageScope === 'infer' ? 'process' : opts.turnUsageScope;
      if (opts.turnUsageScope === 'infer' && obj.usage && typeof obj.usage === 'object') {
        // 0.130+ added these fields; from 0.80 on the figure is the thread's total.
        const u = obj.usage as Record<string, unknown>;
        if ('reasoning_output_tokens' in u || 'cache_write_input_tokens' in u) scope = 'thread';
      }
      return ok({ type: 'turn.completed', usage, scope });
    }
    case 'turn.failed': {
      const p = wireTurnFailed.safeParse(obj);
      const message = p.success && p.data.error ? p.data.error.message : 'The turn failed.';
      return ok({ type: 'turn.failed', error: { message } });
    }
    case 'error': {
      const message = typeof obj.message === 'string' ? obj.message : 'Unknown error';
      return ok({ type: 'error', message });
    }
    case 'item.started':
    case 'item.updated':
    case 'item.completed': {
      const phase = obj.type.slice(5) as 'started' | 'updated' | 'completed';
      const r = mapWireItem(obj.item, phase, opts.idPrefix);
      if ('item' in r) return ok({ type: obj.type, item: r.item });
      return r;
    }
    default:
      return unknown(`unknown event type "${obj.type}"`);
  }
}
