import { z } from 'zod';

/*
 * Wire shapes of `codex exec` output, validated at the trust boundary (CLI stdout, files on disk).
 * Schemas are lenient where the CLI has drifted (optional fields, nullables) and strict where we rely on a value.
 */

const str = z.string();
const optStr = z.string().nullish();

// ---- thread family (0.44+) and experimental v1 (0.42 --experimental-json) ------------------------------------

/** Item status as written by every thread-family version (`declined` appeared later; unknown values map to completed). */
export const wireItemStatus = z.string().nullish();

export const wireCommandExecution = z.object({
  command: z.union([str, z.array(str)]),
  aggregated_output: optStr,
  exit_code: z.number().int().nullish(),
  status: wireItemStatus,
});

export const wireFileChange = z.object({
  changes: z.array(z.object({ path: str, kind: z.union([str, z.object({ type: str }).loose()]) }).loose()),
  status: wireItemStatus,
});

export const wireText = z.object({ text: str });

export const wireTodoList = z.object({
  items: z.array(z.object({ text: str, completed: z.boolean().nullish() }).loose()),
});

export const wireMcpToolCall = z.object({
  server: str,
  tool: str,
  arguments: z.unknown().optional(),
  result: z.unknown().optional(),
  error: z.object({ message: str }).loose().nullish(),
  status: wireItemStatus,
});

export const wireWebSearch = z.object({ query: optStr, action: z.unknown().optional() });

export const wireErrorItem = z.object({ message: str });

/** An item envelope: the id and the type field of either thread-family generation. */
export const wireItemEnvelope = z
  .object({ id: z.union([str, z.number()]), type: optStr, item_type: optStr })
  .loose();

export const wireThreadEvent = z.object({ type: str }).loose();

export const wireTurnFailed = z.object({ error: z.object({ message: str }).loose().nullish() }).loose();

// ---- EventMsg family: codex proto (0.1.x) and legacy exec --json (0.8 – 0.42) ------------------------------

/** `{"id": "<submission id>", "msg": {"type": …}}` */
export const wireEventMsgEnvelope = z.object({ id: z.union([str, z.number()]).nullish(), msg: z.object({ type: str }).loose() });

export const wireExecBegin = z.object({
  call_id: str,
  command: z.union([z.array(str), str]),
  cwd: optStr,
});

export const wireExecOutputDelta = z.object({
  call_id: str,
  stream: optStr,
  /** A byte array (0.20/0.29) or base64 (0.40+). */
  chunk: z.union([z.array(z.number().int()), str]),
});

const wireDuration = z.union([z.object({ secs: z.number(), nanos: z.number() }).loose(), z.number(), str]);

export const wireExecEnd = z.object({
  call_id: str,
  stdout: optStr,
  stderr: optStr,
  aggregated_output: optStr,
  formatted_output: optStr,
  exit_code: z.number().int().nullish(),
  duration: wireDuration.nullish(),
});

const wireFileChangeDetail = z.union([
  z.object({ add: z.object({ content: optStr }).loose() }).loose(),
  z.object({ update: z.object({ unified_diff: optStr, move_path: optStr }).loose() }).loose(),
  z.object({ delete: z.unknown() }).loose(),
  z.object({ type: str, content: optStr, unified_diff: optStr, move_path: optStr }).loose(),
]);

export const wirePatchBegin = z.object({
  call_id: str,
  changes: z.record(str, wireFileChangeDetail),
});

export const wirePatchEnd = z.object({ call_id: str, success: z.boolean().nullish(), stderr: optStr });

export const wirePlanUpdate = z.object({
  explanation: optStr,
  plan: z.array(z.object({ step: str, status: optStr }).loose()),
});

export const wireMessage = z.object({ message: str });

export const wireSessionConfigured = z.object({ session_id: str, model: optStr });

export const wireMcpBegin = z.object({
  call_id: str,
  invocation: z.object({ server: str, tool: str, arguments: z.unknown().optional() }).loose(),
});

export const wireMcpEnd = z.object({ call_id: str, result: z.unknown().optional() });

export const wireWebSearchEvent = z.object({ call_id: str, query: optStr });

/** Legacy exec --json line 1: a config summary without `type` (keys have spaces). */
export const wireConfigSummary = z.record(str, z.unknown());

/** Legacy exec --json line 2. */
export const wirePromptLine = z.object({ prompt: str });
