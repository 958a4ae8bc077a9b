/**
 * The normalized thread model shared by live runs, replays, the CLI and the webview.
 *
 * Shapes follow the current `codex exec --json` wire format (upstream `codex-rs/exec/src/exec_events.rs`), so wire
 * names are kept (`aggregated_output`, `exit_code`, ...). Every older CLI generation is mapped onto these types by
 * `src/core/execParser.ts`; nothing downstream needs to know which generation produced an item.
 */

/** Lifecycle of an item that can run (commands, patches, tool calls). */
export type ItemStatus = 'in_progress' | 'completed' | 'failed' | 'declined';

/** A message the assistant wrote (markdown). */
export interface AgentMessageItem {
  id: string;
  type: 'agent_message';
  text: string;
}

/** A reasoning summary. */
export interface ReasoningItem {
  id: string;
  type: 'reasoning';
  text: string;
}

/** A prompt the user sent (first prompt or follow-up). */
export interface UserMessageItem {
  id: string;
  type: 'user_message';
  text: string;
}

/** A shell command codex ran. */
export interface CommandExecutionItem {
  id: string;
  type: 'command_execution';
  /** The command line as one string (argv of older CLIs is shell-quoted). */
  command: string;
  /** stdout and stderr interleaved as codex reported them (may be capped, see `output_truncated_chars`). */
  aggregated_output: string;
  /** null while running, or when the CLI never reported an exit. */
  exit_code: number | null;
  status: ItemStatus;
  /** Working directory, when the CLI reported it. */
  cwd?: string;
  /** Wall time in milliseconds, when the CLI reported it. */
  duration_ms?: number;
  /** How many characters of output were dropped from the middle to keep memory bounded. */
  output_truncated_chars?: number;
}

/** What a patch did to one file. */
export type FileChangeKind = 'add' | 'update' | 'delete';

/** One file touched by a patch. */
export interface FileChange {
  path: string;
  kind: FileChangeKind;
  /** Unified diff (update) or full new content (add), when the CLI reported it. */
  diff?: string;
  /** New path when the update also renamed the file. */
  move_path?: string;
}

/** A patch codex applied. */
export interface FileChangeItem {
  id: string;
  type: 'file_change';
  changes: FileChange[];
  status: ItemStatus;
}

/** One entry of a to-do list / plan. */
export interface TodoEntry {
  text: string;
  completed: boolean;
  /** Finer status from plan updates (`pending`, `in_progress`, `completed`), when known. */
  status?: string;
}

/** The agent's running to-do list (`update_plan`). */
export interface TodoListItem {
  id: string;
  type: 'todo_list';
  items: TodoEntry[];
  /** Why the plan changed, when the CLI said. */
  explanation?: string;
}

/** A call to a tool served by an MCP server. */
export interface McpToolCallItem {
  id: string;
  type: 'mcp_tool_call';
  server: string;
  tool: string;
  arguments: unknown;
  result: unknown;
  error: { message: string } | null;
  status: ItemStatus;
}

/** A web search the agent ran. */
export interface WebSearchItem {
  id: string;
  type: 'web_search';
  query: string;
}

/** A free-text plan (plan mode output). */
export interface PlanItem {
  id: string;
  type: 'plan';
  text: string;
}

/** A non-fatal error the CLI reported as an item. */
export interface ErrorItem {
  id: string;
  type: 'error';
  message: string;
}

/** Every kind of item a thread can hold. */
export type ThreadItem =
  | AgentMessageItem
  | ReasoningItem
  | UserMessageItem
  | CommandExecutionItem
  | FileChangeItem
  | TodoListItem
  | McpToolCallItem
  | WebSearchItem
  | PlanItem
  | ErrorItem;

/** The `type` discriminator of {@link ThreadItem}. */
export type ThreadItemType = ThreadItem['type'];

/** Token counts. Cached input is part of input; reasoning output is part of output. */
export interface Usage {
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_output_tokens: number;
}

/**
 * What a reported usage figure covers, which differs between CLI generations:
 * - `call`: one model call (legacy flat `token_count`), so figures are added up;
 * - `process`: everything this codex process spent so far (`info.total_token_usage`, `turn.completed` up to 0.59);
 * - `thread`: the thread's running total including earlier processes (`turn.completed` from 0.80 on).
 */
export type UsageScope = 'call' | 'process' | 'thread';

/** Static facts about the session, reported once by some CLI generations. */
export interface ThreadMeta {
  model?: string;
  cwd?: string;
  sandbox?: string;
  approval?: string;
  reasoning_effort?: string;
  cli_version?: string;
}

/** Why a run (one codex process) ended, as the runner saw it. */
export type RunEndReason = 'exit' | 'cancelled' | 'timeout' | 'idle_timeout' | 'spawn_error' | 'end_of_input';

/** A normalized event: what every CLI generation's output is turned into. */
export type ThreadEvent =
  | { type: 'thread.started'; thread_id: string }
  | { type: 'thread.meta'; meta: ThreadMeta }
  | { type: 'turn.started' }
  | { type: 'item.started'; item: ThreadItem }
  | { type: 'item.updated'; item: ThreadItem }
  | { type: 'item.completed'; item: ThreadItem }
  /** Output appended to a running command, without resending what came before. */
  | { type: 'item.output_delta'; item_id: string; delta: string }
  | { type: 'usage'; usage: Usage; scope: UsageScope }
  | { type: 'turn.completed'; usage: Usage | null; scope: UsageScope }
  | { type: 'turn.failed'; error: { message: string } }
  /** A non-fatal problem: retries ("Reconnecting... 1/5"), warnings. */
  | { type: 'error'; message: string }
  /** A line that could not be used; kept so nothing is silently lost. */
  | { type: 'diagnostic'; kind: 'skipped_line' | 'unknown_event'; line: number; reason: string; raw: string }
  | { type: 'run.ended'; reason: RunEndReason; exit_code: number | null; message?: string };

/** Where a thread stands. */
export type ThreadStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'incomplete';

/** One turn: a prompt and everything codex did for it. */
export interface TurnState {
  /** Index into `items` of the turn's first item. */
  first_item: number;
  status: ThreadStatus;
  /** Tokens this turn spent, when known. */
  usage: Usage | null;
  error?: string;
}

/** A problem with one input line, kept for the user to see. */
export interface Diagnostic {
  line: number;
  kind: 'skipped_line' | 'unknown_event';
  reason: string;
  /** The raw line, capped in length. */
  raw: string;
}

/** Everything known about a thread, folded from events by the reducer. */
export interface ThreadState {
  thread_id: string | null;
  status: ThreadStatus;
  items: ThreadItem[];
  turns: TurnState[];
  /** Tokens spent by the runs folded into this state; null when the CLI never reported any. */
  usage: Usage | null;
  meta: ThreadMeta;
  /** Messages of fatal errors and non-fatal error events, in order. */
  errors: string[];
  skipped_lines: number;
  unknown_events: number;
  /** The first diagnostics (bounded), for display. */
  diagnostics: Diagnostic[];
}
