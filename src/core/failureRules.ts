/**
 * The texts codex prints when something goes wrong, sorted into {@link FailureKind}s, and its retry notices.
 *
 * Every pattern comes from real output: the corpus (401, 429 and `response.failed` runs of 0.1.x to 0.169) and
 * 0.169 runs against a local fake server (network down, model 404/400, quota, usage limit, 500, context window,
 * missing key, bad arguments). The wording moves between versions, so the patterns are loose where the version
 * history showed variants and specific where a loose one would catch other kinds.
 */
import type { ErrorAction, FailureKind } from '../shared/protocol';
import { RETRY_NOTICE } from './eventMsgFamily';

/** What the panel shows for a kind of failure. */
export interface KindInfo {
  title: string;
  hint: string;
  actions: ErrorAction[];
}

/** Headline, next step and actions of every kind. */
export const KIND_INFO: Record<FailureKind, KindInfo> = {
  binary_missing: { title: 'codex could not be started', hint: 'Install the Codex CLI (npm install -g @openai/codex) or set codexSessions.path to the codex binary.', actions: ['openSettings', 'showLog'] },
  auth: { title: 'Not signed in, or the API key was rejected', hint: 'Sign in with ChatGPT, or set a valid API key.', actions: ['signIn', 'openSettings'] },
  quota: { title: 'Quota or billing limit reached', hint: 'Check your plan, usage and billing details, or wait until the limit resets.', actions: ['openSettings', 'retry'] },
  rate_limit: { title: 'Rate limited', hint: 'Too many requests for now; retry in a moment.', actions: ['retry'] },
  model: { title: 'Unknown or unavailable model', hint: 'Choose a model your account can use.', actions: ['changeModel', 'openSettings'] },
  context_window: { title: 'The conversation no longer fits the model', hint: 'Start a new task, or continue with a shorter history.', actions: ['showLog'] },
  network: { title: 'Network problem', hint: 'Check the connection, proxy and certificate settings, then retry.', actions: ['retry', 'openSettings'] },
  server: { title: 'The model service failed', hint: 'The service returned an error; retry in a moment.', actions: ['retry', 'showLog'] },
  sandbox: { title: 'Blocked by the sandbox or permissions', hint: 'Allow more in the sandbox setting (workspace-write) or run the step yourself.', actions: ['openSettings', 'retry'] },
  timeout: { title: 'The task timed out', hint: 'Raise the timeout in the settings, or retry.', actions: ['retry', 'openSettings'] },
  cancelled: { title: 'Stopped', hint: 'The task was stopped before it finished.', actions: ['retry'] },
  crash: { title: 'codex crashed', hint: 'The log has codex\'s own output; updating the CLI may help.', actions: ['showLog', 'retry'] },
  config: { title: 'codex rejected its command line or configuration', hint: 'Check codexSessions.cliArgs, codexSessions.env and ~/.codex/config.toml.', actions: ['openSettings', 'showLog'] },
  unknown: { title: 'The task failed', hint: 'The log has the details.', actions: ['showLog', 'retry'] },
};

/** Ordered: the first rule whose pattern matches wins. Earlier rules are the more specific ones. */
const RULES: { kind: FailureKind; test: RegExp }[] = [
  { kind: 'binary_missing', test: /could not start codex|not found on PATH|not an executable file|spawn \S+ E(?:NOENT|ACCES|NOEXEC)\b|Command failed with E(?:NOENT|ACCES|NOEXEC)\b/i },
  // The runner's own wording (codexRunner.ts); codex's network layer says "timed out" too, which is not this.
  { kind: 'timeout', test: /ran longer than \d+ s \(timeout\)|printed nothing for \d+ s \(idle timeout\)/i },
  { kind: 'crash', test: /panicked at|\bexited with code (?:101|132|134|135|136|137|139)\b|killed by SIG|\bSIG(?:SEGV|ABRT|BUS|ILL|FPE)\b|segmentation fault|core dumped|fatal runtime error/i },
  { kind: 'config', test: /^(?:codex exited with code \d+: )?error: (?:unexpected argument|the argument|unrecognized subcommand|invalid value|a value is required|unexpected value)|Usage: codex |Error loading config|error: invalid configuration|config\.toml|CODEX_HOME points to|Model provider `[^`]*` not found/im },
  { kind: 'auth', test: /\b(?:status:?|HTTP)\s*401\b|\b401 Unauthorized\b|\bunauthori[sz]ed\b|invalid[_ ]api[_ ]key|incorrect api key|not logged in|please log in|log ?in again|sign in again|login required|login is required|Missing environment variable: `?[A-Z_]*(?:API_KEY|TOKEN)|no (?:api key|codex credentials)|refresh token|token (?:has )?expired|authentication (?:failed|required|error)/i },
  { kind: 'quota', test: /insufficient[_ ]quota|quota exceeded|exceeded your current quota|billing|usage limit|purchase more credits|out of credits|payment required|\bstatus:? 402\b/i },
  { kind: 'rate_limit', test: /\b429\b|rate[_ ]limit|too many requests|slow down/i },
  { kind: 'context_window', test: /context window|context[_ ]length[_ ]exceeded|maximum context length|ran out of room/i },
  { kind: 'model', test: /model[_ ]not[_ ]found|unknown model|\bmodel\b[^.\n]*\b(?:does not exist|not supported|is not available|not found)|unsupported model|invalid model|not supported when using codex|do(?:es)? not have access to (?:the )?model/i },
  { kind: 'network', test: /error sending request|connection (?:refused|reset|closed|failed|timed out|aborted)|failed to lookup address|dns error|name resolution|could not resolve|\bE(?:NOTFOUND|CONNREFUSED|CONNRESET|AI_AGAIN|TIMEDOUT|HOSTUNREACH|NETUNREACH)\b|network (?:is )?unreachable|waiting for network|\bproxy\b|certificate|\btls\b|\bssl\b|handshake|stream closed before response\.completed|idle timeout waiting for SSE|timed? ?out|offline|socket hang up|broken pipe/i },
  { kind: 'sandbox', test: /sandbox|landlock|seccomp|bwrap|read-only file system|operation not permitted|permission denied|\bE(?:ACCES|PERM)\b|(?:rejected|declined) by (?:the )?user|approval (?:was )?(?:denied|required)/i },
  { kind: 'server', test: /stream disconnected before completion|unexpected status 5\d\d|\b5\d\d (?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)\b|internal server error|server[_ ]error|high demand|overloaded|service unavailable|response\.failed|temporar(?:y|ily) unavailable/i },
];

/** The kind a message describes, or null when no rule knows it. */
export function matchFailureKind(text: string): FailureKind | null {
  return RULES.find((r) => r.test.test(text))?.kind ?? null;
}

/** A retry codex announced while it went on: not a failure (yet). */
export interface RetryNotice {
  /** `2` of "2/5", when numbered. */
  attempt: number | null;
  maxAttempts: number | null;
  /** How long codex waits before the next attempt, ms, when it said. */
  delayMs: number | null;
  /** "Reconnecting... waiting for network": 0.169 retries without a limit while offline. */
  waitingForNetwork: boolean;
  /** What went wrong in the attempt, as codex said it. */
  cause: string;
  /** The kind of the cause, when a rule knows it. */
  kind: FailureKind | null;
}

const LEGACY_RETRY = /^(?:stream error: )?([\s\S]*?);? retrying (\d+)\/(\d+) in ([\d.]+)\s*(ms|s)\b/i;
const RECONNECTING = /^Reconnecting\.\.\. (?:(\d+)\/(\d+)|(waiting for network))(?: \(([\s\S]*)\))?\s*$/i;

/**
 * Reads a retry notice: `stream error: <cause>; retrying 1/5 in 200ms…` (0.1.x to 0.45), `Reconnecting... 1/5` (0.59),
 * `Reconnecting... 1/5 (<cause>)` (0.80+), `Reconnecting... waiting for network (<cause>)` (0.169 offline) and the
 * WebSocket fallback notice of 0.169. Null for anything else.
 */
export function parseRetryNotice(message: string): RetryNotice | null {
  const text = message.trim();
  const r = RECONNECTING.exec(text);
  if (r) {
    const cause = r[4] ?? '';
    return { attempt: r[1] ? Number(r[1]) : null, maxAttempts: r[2] ? Number(r[2]) : null, delayMs: null, waitingForNetwork: !!r[3], cause, kind: r[3] ? 'network' : matchFailureKind(cause) };
  }
  const l = LEGACY_RETRY.exec(text);
  if (l) {
    const cause = (l[1] ?? '').trim();
    const delay = Number(l[4]) * (l[5]!.toLowerCase() === 's' ? 1000 : 1);
    return { attempt: Number(l[2]), maxAttempts: Number(l[3]), delayMs: Math.round(delay), waitingForNetwork: false, cause, kind: matchFailureKind(cause) };
  }
  if (/^Falling back from WebSockets to HTTPS transport/i.test(text)) {
    const cause = text.replace(/^Falling back from WebSockets to HTTPS transport\.?\s*/i, '');
    return { attempt: null, maxAttempts: null, delayMs: null, waitingForNetwork: false, cause, kind: matchFailureKind(cause) };
  }
  if (RETRY_NOTICE.test(text)) return { attempt: null, maxAttempts: null, delayMs: null, waitingForNetwork: false, cause: text, kind: matchFailureKind(text) };
  return null;
}

/**
 * Whether an `error` event is a notice that codex is retrying (and the run goes on) rather than a failure. Thread
 * JSON prints both as `{"type":"error"}`; only `turn.failed` (or the end of the stream) makes one fatal.
 */
export function isTransientNotice(message: string): boolean {
  return parseRetryNotice(message) !== null;
}

function unitSeconds(unit: string): number {
  const u = unit.toLowerCase();
  if (u === 'ms') return 0.001;
  if (u.startsWith('h')) return 3600;
  if (u.startsWith('m')) return 60;
  return 1;
}

/**
 * The wait a service asked for: "Please try again in 11.054s" (→ 12), "in 1m30s", "Retry-After: 20", and the reset
 * time of a plan's usage limit, "try again at 11:26 AM" (kept as worded; codex prints it in local time).
 */
export function retryHint(text: string): { retryAfterSeconds?: number; retryAt?: string } {
  const out: { retryAfterSeconds?: number; retryAt?: string } = {};
  const inMatch = /try again in\s+((?:\d+(?:\.\d+)?\s*(?:ms|seconds?|secs?|s|minutes?|mins?|m|hours?|h)(?![a-z])\s*)+)/i.exec(text);
  if (inMatch) {
    let secs = 0;
    for (const part of inMatch[1]!.matchAll(/(\d+(?:\.\d+)?)\s*(ms|seconds?|secs?|s|minutes?|mins?|m|hours?|h)(?![a-z])/gi)) {
      secs += Number(part[1]) * unitSeconds(part[2]!);
    }
    out.retryAfterSeconds = Math.max(1, Math.ceil(secs));
  } else {
    const after = /retry[- ]after:?\s*(\d+)/i.exec(text);
    if (after) out.retryAfterSeconds = Number(after[1]);
  }
  const at = /try again at\s+(.+?)(?:[.;,)](?:\s|$)|\s*$)/i.exec(text);
  if (at) out.retryAt = at[1]!.trim();
  return out;
}
