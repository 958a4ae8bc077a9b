import { shellJoin } from './shellQuote';
import { isInjectedContext, userPromptFromContent } from './sessionTitle';
import { parseToolOutput, shellRequest } from './toolCalls';

/** What part of a session a search hit is in. */
export type SearchKind = 'prompt' | 'message' | 'reasoning' | 'command' | 'output' | 'patch' | 'tool';

/** A piece of searchable text of one rollout record. */
export interface SearchableText {
  kind: SearchKind;
  text: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function partsText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (isObj(p) ? str(p.text) : '')).filter(Boolean).join('\n');
}

function jsonArgs(raw: unknown): Obj | null {
  if (isObj(raw)) return raw;
  try {
    const v = JSON.parse(str(raw)) as unknown;
    return isObj(v) ? v : null;
  } catch {
    return null;
  }
}

function responseItem(p: Obj, out: SearchableText[]): void {
  switch (p.type) {
    case 'message':
      if (p.role === 'user') {
        const prompt = userPromptFromContent(p.content);
        if (prompt) out.push({ kind: 'prompt', text: prompt });
      } else if (p.role === 'assistant') out.push({ kind: 'message', text: partsText(p.content) });
      break;
    case 'reasoning':
      out.push({ kind: 'reasoning', text: partsText(p.summary) });
      break;
    case 'function_call': {
      const args = jsonArgs(p.arguments);
      const req = args ? shellRequest(args) : null;
      if (req) out.push(req.patch ? { kind: 'patch', text: req.patch } : { kind: 'command', text: req.command });
      else if (p.name === 'apply_patch' && args) out.push({ kind: 'patch', text: str(args.input) || str(args.patch) });
      else out.push({ kind: 'tool', text: `${str(p.name)} ${str(p.arguments)}` });
      break;
    }
    case 'custom_tool_call':
      out.push({ kind: p.name === 'apply_patch' ? 'patch' : 'tool', text: str(p.input) });
      break;
    case 'local_shell_call': {
      const cmd = isObj(p.action) && Array.isArray(p.action.command) ? (p.action.command as string[]) : [];
      out.push({ kind: 'command', text: shellJoin(cmd.filter((a) => typeof a === 'string')) });
      break;
    }
    case 'function_call_output':
    case 'custom_tool_call_output':
      out.push({ kind: 'output', text: parseToolOutput(p.output).text });
      break;
  }
}

function eventMsg(p: Obj, out: SearchableText[]): void {
  switch (p.type) {
    case 'user_message':
      if (!isInjectedContext(str(p.message))) out.push({ kind: 'prompt', text: str(p.message) });
      break;
    case 'agent_message':
      out.push({ kind: 'message', text: str(p.message) });
      break;
    case 'agent_reasoning':
      out.push({ kind: 'reasoning', text: str(p.text) });
      break;
    case 'exec_command_end':
      out.push({ kind: 'output', text: str(p.aggregated_output) || `${str(p.stdout)}${str(p.stderr)}` });
      break;
    case 'patch_apply_begin':
      if (isObj(p.changes)) out.push({ kind: 'patch', text: Object.keys(p.changes).join('\n') });
      break;
    case 'item_completed': {
      const item = isObj(p.item) ? p.item : {};
      if (item.type === 'UserMessage') {
        const text = partsText(item.content);
        if (!isInjectedContext(text)) out.push({ kind: 'prompt', text });
      } else if (item.type === 'AgentMessage') out.push({ kind: 'message', text: partsText(item.content) });
      else if (item.type === 'CommandExecution') out.push({ kind: 'output', text: str(item.aggregated_output) });
      else if (item.type === 'FileChange' && isObj(item.changes)) out.push({ kind: 'patch', text: Object.keys(item.changes).join('\n') });
      break;
    }
  }
}

/**
 * The texts of one parsed rollout line a person would search: prompts (not injected context), assistant messages,
 * reasoning summaries, commands, their outputs, patches (file paths and diffs) and other tool calls. Instructions,
 * settings and usage records are left out.
 */
export function searchableTexts(obj: unknown): SearchableText[] {
  const out: SearchableText[] = [];
  if (!isObj(obj)) return out;
  if (typeof obj.type === 'string' && 'payload' in obj) {
    if (!isObj(obj.payload)) return out;
    if (obj.type === 'response_item') responseItem(obj.payload, out);
    else if (obj.type === 'event_msg') eventMsg(obj.payload, out);
  } else if (typeof obj.type === 'string') responseItem(obj, out);
  return out.filter((t) => t.text !== '');
}

/** A match with some context around it. */
export interface Snippet {
  /** The match and up to `context` characters each side, whitespace collapsed, `…` where cut. */
  text: string;
  /** Where the match is in `text` (start, end). */
  match: [number, number];
}

/** Builds a case-insensitive matcher for `query`, or null for an empty one. */
export function queryRegExp(query: string, flags = 'gi'): RegExp | null {
  if (query.trim() === '') return null;
  return new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), flags);
}

/**
 * A test for raw JSON lines, run before parsing: a line can contain the query only if it contains it escaped once
 * (a JSON string) or twice (a JSON string inside a JSON string, such as tool arguments and old tool outputs).
 */
export function rawLineFilter(query: string): (line: string) => boolean {
  const once = JSON.stringify(query).slice(1, -1);
  const twice = JSON.stringify(once).slice(1, -1);
  const a = queryRegExp(once, 'i');
  const b = once === twice ? null : queryRegExp(twice, 'i');
  return (line) => !!a && (a.test(line) || (b !== null && b.test(line)));
}

/** Snippets of the first `max` matches of `re` (a global, case-insensitive matcher) in `text`. */
export function snippets(text: string, re: RegExp, max = 3, context = 60): Snippet[] {
  const out: Snippet[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m && out.length < max; m = re.exec(text)) {
    if (m[0] === '') break;
    const from = Math.max(0, m.index - context);
    const to = Math.min(text.length, m.index + m[0].length + context);
    const before = (from > 0 ? '…' : '') + text.slice(from, m.index).replace(/\s+/g, ' ').trimStart();
    const hit = m[0].replace(/\s+/g, ' ');
    const after = text.slice(m.index + m[0].length, to).replace(/\s+/g, ' ').trimEnd() + (to < text.length ? '…' : '');
    out.push({ text: before + hit + after, match: [before.length, before.length + hit.length] });
    re.lastIndex = m.index + m[0].length;
  }
  return out;
}
