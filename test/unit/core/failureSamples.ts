/**
 * Real `codex exec --json` output of @openai/codex 0.169.0 for failures the corpus does not have, captured on
 * 2026-11-21 with `-m gpt-5.5`, retries set to 0 (`request_max_retries=0`, `stream_max_retries=0`) and a provider
 * pointed at 127.0.0.1: a closed port (network), the fake model server of test/integration answering with an HTTP
 * error body or a `response.failed` event, and a run with no key; the no-DNS case is the built-in provider inside a
 * network namespace without any network (`unshare -n`), so nothing left the machine. Only the thread ids were
 * replaced, and runs of identical notices shortened.
 */

const head = '{"type":"thread.started","thread_id":"01a1fd88-0000-7000-8000-000000000000"}\n{"type":"turn.started"}\n';
const failed = (message: string): string => `${head}${JSON.stringify({ type: 'error', message })}\n${JSON.stringify({ type: 'turn.failed', error: { message } })}\n`;

/** Provider at 127.0.0.1:9 (closed): 0.169 retries without end, "waiting for network"; the run never ends by itself. */
export const OFFLINE_CLOSED_PORT = head + '{"type":"error","message":"Reconnecting... waiting for network (Connection failed: error sending request)"}\n'.repeat(4);

/** The built-in provider with no network at all (DNS fails): numbered retries, the WebSocket fallback, then waiting. */
export const OFFLINE_NO_DNS = `${head}${[
  '{"type":"error","message":"Reconnecting... 2/5 (stream disconnected before completion: failed to lookup address information: Try again)"}',
  '{"type":"error","message":"Reconnecting... 5/5 (stream disconnected before completion: failed to lookup address information: Try again)"}',
  '{"type":"item.completed","item":{"id":"item_0","type":"error","message":"Falling back from WebSockets to HTTPS transport. stream disconnected before completion: failed to lookup address information: Try again"}}',
  '{"type":"error","message":"Reconnecting... waiting for network (Connection failed: error sending request)"}',
].join('\n')}\n`;

/** Failed turns, by the kind they must classify as. Each is exit code 1 with an empty stderr. */
export const FAILED_TURNS: { name: string; kind: string; jsonl: string; retryAfterSeconds?: number; retryAt?: string }[] = [
  { name: 'HTTP 404 model_not_found', kind: 'model', jsonl: failed('The model `gpt-9` does not exist or you do not have access to it.') },
  {
    name: 'HTTP 400 model not supported (body printed raw)',
    kind: 'model',
    jsonl: failed('{"error":{"message":"The \'gpt-9\' model is not supported when using Codex with a ChatGPT account.","type":"invalid_request_error","param":"model","code":null}}'),
  },
  { name: 'HTTP 429 insufficient_quota', kind: 'quota', jsonl: failed('Quota exceeded. Check your plan and billing details.') },
  { name: 'response.failed insufficient_quota', kind: 'quota', jsonl: failed('Quota exceeded. Check your plan and billing details.') },
  {
    name: 'HTTP 429 usage_limit_reached with resets_at',
    kind: 'quota',
    retryAt: '11:26 AM',
    jsonl: failed('You’ve hit your usage limit. Visit https://chatgpt.com/settings/usage to purchase more credits or try again at 11:26 AM.'),
  },
  {
    name: 'HTTP 429 usage_limit_reached, plus plan',
    kind: 'quota',
    jsonl: failed('You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again later.'),
  },
  { name: 'HTTP 429 rate_limit_exceeded with Retry-After', kind: 'rate_limit', jsonl: failed('exceeded retry limit, last status: 429 Too Many Requests') },
  {
    name: 'response.failed rate_limit_exceeded',
    kind: 'rate_limit',
    retryAfterSeconds: 12,
    jsonl: failed('rate limit exceeded: Rate limit reached for gpt-5.5. Please try again in 11.054s.'),
  },
  { name: 'HTTP 500 server_error', kind: 'server', jsonl: failed('We’re currently experiencing high demand, which may cause temporary errors.') },
  {
    name: 'response.failed context_length_exceeded',
    kind: 'context_window',
    jsonl: failed("Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying."),
  },
  { name: 'provider env_key variable not set', kind: 'auth', jsonl: failed('Missing environment variable: `OPENAI_API_KEY`.') },
];

/** `codex exec` with `-m` given twice (a user argument clashing with ours): exit 2, nothing on stdout. */
export const BAD_ARGS_STDERR = "error: the argument '--model <MODEL>' cannot be used multiple times\n\nUsage: codex exec [OPTIONS] [PROMPT]\n       codex exec [OPTIONS] <COMMAND> [ARGS]\n\nFor more information, try '--help'.\n";

/** A command denied by `-s read-only`: the turn completes; only the command's output tells. */
export const SANDBOX_READ_ONLY = `${head}${[
  '{"type":"item.started","item":{"id":"item_0","type":"command_execution","command":"/bin/bash -lc \'touch denied.txt && echo wrote\'","aggregated_output":"","exit_code":null,"status":"in_progress"}}',
  '{"type":"item.completed","item":{"id":"item_0","type":"command_execution","command":"/bin/bash -lc \'touch denied.txt && echo wrote\'","aggregated_output":"touch: cannot touch \'denied.txt\': Read-only file system\\n","exit_code":1,"status":"failed"}}',
  '{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"done"}}',
  '{"type":"turn.completed","usage":{"input_tokens":3022,"cached_input_tokens":300,"cache_write_input_tokens":0,"output_tokens":41,"reasoning_output_tokens":11}}',
].join('\n')}\n`;
