import type { CommandExecutionItem, FileChangeItem, ItemStatus, McpToolCallItem, ThreadItem, TodoListItem, TurnState } from '../shared/threadModel';
import { button, compact, h, icon } from './dom';
import { markdownPieces, renderMarkdown } from './markdown';

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

/** Longer lines of output are cut in the panel (a minified bundle is one line of megabytes); the full text is one click away. */
export const OUTPUT_LINE_MAX_CHARS = 2000;

/** Index just after the `n`th newline from `from`, or -1 when there are fewer. */
function afterLines(text: string, from: number, n: number, end: number): number {
  let p = from;
  for (let k = 0; k < n; k++) {
    const q = text.indexOf('\n', p);
    if (q < 0 || q >= end) return -1;
    p = q + 1;
  }
  return p;
}

/** Lines of `text` cut to {@link OUTPUT_LINE_MAX_CHARS}. */
function clipLines(text: string): string {
  if (text.length <= OUTPUT_LINE_MAX_CHARS) return text;
  return text.split('\n').map((l) => (l.length > OUTPUT_LINE_MAX_CHARS ? `${l.slice(0, OUTPUT_LINE_MAX_CHARS)} … [${(l.length - OUTPUT_LINE_MAX_CHARS).toLocaleString()} more characters]` : l)).join('\n');
}

/**
 * Splits a long output into what is shown: all of it, or the head and the tail with a count of hidden lines. Costs
 * one scan for newlines (no array of lines, no copy), and what it returns is bounded by the line count and
 * {@link OUTPUT_LINE_MAX_CHARS}, however large the output.
 */
export function visibleOutput(text: string, expanded: boolean): { head: string; hidden: number; tail: string } {
  const end = text.endsWith('\n') ? text.length - 1 : text.length;
  const edge = expanded ? OUTPUT_EXPANDED_MAX_LINES / 2 : OUTPUT_EDGE_LINES;
  const headEnd = afterLines(text, 0, edge, end);
  let lines = 1;
  for (let p = text.indexOf('\n'); p >= 0 && p < end; p = text.indexOf('\n', p + 1)) lines++;
  if (headEnd < 0 || lines <= edge * 2 + 1) return { head: clipLines(text.slice(0, end)), hidden: 0, tail: '' };
  let tailStart = end;
  for (let k = 0; k < edge; k++) tailStart = text.lastIndexOf('\n', tailStart - 1);
  return { head: clipLines(text.slice(0, headEnd - 1)), hidden: lines - edge * 2, tail: clipLines(text.slice(tailStart + 1, end)) };
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

/** The markdown of long messages still to render, by card: {@link renderItem} renders the first piece only. */
const laterPieces = new WeakMap<HTMLElement, { body: HTMLElement; rest: string[] }>();

/** Whether a card from {@link renderItem} has pieces left to render. */
export function unfinished(card: HTMLElement): boolean {
  return (laterPieces.get(card)?.rest.length ?? 0) > 0;
}

/** Renders the next piece of a long message's markdown into its card. */
export function renderNextPiece(card: HTMLElement): void {
  const later = laterPieces.get(card);
  const piece = later?.rest.shift();
  if (later && piece !== undefined) later.body.insertAdjacentHTML('beforeend', renderMarkdown(piece));
}

/** Lines of `text`, counted up to `max` (a huge output is not scanned to the end). */
function linesUpTo(text: string, max: number): number {
  let n = 1;
  for (let p = text.indexOf('\n'); p >= 0 && n < max; p = text.indexOf('\n', p + 1)) n++;
  return n;
}

/** A guess of an item's height in px before it was first shown (then it is measured). */
export function estimateHeight(item: ThreadItem | undefined): number {
  switch (item?.type) {
    case 'agent_message':
      return 48 + 20 * Math.ceil(item.text.length / 90);
    case 'user_message':
      return 64 + 20 * linesUpTo(item.text, 30);
    case 'command_execution':
      return 56 + (item.aggregated_output ? 18 * Math.min(linesUpTo(item.aggregated_output, OUTPUT_EDGE_LINES * 2 + 2), OUTPUT_EDGE_LINES * 2 + 3) : 20);
    case 'file_change':
      return 44 + 26 * item.changes.length;
    case 'todo_list':
      return 44 + 26 * item.items.length;
    default:
      return 52;
  }
}

/** Builds the DOM of one item (a fresh node; the caller swaps it in). */
export function renderItem(item: ThreadItem, expanded: boolean, threadEnded = false): HTMLElement {
  ended = threadEnded;
  switch (item.type) {
    case 'user_message':
      return card(item, 'Your prompt', h('div', { class: 'bubble' }, h('div', { class: 'who' }, icon('account'), ' You'), h('div', { class: 'prompt-text' }, item.text)));
    case 'agent_message': {
      const body = h('div', { class: 'markdown' });
      const [first = '', ...rest] = markdownPieces(item.text);
      body.innerHTML = renderMarkdown(first); // markdown-it with raw HTML disabled: no markup from the text survives
      const el = card(item, 'Codex', h('div', { class: 'who' }, icon('sparkle'), ' Codex'), body);
      if (rest.length) laterPieces.set(el, { body, rest });
      return el;
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
