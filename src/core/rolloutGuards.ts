/*
 * Hand-written checks of the records every rollout is made of, without zod: the schemas of rolloutWire.ts accept at
 * least what these accept, so what passes a check is what its schema would give back (see `fastParse`). A head read
 * (the index's) uses them alone and never loads zod.
 */

export const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
export const isOptStr = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';
export const isStr = (v: unknown): v is string => typeof v === 'string';
const isOptStrArray = (v: unknown): boolean => v === undefined || v === null || (Array.isArray(v) && v.every(isStr));
const isTextParts = (v: unknown): boolean => Array.isArray(v) && v.every((p) => isObj(p) && isOptStr(p.type) && isOptStr(p.text));

/** Guards of the records every rollout is made of, each accepting a subset of what its schema (rolloutWire.ts) accepts. */
export const guards = {
  envelope: (v: Record<string, unknown>): boolean => isOptStr(v.timestamp) && isStr(v.type),
  sessionMeta: (v: Record<string, unknown>): boolean =>
    isStr(v.id) && isOptStr(v.timestamp) && isOptStr(v.cwd) && isOptStr(v.originator) && isOptStr(v.cli_version) && isOptStr(v.model_provider),
  message: (v: Record<string, unknown>): boolean => isStr(v.role) && (v.content === undefined || v.content === null || isStr(v.content) || isTextParts(v.content)),
  reasoning: (v: Record<string, unknown>): boolean =>
    (v.summary === undefined || v.summary === null || isTextParts(v.summary)) && (v.content === undefined || v.content === null || isTextParts(v.content)),
  functionCall: (v: Record<string, unknown>): boolean => isStr(v.name) && isStr(v.call_id),
  callOutput: (v: Record<string, unknown>): boolean => isStr(v.call_id),
  turnItemEvent: (v: Record<string, unknown>): boolean => isObj(v.item) && isStr(v.item.type) && (isStr(v.item.id) || typeof v.item.id === 'number'),
  commandItem: (v: Record<string, unknown>): boolean =>
    (v.command === undefined || v.command === null || isStr(v.command) || (Array.isArray(v.command) && v.command.every(isStr))) &&
    isOptStr(v.cwd) && isOptStr(v.status) && isOptStr(v.aggregated_output) &&
    (v.exit_code === undefined || v.exit_code === null || Number.isSafeInteger(v.exit_code)),
  reasoningTurnItem: (v: Record<string, unknown>): boolean => isOptStrArray(v.summary_text) && isOptStrArray(v.raw_content),
  messageTurnItem: (v: Record<string, unknown>): boolean => v.content === undefined || v.content === null || isTextParts(v.content),
  turnContext: (v: Record<string, unknown>): boolean => isOptStr(v.cwd) && isOptStr(v.model) && isOptStr(v.effort),
  fileChangeItem: (v: Record<string, unknown>): boolean => isObj(v.changes) && Object.values(v.changes).every(isObj) && isOptStr(v.status),
  threadSettings: (v: Record<string, unknown>): boolean => isObj(v.thread_settings) && isOptStr(v.thread_settings.model) && isOptStr(v.thread_settings.cwd),
  /** Extra keys (the schema strips them) are never read: `CallRegistry.plan` takes `explanation` and `plan` only. */
  planArgs: (v: Record<string, unknown>): boolean =>
    isOptStr(v.explanation) && Array.isArray(v.plan) && v.plan.every((s) => isObj(s) && isStr(s.step) && isOptStr(s.status)),
  /** `thread_token_usage` is read by `usageFromWire`, which checks it itself. */
  tokenUsageRecord: (): boolean => true,
};

