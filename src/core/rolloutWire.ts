import { z } from 'zod';
import { isObj } from './rolloutGuards';

/*
 * Wire shapes of rollout files (`$CODEX_HOME/sessions/…/rollout-*.jsonl`), validated where they enter: files on disk
 * are written by many CLI generations and may be cut short. Lenient where the CLI drifted, strict where we rely on a
 * value; every object stays `loose` so new fields never break reading.
 */

const str = z.string();
const optStr = z.string().nullish();

export { guards } from './rolloutGuards';

/** What `safeParse` returns. */
export type Safe<T> = { success: true; data: T } | { success: false; error: z.ZodError; data?: undefined };

/**
 * `schema.safeParse(raw)` with a hand-written guard in front: the guard accepts a subset of what the schema accepts
 * (every schema it is used with is `loose` and transforms nothing, so the input is its own output), and only what it
 * rejects pays for zod (and gets its message). Zod copies every key of every object it checks: on the replay's hot
 * path that was a tenth of the time.
 */
export function fastParse<T>(schema: z.ZodType<T>, guard: (v: Record<string, unknown>) => boolean, raw: unknown): Safe<T> {
  return isObj(raw) && guard(raw) ? { success: true, data: raw as T } : (schema.safeParse(raw) as Safe<T>);
}

/** Family (c), CLI 0.40+: `{"timestamp", "type", "payload"}`, with `ordinal` from 0.169. */
export const wireRolloutEnvelope = z.object({ timestamp: optStr, type: str, payload: z.unknown() }).loose();

/** Families (a) and (b), the first line: `{"id", "timestamp"}` (+ `instructions`, `git` in 0.8 – 0.29). */
export const wireBareHeader = z.object({ id: str, timestamp: str }).loose();

/** `session_meta` payload. */
export const wireSessionMeta = z
  .object({
    id: str,
    timestamp: optStr,
    cwd: optStr,
    originator: optStr,
    cli_version: optStr,
    /** `"cli" | "exec" | "vscode" | "mcp"`, or an object such as `{"subagent": …}` in newer CLIs. */
    source: z.unknown().optional(),
    model_provider: optStr,
  })
  .loose();

/** `turn_context` payload (the model and settings of a turn). */
export const wireTurnContext = z
  .object({
    cwd: optStr,
    model: optStr,
    approval_policy: z.unknown().optional(),
    sandbox_policy: z.unknown().optional(),
    effort: optStr,
  })
  .loose();

/** `thread_settings_applied` event (0.169). */
export const wireThreadSettings = z
  .object({ thread_settings: z.object({ model: optStr, cwd: optStr }).loose() })
  .loose();

const wireTextPart = z.object({ type: optStr, text: optStr }).loose();

/** `response_item` `message`. */
export const wireMessageItem = z.object({ role: str, content: z.union([z.array(wireTextPart), str]).nullish() }).loose();

/** `response_item` `reasoning`: summary parts, and raw content in some versions. */
export const wireReasoningItem = z
  .object({ summary: z.array(wireTextPart).nullish(), content: z.array(wireTextPart).nullish() })
  .loose();

/** `function_call`: arguments are a JSON string (an object in a few builds). */
export const wireFunctionCall = z.object({ name: str, arguments: z.unknown().optional(), call_id: str }).loose();

/** `custom_tool_call` (freeform tools such as `apply_patch`, 0.45+). */
export const wireCustomToolCall = z.object({ name: str, input: z.unknown().optional(), call_id: str }).loose();

/** `function_call_output` / `custom_tool_call_output`: text, or content parts in newer builds. */
export const wireCallOutput = z.object({ call_id: str, output: z.unknown().optional() }).loose();

/** `local_shell_call` (codex-mini's built-in shell). */
export const wireLocalShellCall = z
  .object({
    call_id: optStr,
    id: optStr,
    status: optStr,
    action: z.object({ command: z.array(str), working_directory: optStr }).loose(),
  })
  .loose();

/** `web_search_call`. */
export const wireWebSearchCall = z
  .object({ id: optStr, action: z.object({ query: optStr }).loose().nullish() })
  .loose();

/** `update_plan` arguments. */
export const wirePlanArgs = z.object({
  explanation: optStr,
  plan: z.array(z.object({ step: str, status: optStr }).loose()),
});

/** `event_msg` `item_started` / `item_completed` (0.169): an item with a PascalCase `type`. */
export const wireTurnItemEvent = z.object({ item: z.object({ type: str, id: z.union([str, z.number()]) }).loose() }).loose();

/** `CommandExecution` turn item. */
export const wireCommandItem = z
  .object({
    command: z.union([str, z.array(str)]).nullish(),
    cwd: optStr,
    status: optStr,
    aggregated_output: optStr,
    exit_code: z.number().int().nullish(),
    duration: z.unknown().optional(),
  })
  .loose();

/** `FileChange` turn item: `changes` maps a path to `{type, content | unified_diff, move_path}`. */
export const wireFileChangeItem = z.object({ changes: z.record(str, z.record(str, z.unknown())), status: optStr }).loose();

/** `Reasoning` turn item. */
export const wireReasoningTurnItem = z.object({ summary_text: z.array(str).nullish(), raw_content: z.array(str).nullish() }).loose();

/** `UserMessage` / `AgentMessage` turn items: content parts with `text`. */
export const wireMessageTurnItem = z.object({ content: z.array(wireTextPart).nullish() }).loose();

/** `token_usage_record` (0.169): per-call, per-turn and thread totals. */
export const wireTokenUsageRecord = z.object({ thread_token_usage: z.unknown().optional() }).loose();
