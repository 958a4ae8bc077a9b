/**
 * Telling a person's prompt from the context codex injects as user-role messages (environment, AGENTS.md, skills,
 * shell-command records, abort notices), and turning the first real prompt into a session title.
 */

/** Tags whose block, at the start of a user message, marks it as injected context rather than a prompt. */
const INJECTED_TAGS = [
  'environment_context',
  'user_instructions',
  'instructions',
  'skills_instructions',
  'skill',
  'permissions instructions',
  'collaboration_mode',
  'personality_spec',
  'apps_instructions',
  'user_shell_command',
  'turn_aborted',
  'tool_context',
  'reasoning_context',
  'pinned_notes',
  'subagent_notification',
  'context_update',
];

const INJECTED_PREFIXES = ['# agents.md instructions for', '<environment_context', '<user_instructions'];

/** How injected context starts (lower case): a prefix above, or a tag opened as `<tag>` or `<tag …>`. */
const INJECTED_STARTS = [...INJECTED_PREFIXES, ...INJECTED_TAGS.flatMap((tag) => [`<${tag}>`, `<${tag} `])];

/**
 * A whole message that is one `<snake_case …>…</snake_case>` block: the harness's style for state it hands the model
 * (new tags appear with new CLIs). A one-word tag is left alone, since a person may well wrap a prompt in `<task>`.
 */
const WRAPPED_BLOCK = /^<([a-z]+(?:[_ ][a-z]+)+)(?:\s[^>]*)?>[\s\S]*<\/\1>$/i;

/** Where the Codex IDE extension and desktop app put the person's words after the context they attach. */
/** What separates attached context from the request, as the IDE extensions (and ours) write it. */
export const REQUEST_MARKER = '## My request for Codex:';

/**
 * Whether a user-role text is context the CLI injected (environment, AGENTS.md / `<INSTRUCTIONS>` /
 * `<user_instructions>`, skills, permissions, `<user_shell_command>` records, abort notices) rather than a prompt.
 */
export function isInjectedContext(text: string): boolean {
  const t = text.trim();
  if (t === '') return true;
  return startsAsInjected(t) || WRAPPED_BLOCK.test(t);
}

/**
 * Whether `text` (trimmed) starts with a mark of injected context. Decided by its first 64 characters alone, so a
 * start of a text that answers true is the start of a text that is injected context.
 */
export function startsAsInjected(text: string): boolean {
  // Every mark of injected context starts with `<` or `#`: most prompts need no closer look.
  const first = text.charCodeAt(0);
  if (first !== 0x3c && first !== 0x23) return false;
  const lower = text.slice(0, 64).toLowerCase();
  for (const start of INJECTED_STARTS) if (lower.startsWith(start)) return true;
  return false;
}

/**
 * The person's own words in a prompt: the part after `## My request for Codex:` when an IDE attached context above
 * it, without trailing `<image …></image>` placeholders.
 */
export function promptText(text: string): string {
  const at = text.indexOf(REQUEST_MARKER);
  let t = at >= 0 ? text.slice(at + REQUEST_MARKER.length) : text;
  t = t.replace(/(?:\s*<image\b[^>]*>\s*<\/image>)+\s*$/i, '');
  return t.trim();
}

/** Longest title kept (characters); the full prompt stays in the session. */
export const MAX_TITLE_CHARS = 200;

/** A one-line title from a prompt: the request part, whitespace collapsed, cut at `max` characters with `…`. */
export function titleFromPrompt(text: string, max = MAX_TITLE_CHARS): string {
  const line = promptText(text).replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  return `${line.slice(0, max - 1).trimEnd()}…`;
}

/** One content part of a message, as the rollout stores it. */
interface ContentPart {
  type?: unknown;
  text?: unknown;
}

/**
 * The prompt in a user-role message's content parts (`input_text`, newer `text`), or null when every part is
 * injected context or there is no text. Parts are joined with a blank line; images are left out.
 */
export function userPromptFromContent(content: unknown): string | null {
  if (typeof content === 'string') return isInjectedContext(content) ? null : content;
  if (!Array.isArray(content)) return null;
  const texts: string[] = [];
  for (const part of content as ContentPart[]) {
    if (!part || typeof part !== 'object' || typeof part.text !== 'string') continue;
    if (part.type !== undefined && part.type !== 'input_text' && part.type !== 'text' && part.type !== 'Text') continue;
    if (!isInjectedContext(part.text)) texts.push(part.text);
  }
  return texts.length ? texts.join('\n\n') : null;
}
