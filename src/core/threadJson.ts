import type { Diagnostic, ThreadItem, ThreadMeta, ThreadState, ThreadStatus, Usage } from '../shared/threadModel';

/** The JSON object `codex-sessions parse-exec --json` prints (a fixed contract: other tools read it). */
export interface ThreadJson {
  thread_id: string | null;
  status: Exclude<ThreadStatus, 'running'> | 'running';
  items: ThreadItem[];
  usage: Usage | null;
  errors: string[];
  skipped_lines: number;
  unknown_events: number;
  /** Added fields (the contract is extended, never renamed). */
  family: string;
  meta: ThreadMeta;
  diagnostics: Diagnostic[];
}

/** Builds the contract object from a reduced state. */
export function toThreadJson(state: ThreadState, family: string): ThreadJson {
  return {
    thread_id: state.thread_id,
    status: state.status,
    items: state.items,
    usage: state.usage,
    errors: state.errors,
    skipped_lines: state.skipped_lines,
    unknown_events: state.unknown_events,
    family,
    meta: state.meta,
    diagnostics: state.diagnostics,
  };
}
