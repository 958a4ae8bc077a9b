/**
 * The one message protocol between the extension host and the task panel webview. Both bundles import it: the host
 * validates every message from the webview with these schemas and rejects malformed ones; the webview trusts the
 * host and only imports the types.
 */
import { z } from 'zod';
import type { ThreadItem, ThreadStatus, TurnState, Usage } from './threadModel';

/** What the panel header shows, owned by the host. */
export interface TaskHeader {
  /** The panel title (the first prompt, shortened). */
  title: string;
  /** The codex thread, once known (kept by the page so a restore can find the rollout). */
  threadId?: string | null;
  status: ThreadStatus;
  /** Epoch ms when the current run started; null when nothing runs. */
  runningSince: number | null;
  /** Milliseconds spent by finished runs. */
  elapsedMs: number;
  usage: Usage | null;
  /** Estimated cost in USD (API-equivalent), null when unknown. */
  costUsd: number | null;
  /** Whether the host can take a follow-up (a thread id is known and nothing runs). */
  canFollowUp: boolean;
  /** Whether a live codex process belongs to this panel. */
  canStop: boolean;
  /** True for a replay of a past session. */
  replay: boolean;
  /** Set when the task cannot run here (untrusted workspace, no codex), with the reason. */
  disabledReason?: string;
  /** The replay player of a past session (Play with the original timing). */
  player?: PlayerInfo;
}

/** Where the replay player stands. */
export interface PlayerInfo {
  playing: boolean;
  speed: number;
  /** Steps shown so far, of `total` (0 of N before the first Play: the whole session is shown). */
  position: number;
  total: number;
}

/** An action the panel offers next to an error (sign in, open settings, …), run by the host. */
export const errorActionSchema = z.enum(['signIn', 'openSettings', 'retry', 'showLog', 'changeModel']);
export type ErrorAction = z.infer<typeof errorActionSchema>;

/**
 * Why a task failed, as classified by `src/core/failure.ts`: `binary_missing` (codex could not be started), `auth`
 * (401, not signed in), `quota` (billing, plan usage limit), `rate_limit` (429), `model` (unknown or unavailable
 * model), `context_window`, `network` (offline, DNS, proxy, TLS), `server` (5xx, `response.failed`), `sandbox`
 * (a denial by the sandbox or approval policy), `timeout` (hard or idle), `cancelled` (by the user), `crash`
 * (panic, signal), `config` (codex rejected its command line or configuration), `unknown`.
 */
export type FailureKind =
  | 'binary_missing' | 'auth' | 'quota' | 'rate_limit' | 'model' | 'context_window' | 'network' | 'server'
  | 'sandbox' | 'timeout' | 'cancelled' | 'crash' | 'config' | 'unknown';

/** A classified failure the panel renders as a readable state. */
export interface FailureInfo {
  /** Short headline, e.g. "Not signed in". */
  title: string;
  /** The CLI's own message (secrets masked). */
  detail: string;
  actions: ErrorAction[];
  /** What went wrong; always set by `classifyFailure`. */
  kind?: FailureKind;
  /** One sentence on what to do next. */
  hint?: string;
  /** Seconds to wait before retrying, when the service said ("Please try again in 11.054s" → 12). */
  retryAfterSeconds?: number;
  /** When a usage limit resets, as the service worded it ("11:26 AM"). */
  retryAt?: string;
}

// ---- host → webview -------------------------------------------------------------------------------------------

/** An item with its position in the thread (items keep their first-appearance order). */
export interface IndexedItem {
  index: number;
  item: ThreadItem;
  /**
   * The page already has this command's whole output (streamed as appends): keep it and take the rest of the item
   * (the host sends `aggregated_output` empty).
   */
  keepOutput?: boolean;
}

/** Counts of input the parser could not use, shown as a notice. */
export interface InputNotices {
  skipped_lines: number;
  unknown_events: number;
  /** The input ends inside a line that could not be read: the file was cut short (or is still being written). */
  cut_short?: boolean;
  /** The first problem, e.g. "line 12: malformed JSON …", so the notice says what was skipped. */
  first_problem?: string;
}

/** Messages the host posts to the webview. */
export type HostMessage =
  /** Everything: sent after `ready` and after a restore. */
  | { type: 'reset'; items: ThreadItem[]; turns: TurnState[]; header: TaskHeader; failure: FailureInfo | null; notices: InputNotices }
  /**
   * Items added or changed since the last message (at most one message per animation frame, see src/core/panelFeed.ts);
   * new items extend the thread in order; `turns` only when they changed.
   */
  | { type: 'update'; items: IndexedItem[]; turns?: TurnState[]; header: TaskHeader; failure: FailureInfo | null; notices: InputNotices }
  /**
   * Output appended to a command, without resending what came before: a delta (capped like the host's copy) or, with
   * `piece`, the next part of an output the host already capped (concatenated as is).
   */
  | { type: 'append'; itemId: string; text: string; piece?: boolean }
  /** Put the cursor in the follow-up box. */
  | { type: 'focusComposer' };

// ---- webview → host -------------------------------------------------------------------------------------------

const id = z.string().min(1).max(512);

/** Messages the webview may send; anything else is rejected by the host. */
export const webviewMessageSchema = z.discriminatedUnion('type', [
  /** The page has loaded and listens: the host sends `reset` and then streams. */
  z.object({ type: z.literal('ready') }).strict(),
  z.object({ type: z.literal('stop') }).strict(),
  /** Continue the thread with a new prompt. */
  z.object({ type: z.literal('followUp'), text: z.string().min(1).max(100_000) }).strict(),
  /** Open a before/after diff of one change of a file_change item. */
  z.object({ type: z.literal('openDiff'), itemId: id, change: z.number().int().min(0).max(10_000) }).strict(),
  /** Open a command's whole output in a read-only editor. */
  z.object({ type: z.literal('openOutput'), itemId: id }).strict(),
  /** A link clicked in rendered markdown; the host decides whether and how to open it. */
  z.object({ type: z.literal('openLink'), href: z.string().min(1).max(8192) }).strict(),
  /** Copy text (a code block) to the clipboard. */
  z.object({ type: z.literal('copy'), text: z.string().max(10_000_000) }).strict(),
  z.object({ type: z.literal('action'), action: errorActionSchema }).strict(),
  /** Replay player controls (past sessions only). */
  z.object({ type: z.literal('player'), action: z.enum(['play', 'pause', 'step', 'speed']), speed: z.union([z.literal(1), z.literal(4), z.literal(16)]).optional() }).strict(),
]);

/** A validated message from the webview. */
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

/** State the webview keeps with `setState` (survives hiding the panel). */
export interface WebviewPersistedState {
  /** Which task this panel shows, so the serializer can restore it. */
  taskId: string;
  threadId?: string | null;
  /** Items whose output the user expanded. */
  expanded: string[];
  scrollTop: number;
}
