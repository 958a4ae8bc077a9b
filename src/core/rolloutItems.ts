import type { CallRegistry } from './rolloutCalls';
import type { RolloutContext } from './rolloutContext';
import {
  fastParse,
  guards,
  wireCallOutput,
  wireCustomToolCall,
  wireFunctionCall,
  wireLocalShellCall,
  wireMessageItem,
  wirePlanArgs,
  wireReasoningItem,
  wireWebSearchCall,
} from './rolloutWire';
import { isInjectedContext, userPromptFromContent } from './sessionTitle';
import { shellRequest } from './toolCalls';

/** Why a record could not be used (it becomes a diagnostic; reading goes on). */
export interface Problem {
  kind: 'skipped_line' | 'unknown_event';
  reason: string;
}

const invalid = (what: string): Problem => ({ kind: 'skipped_line', reason: `${what}: unexpected shape` });

/** Tools whose arguments name a command to run. */
const SHELL_TOOLS = new Set(['shell', 'container.exec', 'shell_command', 'exec_command', 'local_shell']);

/** Response items that carry nothing to show. */
const IGNORED_ITEMS = new Set(['ghost_snapshot', 'compaction', 'compaction_summary', 'other', 'image_generation_call', 'tool_search_call', 'tool_search_output']);

function texts(parts: readonly { text?: string | null }[] | null | undefined): string[] {
  return (parts ?? []).map((p) => p.text ?? '').filter((t) => t.trim() !== '');
}

function parseArgs(raw: unknown): Record<string, unknown> | null {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) return raw as Record<string, unknown>;
  if (typeof raw !== 'string') return null;
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const ENV_CWD = /<cwd>([^<]+)<\/cwd>/;

function message(ctx: RolloutContext, payload: unknown): Problem | null {
  const p = fastParse(wireMessageItem, guards.message, payload);
  if (!p.success) return invalid('message');
  const { role, content } = p.data;
  if (role === 'user') {
    const prompt = userPromptFromContent(content);
    if (prompt !== null) ctx.prompt(prompt, 'response');
    else {
      // Injected context: the environment block is where 0.2x – 0.3x rollouts state the folder.
      const all = typeof content === 'string' ? content : texts(content).join('\n');
      const cwd = isInjectedContext(all) ? ENV_CWD.exec(all)?.[1]?.trim() : undefined;
      if (cwd && !ctx.session.cwd) ctx.setCwd(cwd);
    }
  } else if (role === 'assistant') {
    const text = typeof content === 'string' ? content : texts(content).join('');
    if (text.trim()) ctx.agentText('agent_message', [text], 'response');
  }
  // developer and system messages are instructions, never shown
  return null;
}

function functionCall(calls: CallRegistry, payload: unknown): Problem | null {
  const p = fastParse(wireFunctionCall, guards.functionCall, payload);
  if (!p.success) return invalid('function_call');
  const { name, call_id: callId } = p.data;
  const args = parseArgs(p.data.arguments);
  if (SHELL_TOOLS.has(name) && args) {
    const req = shellRequest(args);
    if (req) {
      calls.shell(callId, req);
      return null;
    }
  }
  if (name === 'apply_patch' && args) {
    const patch = typeof args.input === 'string' ? args.input : typeof args.patch === 'string' ? args.patch : null;
    if (patch !== null) {
      calls.patch(callId, patch, typeof args.workdir === 'string' ? args.workdir : undefined);
      return null;
    }
  }
  if (name === 'update_plan') {
    const plan = fastParse(wirePlanArgs, guards.planArgs, args);
    if (plan.success) {
      calls.plan(callId, plan.data);
      return null;
    }
  }
  if (name === 'write_stdin' && args) {
    calls.stdin(callId, args.session_id);
    return null;
  }
  calls.tool(callId, name, args ?? p.data.arguments);
  return null;
}

/**
 * Maps one response item (a bare line of the oldest families, or the payload of a `response_item` envelope) into
 * events on `ctx.out`: prompts (injected context left out), assistant messages, reasoning summaries, and tool calls
 * with their outputs.
 */
export function mapResponseItem(ctx: RolloutContext, calls: CallRegistry, payload: Record<string, unknown> & { type: string }): Problem | null {
  switch (payload.type) {
    case 'message':
      return message(ctx, payload);
    case 'reasoning': {
      const p = fastParse(wireReasoningItem, guards.reasoning, payload);
      if (!p.success) return invalid('reasoning');
      const parts = texts(p.data.summary);
      ctx.agentText('reasoning', parts.length ? parts : texts(p.data.content), 'response');
      return null;
    }
    case 'function_call':
      return functionCall(calls, payload);
    case 'custom_tool_call': {
      const p = fastParse(wireCustomToolCall, guards.functionCall, payload);
      if (!p.success) return invalid('custom_tool_call');
      if (p.data.name === 'apply_patch' && typeof p.data.input === 'string') calls.patch(p.data.call_id, p.data.input);
      else calls.tool(p.data.call_id, p.data.name, p.data.input);
      return null;
    }
    case 'local_shell_call': {
      const p = wireLocalShellCall.safeParse(payload);
      const callId = p.success ? (p.data.call_id ?? p.data.id) : null;
      if (!p.success || !callId) return invalid('local_shell_call');
      const req = shellRequest({ command: p.data.action.command, working_directory: p.data.action.working_directory ?? undefined });
      if (req) calls.shell(callId, req);
      return null;
    }
    case 'function_call_output':
    case 'custom_tool_call_output':
    case 'local_shell_call_output': {
      const p = fastParse(wireCallOutput, guards.callOutput, payload);
      if (!p.success) return invalid(payload.type);
      calls.output(p.data.call_id, p.data.output);
      return null;
    }
    case 'web_search_call': {
      const p = wireWebSearchCall.safeParse(payload);
      if (!p.success) return invalid('web_search_call');
      const query = p.data.action?.query;
      if (query) ctx.emit('item.completed', { id: ctx.newId('search'), type: 'web_search', query });
      return null;
    }
    default:
      if (IGNORED_ITEMS.has(payload.type)) return null;
      return { kind: 'unknown_event', reason: `unknown response item type "${payload.type}"` };
  }
}
