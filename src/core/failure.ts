import type { ErrorAction, FailureInfo } from '../shared/protocol';
import type { ThreadState } from '../shared/threadModel';
import { RETRY_NOTICE } from './eventMsgFamily';

interface Rule {
  test: RegExp;
  title: string;
  actions: ErrorAction[];
}

/** Ordered: the first rule whose pattern matches the failure message wins. */
const RULES: Rule[] = [
  { test: /\b401\b|unauthori[sz]ed|invalid[_ ]api[_ ]key|incorrect api key|not logged in|please log in|login required|authentication/i, title: 'Not signed in, or the API key was rejected', actions: ['signIn', 'openSettings'] },
  { test: /insufficient[_ ]quota|quota|billing|usage limit|credit/i, title: 'Quota or billing limit reached', actions: ['openSettings', 'retry'] },
  { test: /\b429\b|rate[_ ]limit|too many requests/i, title: 'Rate limited', actions: ['retry'] },
  { test: /model[_ ]not[_ ]found|unknown model|model\b[^.\n]*\bdoes not exist|unsupported model|not supported when using codex|invalid model/i, title: 'Unknown or unavailable model', actions: ['changeModel', 'openSettings'] },
  { test: /timed? ?out|idle timeout|longer than \d+ s/i, title: 'The task timed out', actions: ['retry', 'openSettings'] },
  { test: /error sending request|connection (refused|reset)|dns|network|proxy|stream disconnected|ENOTFOUND|ECONNREFUSED|certificate|tls/i, title: 'Network problem', actions: ['retry', 'openSettings'] },
  { test: /sandbox|permission denied|operation not permitted|EACCES/i, title: 'Blocked by the sandbox or permissions', actions: ['openSettings'] },
  { test: /could not start codex|not found on PATH|ENOENT|not an executable/i, title: 'codex could not be started', actions: ['openSettings', 'showLog'] },
];

/** The message that ended the thread: the turn's error, else the last error that is not a retry notice. */
export function failureMessage(state: ThreadState): string | null {
  const turnError = [...state.turns].reverse().find((t) => t.status === 'failed' && t.error)?.error;
  if (turnError) return turnError;
  const errs = state.errors.filter((e) => !RETRY_NOTICE.test(e));
  return errs[errs.length - 1] ?? state.errors[state.errors.length - 1] ?? null;
}

/** Classifies why a thread failed into a readable state with the actions that can fix it; null unless it failed. */
export function classifyFailure(state: ThreadState): FailureInfo | null {
  if (state.status !== 'failed') return null;
  const detail = failureMessage(state) ?? 'codex stopped without saying why.';
  const rule = RULES.find((r) => r.test.test(detail));
  return rule ? { title: rule.title, detail, actions: rule.actions } : { title: 'The task failed', detail, actions: ['showLog', 'retry'] };
}
