import type { CommandExecutionItem, FileChangeItem, ItemStatus, McpToolCallItem, ThreadItem, TodoListItem, TurnState } from '../shared/threadModel';
import { button, compact, h, icon } from './dom';
import { renderMarkdown } from './markdown';

/** Lines of a long output shown at each end before "show all". */
export const OUTPUT_EDGE_LINES = 20;
/** Most lines shown even when expanded (the rest is in "open full output"). */
export const OUTPUT_EXPANDED_MAX_LINES = 5000;

const STATUS: Record<ItemStatus, { icon: string; label: string }> = {
  in_progress: { icon: 'loading codicon-modifier-spin', label: 'running' },
  completed: { icon: 'check', label: 'done' },
  failed: { icon: 'error', label: 'failed' },
  declined: { icon: 'circle-slash', label: 'declined' },
};

/** Set while rendering a thread that no longer runs: items left "in progress" were interrupted. */
let ended = false;

function statusBadge(status: ItemStatus, extra?: string): HTMLElement {
  if (status === 'in_progress' && ended) return h('span', { class: 'badge status-declined', attrs: { role: 'status' } }, icon('debug-stop'), h('span', {}, 'interrupted'));
  const s = STATUS[status];
  return h('span', { class: `badge status-${status}`, attrs: { role: 'status' } }, icon(s.icon), h('span', {}, extra ?? s.label));
}

function card(item: ThreadItem, kindLabel: string, ...children: (Node | null)[]): HTMLElement {
  return h('article', { class: `item item-${item.type}`, attrs: { 'data-id': item.id, 'aria-label': kindLabel, tabindex: '0' } }, ...children);
}

/** Splits a long output into what is shown: all of it, or the head and the tail with a count of hidden lines. */
export function visibleOutput(text: string, expanded: boolean): { head: string; hidden: number; tail: string } {
  const lines = text.replace(/\n$/, '').split('\n');
  const edge = expanded ? OUTPUT_EXPANDED_MAX_LINES / 2 : OUTPUT_EDGE_LINES;
  if (lines.length <= edge * 2 + 1) return { head: lines.join('\n'), hidden: 0, tail: '' };
  return { head: lines.slice(0, edge).join('\n'), hidden: lines.length - edge * 2, tail: lines.slice(-edge).join('\n') };
}

function commandView(item: CommandExecutionItem, expanded: boolean): HTMLElement {
  const exit = item.exit_code === null ? null : h('span', { class: `badge exit ${item.exit_code === 0 ? 'ok' : 'bad'}`, title: 'Exit code' }, `exit ${item.exit_code}`);
  const head = h('div', { class: 'item-head' }, icon('terminal'), h('code', { class: 'command' }, item.command), statusBadge(item.status), exit);
  const out = item.aggregated_output;
  const body = h('div', { class: 'output-wrap' });
  if (out) {
    const v = visibleOutput(out, expanded);
    const pre = h('pre', { class: 'output', attrs: { tabindex: '0', 'aria-label': 'Command output' } }, v.head);
    body.append(pre);
    if (v.hidden) {
      body.append(
        h('div', { class: 'output-gap' }, `… ${v.hidden.toLocaleString()} lines hidden …`, button(expanded ? 'Show less' : 'Show all', 'toggleOutput', { data: { id: item.id } })),
        h('pre', { class: 'output' }, v.tail),
      );
    }
    if (v.hidden || item.output_truncated_chars) {
      body.append(h('div', { class: 'output-actions' }, item.output_truncated_chars ? h('span', { class: 'notice' }, icon('warning'), ` ${item.output_truncated_chars.toLocaleString()} characters were cut from the middle to keep memory bounded.`) : null, button('Open full output', 'openOutput', { icon: 'go-to-file', data: { id: item.id } })));
    }
  } else if (item.status !== 'in_progress') {
    body.append(h('div', { class: 'muted' }, '(no output)'));
  }
  return card(item, `Command ${item.command}`, head, body);
}

function fileChangeView(item: FileChangeItem): HTMLElement {
  const kindIcon = { add: 'diff-added', update: 'diff-modified', delete: 'diff-removed' } as const;
  const list = h('ul', { class: 'changes' });
  item.changes.forEach((c, i) => {
    const name = c.path.split(/[\\/]/).pop() ?? c.path;
    const link = h('a', { class: 'change-link', attrs: { href: '#', 'data-action': 'openDiff', 'data-id': item.id, 'data-change': String(i), role: 'button' }, title: `Open the diff of ${c.path}` }, name);
    list.append(h('li', { class: `change change-${c.kind}` }, icon(kindIcon[c.kind]), h('span', { class: 'kind' }, c.kind), link, h('span', { class: 'path muted' }, c.path)));
  });
  return card(item, 'File changes', h('div', { class: 'item-head' }, icon('files'), h('span', {}, `${item.changes.length} file${item.changes.length === 1 ? '' : 's'} changed`), statusBadge(item.status)), list);
}

function todoView(item: TodoListItem): HTMLElement {
  const done = item.items.filter((t) => t.completed).length;
  const list = h('ul', { class: 'todo', attrs: { role: 'list' } });
  for (const t of item.items) {
    const state = t.completed ? 'pass-filled' : t.status === 'in_progress' ? 'circle-large-filled' : 'circle-large-outline';
    list.append(h('li', { class: t.completed ? 'done' : '', attrs: { 'aria-checked': String(t.completed), role: 'checkbox' } }, icon(state), h('span', {}, t.text)));
  }
  return card(item, 'To-do list', h('div', { class: 'item-head' }, icon('checklist'), h('span', {}, `To-do ${done}/${item.items.length}`), item.explanation ? h('span', { class: 'muted' }, item.explanation) : null), list);
}

function json(v: unknown): string {
  try {
    return JSON.stringify(v, null, 2) ?? '';
  } catch {
    return String(v);
  }
}

function mcpView(item: McpToolCallItem): HTMLElement {
  const details = h('details', {}, h('summary', {}, 'Arguments and result'), h('pre', { class: 'output' }, `arguments: ${json(item.arguments)}`), item.result !== null ? h('pre', { class: 'output' }, `result: ${json(item.result)}`) : null);
  return card(item, `Tool ${item.server}.${item.tool}`, h('div', { class: 'item-head' }, icon('plug'), h('code', {}, `${item.server}.${item.tool}`), statusBadge(item.status)), item.error ? h('div', { class: 'error-text' }, item.error.message) : null, details);
}

/** Builds the DOM of one item (a fresh node; the caller swaps it in). */
export function renderItem(item: ThreadItem, expanded: boolean, threadEnded = false): HTMLElement {
  ended = threadEnded;
  switch (item.type) {
    case 'user_message':
      return card(item, 'Your prompt', h('div', { class: 'bubble' }, h('div', { class: 'who' }, icon('account'), ' You'), h('div', { class: 'prompt-text' }, item.text)));
    case 'agent_message': {
      const body = h('div', { class: 'markdown' });
      body.innerHTML = renderMarkdown(item.text); // markdown-it with raw HTML disabled: no markup from the text survives
      return card(item, 'Codex', h('div', { class: 'who' }, icon('sparkle'), ' Codex'), body);
    }
    case 'reasoning': {
      const first = item.text.split('\n').find((l) => l.trim()) ?? 'Reasoning';
      return card(item, 'Reasoning', h('details', { class: 'reasoning' }, h('summary', {}, icon('lightbulb'), ` ${first.replace(/\*\*/g, '')}`), h('div', { class: 'muted pre-wrap' }, item.text)));
    }
    case 'command_execution':
      return commandView(item, expanded);
    case 'file_change':
      return fileChangeView(item);
    case 'todo_list':
      return todoView(item);
    case 'mcp_tool_call':
      return mcpView(item);
    case 'web_search':
      return card(item, 'Web search', h('div', { class: 'item-head' }, icon('search'), h('span', {}, 'Searched the web: '), h('q', {}, item.query)));
    case 'plan':
      return card(item, 'Plan', h('div', { class: 'item-head' }, icon('list-ordered'), h('span', {}, 'Plan')), h('div', { class: 'pre-wrap' }, item.text));
    case 'error':
      return card(item, 'Warning', h('div', { class: 'item-head warning-text' }, icon('warning'), h('span', {}, item.message)));
  }
}

/** A turn separator with the turn's usage and outcome. */
export function renderTurnSeparator(turn: TurnState, n: number): HTMLElement {
  const usage = turn.usage ? ` · ${compact(turn.usage.input_tokens)} in · ${compact(turn.usage.output_tokens)} out` : '';
  const state = turn.status === 'running' ? '' : ` · ${turn.status}`;
  return h('div', { class: `turn-sep turn-${turn.status}`, attrs: { role: 'separator', 'data-turn': String(n) } }, h('span', {}, `Turn ${n + 1}${state}${usage}`));
}
