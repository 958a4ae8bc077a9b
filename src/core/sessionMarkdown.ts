import type { ThreadItem, ThreadState } from '../shared/threadModel';
import type { RolloutSession } from './rolloutSession';
import { formatUsage } from './transcript';

/** A code fence longer than any run of backticks in `text`, so the content can never close it. */
function fence(text: string, lang = ''): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${text.replace(/\n$/, '')}\n${f}`;
}

function quote(text: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n');
}

/** Markdown for one item. */
export function itemMarkdown(item: ThreadItem): string {
  switch (item.type) {
    case 'user_message':
      return `### User\n\n${quote(item.text)}`;
    case 'agent_message':
      return `### Codex\n\n${item.text}`;
    case 'reasoning':
      return `*Thinking:* ${item.text.replace(/\s*\n+\s*/g, ' ')}`;
    case 'plan':
      return `**Plan**\n\n${item.text}`;
    case 'command_execution': {
      const exit = item.exit_code === null ? item.status : `exit ${item.exit_code}`;
      const out = item.aggregated_output ? `\n\n${fence(item.aggregated_output, 'text')}` : '';
      return `**Command** (${exit})${item.cwd ? ` in \`${item.cwd}\`` : ''}\n\n${fence(item.command, 'sh')}${out}`;
    }
    case 'file_change':
      return item.changes
        .map((c) => {
          const head = `**${c.kind === 'add' ? 'Added' : c.kind === 'delete' ? 'Deleted' : 'Updated'}** \`${c.path}\`${c.move_path ? ` → \`${c.move_path}\`` : ''} (${item.status})`;
          if (!c.diff) return head;
          return `${head}\n\n${fence(c.diff, c.kind === 'add' ? '' : 'diff')}`;
        })
        .join('\n\n');
    case 'todo_list':
      return `**To-do**${item.explanation ? ` — ${item.explanation}` : ''}\n\n${item.items.map((t) => `- [${t.completed ? 'x' : ' '}] ${t.text}`).join('\n')}`;
    case 'mcp_tool_call': {
      const args = item.arguments === null ? '' : `\n\n${fence(typeof item.arguments === 'string' ? item.arguments : JSON.stringify(item.arguments, null, 2), 'json')}`;
      const result = item.error ? `\n\nError: ${item.error.message}` : typeof item.result === 'string' && item.result ? `\n\n${fence(item.result, 'text')}` : '';
      return `**Tool** \`${item.server}.${item.tool}\` (${item.status})${args}${result}`;
    }
    case 'web_search':
      return `**Web search:** ${item.query}`;
    case 'error':
      return `**Error:** ${item.message}`;
  }
}

/** A replayed session as a Markdown document (the `show --markdown` export). */
export function sessionMarkdown(state: ThreadState, session: RolloutSession): string {
  const out: string[] = [`# ${session.title ?? 'Codex session'}`, ''];
  const facts: [string, string | null][] = [
    ['Session', session.id ?? state.thread_id],
    ['Started', session.started_at],
    ['Folder', session.cwd ?? state.meta.cwd ?? null],
    ['Model', state.meta.model ?? session.model],
    ['Codex CLI', session.cli_version],
    ['Source', session.source === 'unknown' ? null : session.source],
    ['Status', state.status],
    ['Tokens', state.usage ? formatUsage(state.usage) : null],
  ];
  for (const [k, v] of facts) if (v) out.push(`- **${k}:** ${k === 'Folder' || k === 'Session' ? `\`${v}\`` : v}`);
  for (const item of state.items) out.push('', itemMarkdown(item));
  if (state.errors.length) out.push('', '## Errors', '', ...state.errors.map((e) => `- ${e}`));
  if (state.skipped_lines || state.unknown_events) {
    out.push('', `*${state.skipped_lines} unreadable line(s) and ${state.unknown_events} unknown record(s) were left out.*`);
  }
  return `${out.join('\n')}\n`;
}
