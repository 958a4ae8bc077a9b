import { shellJoin } from './shellQuote';
import { SILENT_EVENT_MSGS } from './silentEvents';
import type { CallRegistry } from './rolloutCalls';
import { tokenCountUsage, type RolloutContext } from './rolloutContext';
import type { Problem } from './rolloutItems';
import {
  fastParse,
  guards,
  wireCommandItem,
  wireFileChangeItem,
  wireMessageTurnItem,
  wireReasoningTurnItem,
  wireThreadSettings,
  wireTurnItemEvent,
} from './rolloutWire';
import { isInjectedContext } from './sessionTitle';
import { wireExecBegin, wireExecEnd, wireMessage, wirePatchBegin, wirePatchEnd, wirePlanUpdate, wireWebSearchEvent } from './wireSchemas';

/**
 * Event types a rollout may hold that carry nothing to show: the live stream's silent ones, and in a rollout also the
 * echoes of records it keeps elsewhere (output deltas, begin events, item_* updates) and UI state.
 */
const IGNORED = new Set([
  ...SILENT_EVENT_MSGS,
  'exec_command_output_delta',
  'context_compacted',
  'session_configured',
  'undo_started',
  'undo_completed',
  'thread_rolled_back',
  'deprecation_notice',
  'plan_delta',
  'raw_response_item',
  'item_started',
  'item_updated',
  'web_search_begin',
  'mcp_tool_call_begin',
  'mcp_tool_call_end',
]);

/** The error of a turn that ended with no answer and no recorded reason. */
export const NO_RESPONSE = 'The turn ended without a response; the rollout does not record why.';

const invalid = (what: string): Problem => ({ kind: 'skipped_line', reason: `${what}: unexpected shape` });

function partTexts(parts: readonly { text?: string | null }[] | null | undefined): string[] {
  return (parts ?? []).map((p) => p.text ?? '').filter((t) => t.trim() !== '');
}

/** 0.169's `item_completed`: turn items with PascalCase types, which replace the older message events. */
function turnItem(ctx: RolloutContext, calls: CallRegistry, payload: unknown): Problem | null {
  const env = fastParse(wireTurnItemEvent, guards.turnItemEvent, payload);
  if (!env.success) return invalid('item_completed');
  const item = env.data.item;
  const id = String(item.id);
  switch (item.type) {
    case 'UserMessage': {
      const text = partTexts(fastParse(wireMessageTurnItem, guards.messageTurnItem, item).data?.content).join('\n\n');
      if (text && !isInjectedContext(text)) ctx.prompt(text, 'event');
      return null;
    }
    case 'AgentMessage': {
      const text = partTexts(fastParse(wireMessageTurnItem, guards.messageTurnItem, item).data?.content).join('');
      if (text) ctx.agentText('agent_message', [text], 'event');
      return null;
    }
    case 'Reasoning': {
      const p = fastParse(wireReasoningTurnItem, guards.reasoningTurnItem, item);
      if (!p.success) return invalid('Reasoning item');
      const parts = (p.data.summary_text ?? []).filter((t) => t.trim() !== '');
      if (parts.length) ctx.agentText('reasoning', parts, 'event');
      return null;
    }
    case 'CommandExecution': {
      const p = fastParse(wireCommandItem, guards.commandItem, item);
      if (!p.success) return invalid('CommandExecution item');
      const d = p.data;
      const command = typeof d.command === 'string' ? d.command : d.command ? shellJoin(d.command) : undefined;
      const cwd = d.cwd?.replace(/^file:\/\//, '');
      calls.commandRecord(id, { command, cwd, output: d.aggregated_output, exit_code: d.exit_code, status: d.status, duration: d.duration });
      return null;
    }
    case 'FileChange': {
      const p = fastParse(wireFileChangeItem, guards.fileChangeItem, item);
      if (!p.success) return invalid('FileChange item');
      calls.patchRecord(id, { changes: p.data.changes, status: p.data.status });
      return null;
    }
    case 'WebSearch': {
      const query = typeof item.query === 'string' ? item.query : '';
      if (query) ctx.emit('item.completed', { id: ctx.idPrefix + id, type: 'web_search', query });
      return null;
    }
    case 'ContextCompaction':
    case 'HookPrompt':
    case 'ImageView':
      return null;
    default:
      return { kind: 'unknown_event', reason: `unknown item_completed type "${item.type}"` };
  }
}

/**
 * Maps one `event_msg` payload. Message events go through the context's de-duplication (the same text is also a
 * response item); command and patch events complete the calls the response items started.
 */
export function mapRolloutEvent(ctx: RolloutContext, calls: CallRegistry, msg: Record<string, unknown> & { type: string }): Problem | null {
  switch (msg.type) {
    case 'task_started':
    case 'turn_started':
      // A turn a prompt opened just before its start marker is this turn; one with output is a turn the previous
      // process never finished (or, before the first marker, one that had no markers).
      if (ctx.turnOpen && ctx.turnHasOutput) ctx.closeTurn(ctx.taskMarkers ? 'The turn ended without a result (codex stopped).' : undefined);
      ctx.taskMarkers = true;
      ctx.openTurn();
      return null;
    case 'task_complete':
    case 'turn_complete': {
      ctx.taskMarkers = true;
      const err = msg.error as { message?: unknown } | null | undefined;
      const message = err && typeof err.message === 'string' ? err.message : null;
      if (message === null && !ctx.turnHasOutput && ctx.lastError === null && ctx.turnOpen && msg.last_agent_message === null) {
        // 0.100 wrote a plain task_complete after a failed model request: nothing came back, and no reason is recorded.
        ctx.closeTurn(NO_RESPONSE);
      } else ctx.closeTurn(message ?? (ctx.turnHasOutput ? undefined : (ctx.lastError ?? undefined)));
      return null;
    }
    case 'turn_aborted':
      ctx.closeTurn(`The turn was aborted (${typeof msg.reason === 'string' ? msg.reason : 'interrupted'}).`);
      return null;
    case 'user_message': {
      const p = wireMessage.safeParse(msg);
      if (!p.success) return invalid('user_message');
      // 0.4x also logged the injected context as user_message events, with a `kind` other than "plain".
      if ((msg.kind === undefined || msg.kind === null || msg.kind === 'plain') && !isInjectedContext(p.data.message)) ctx.prompt(p.data.message, 'event');
      return null;
    }
    case 'agent_message':
    case 'agent_reasoning': {
      const text = msg.type === 'agent_message' ? msg.message : msg.text;
      if (typeof text !== 'string') return invalid(msg.type);
      ctx.agentText(msg.type === 'agent_message' ? 'agent_message' : 'reasoning', [text], 'event');
      return null;
    }
    case 'token_count': {
      const e = tokenCountUsage(ctx.usage, msg, ctx.timestamp);
      if (e) ctx.out.push(e);
      return null;
    }
    case 'error': {
      const message = typeof msg.message === 'string' ? msg.message : 'Unknown error';
      ctx.out.push({ type: 'error', message });
      ctx.lastError = message;
      return null;
    }
    case 'stream_error':
    case 'warning':
    case 'background_event':
      if (typeof msg.message === 'string') ctx.out.push({ type: 'error', message: msg.message });
      return null;
    case 'exec_command_begin':
    case 'exec_command_end': {
      if (msg.type === 'exec_command_begin') {
        const p = wireExecBegin.safeParse(msg);
        if (!p.success) return invalid(msg.type);
        const command = typeof p.data.command === 'string' ? p.data.command : shellJoin(p.data.command);
        calls.commandRecord(p.data.call_id, { command, cwd: p.data.cwd });
        return null;
      }
      const p = wireExecEnd.safeParse(msg);
      if (!p.success) return invalid(msg.type);
      const d = p.data;
      const output = d.aggregated_output ?? ([d.stdout, d.stderr].filter(Boolean).join('') || null);
      calls.commandRecord(d.call_id, { output, exit_code: d.exit_code, duration: d.duration });
      return null;
    }
    case 'patch_apply_begin': {
      const p = wirePatchBegin.safeParse(msg);
      if (!p.success) return invalid(msg.type);
      calls.patchRecord(p.data.call_id, { changes: p.data.changes });
      return null;
    }
    case 'patch_apply_end': {
      const p = wirePatchEnd.safeParse(msg);
      if (!p.success) return invalid(msg.type);
      calls.patchRecord(p.data.call_id, { success: p.data.success ?? true });
      return null;
    }
    case 'plan_update': {
      const p = wirePlanUpdate.safeParse(msg);
      if (!p.success) return invalid(msg.type);
      calls.plan(`plan_update_${ctx.turnNo}`, p.data);
      calls.output(`plan_update_${ctx.turnNo}`, 'Plan updated');
      return null;
    }
    case 'web_search_end': {
      const p = wireWebSearchEvent.safeParse(msg);
      if (p.success && p.data.query) ctx.emit('item.completed', { id: ctx.idPrefix + p.data.call_id, type: 'web_search', query: p.data.query });
      return null;
    }
    case 'item_completed':
      return turnItem(ctx, calls, msg);
    case 'thread_settings_applied': {
      const p = fastParse(wireThreadSettings, guards.threadSettings, msg);
      if (!p.success) return invalid(msg.type);
      const { model, cwd } = p.data.thread_settings;
      if (model) ctx.out.push({ type: 'thread.meta', meta: { model } });
      ctx.session.model ??= model ?? null;
      ctx.setCwd(cwd);
      return null;
    }
    default:
      if (IGNORED.has(msg.type)) return null;
      return { kind: 'unknown_event', reason: `unknown event_msg type "${msg.type}"` };
  }
}
