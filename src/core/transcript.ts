import type { ThreadItem, ThreadState, Usage } from '../shared/threadModel';

const STATUS_MARK: Record<string, string> = { completed: '✓', failed: '✗', in_progress: '…', declined: '⊘' };

function indent(text: string, prefix = '    '): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

/** Formats token counts for people: `21,066 in (2,100 cached) · 135 out (45 reasoning)`. */
export function formatUsage(u: Usage): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  return `${n(u.input_tokens)} in (${n(u.cached_input_tokens)} cached) · ${n(u.output_tokens)} out (${n(u.reasoning_output_tokens)} reasoning)`;
}

/** One item as readable text (the CLI's transcript; also used for live `run` output). */
export function formatItem(item: ThreadItem): string {
  switch (item.type) {
    case 'user_message':
      return `› ${item.text}`;
    case 'agent_message':
      return `codex: ${item.text}`;
    case 'reasoning':
      return `thinking: ${item.text.replace(/\n+/g, ' ')}`;
    case 'plan':
      return `plan:\n${indent(item.text)}`;
    case 'command_execution': {
      const exit = item.exit_code === null ? '' : ` (exit ${item.exit_code})`;
      const head = `${STATUS_MARK[item.status] ?? '?'} $ ${item.command}${exit}`;
      return item.aggregated_output ? `${head}\n${indent(item.aggregated_output)}` : head;
    }
    case 'file_change':
      return `${STATUS_MARK[item.status] ?? '?'} patch: ${item.changes.map((c) => `${c.kind} ${c.path}`).join(', ')}`;
    case 'todo_list':
      return `to-do:\n${item.items.map((t) => `    [${t.completed ? 'x' : ' '}] ${t.text}`).join('\n')}`;
    case 'mcp_tool_call':
      return `${STATUS_MARK[item.status] ?? '?'} tool ${item.server}.${item.tool}${item.error ? `: ${item.error.message}` : ''}`;
    case 'web_search':
      return `web search: ${item.query}`;
    case 'error':
      return `error: ${item.message}`;
  }
}

/** The whole thread as readable text. */
export function formatTranscript(state: ThreadState): string {
  const out: string[] = [];
  if (state.thread_id) out.push(`thread ${state.thread_id}`);
  for (const item of state.items) out.push(formatItem(item));
  for (const e of state.errors) out.push(`error: ${e}`);
  out.push(`status: ${state.status}`);
  out.push(`usage: ${state.usage ? formatUsage(state.usage) : 'unknown'}`);
  if (state.skipped_lines || state.unknown_events) {
    out.push(`skipped ${state.skipped_lines} unreadable line(s), ${state.unknown_events} unknown event(s)`);
  }
  return `${out.join('\n')}\n`;
}
