import type { ThreadEvent, ThreadMeta } from '../shared/threadModel';
import { CallRegistry } from './rolloutCalls';
import { RolloutContext } from './rolloutContext';
import { mapRolloutEvent } from './rolloutEvents';
import { mapResponseItem, type Problem } from './rolloutItems';
import { sessionSourceOf, type RolloutFamily, type RolloutSession } from './rolloutSession';
import { fastParse, guards, wireBareHeader, wireRolloutEnvelope, wireSessionMeta, wireTokenUsageRecord, wireTurnContext } from './rolloutWire';
import { usageFromWire } from './usage';
import { atLeast, parseCliVersion } from './version';

/** Options of {@link RolloutParser}. */
export interface RolloutParserOptions {
  /** Prepended to every item id (when several files are folded into one reducer). */
  idPrefix?: string;
}

/** Longest raw line kept in a diagnostic. */
const RAW_KEEP = 500;

function clip(line: string): string {
  return line.length > RAW_KEEP ? `${line.slice(0, RAW_KEEP)}… (${line.length} characters)` : line;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Top-level record types of family (c) that carry nothing to show. */
const IGNORED_RECORDS = new Set(['compacted', 'world_state']);

/**
 * Reads a rollout file (`$CODEX_HOME/sessions/…/rollout-*.jsonl`) of any CLI generation, line by line, into the
 * same normalized {@link ThreadEvent}s a live `codex exec` run produces, so a replay goes through the same
 * `ThreadReducer`. It also fills {@link session} (id, start, cwd, CLI version, source, model, title) as it reads.
 *
 * Usage is emitted so that feeding every event into one reducer counts each model call once, across processes that
 * appended to the file (see `UsageTotals`); no `beginRun()` is needed for the file itself. Never throws on input:
 * cut or corrupt lines become `diagnostic` events and reading goes on.
 */
export class RolloutParser {
  private readonly ctx: RolloutContext;
  private readonly calls: CallRegistry;
  private lineNo = 0;
  private metaSeen = false;

  constructor(opts: RolloutParserOptions = {}) {
    this.ctx = new RolloutContext(opts.idPrefix ?? '');
    this.calls = new CallRegistry(this.ctx);
  }

  /** What the lines read so far say about the session. */
  get session(): RolloutSession {
    return this.ctx.session;
  }

  /** The envelope family, once the first line told it. */
  get family(): RolloutFamily {
    return this.ctx.session.family;
  }

  /** Lines read so far. */
  get lines(): number {
    return this.lineNo;
  }

  /** Maps one line (without its line break). */
  push(rawLine: string): ThreadEvent[] {
    this.lineNo++;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const trimmed = line.trim();
    if (trimmed === '') return [];
    let obj: unknown;
    try {
      obj = JSON.parse(trimmed);
    } catch (e) {
      return [this.diagnostic('skipped_line', `malformed JSON, the line may be cut short (${(e as Error).message})`, line)];
    }
    if (!isObj(obj)) return [this.diagnostic('skipped_line', 'not a JSON object', line)];
    this.ctx.out = [];
    let problem: Problem | null;
    try {
      problem = this.mapObject(obj);
    } catch (e) {
      // Last resort, so that no line can stop a replay: what the line began to emit is dropped with it.
      this.ctx.out = [];
      problem = { kind: 'skipped_line', reason: `could not be read (${(e as Error).message})` };
    }
    const out = this.ctx.out;
    this.ctx.out = [];
    if (problem) out.push(this.diagnostic(problem.kind, problem.reason, line));
    return out;
  }

  private mapObject(obj: Record<string, unknown>): Problem | null {
    const s = this.ctx.session;
    if (s.family === 'unknown') {
      if (typeof obj.type === 'string' && 'payload' in obj) s.family = 'envelope';
      else if (wireBareHeader.safeParse(obj).success && obj.type === undefined) s.family = 'instructions' in obj || 'git' in obj ? 'state' : 'bare';
    }
    if (s.family === 'envelope') {
      const env = fastParse(wireRolloutEnvelope, guards.envelope, obj);
      if (!env.success) return { kind: 'unknown_event', reason: 'not a rollout record (no type and payload)' };
      this.ctx.timestamp = env.data.timestamp ?? null;
      return this.mapRecord(env.data.type, env.data.payload);
    }
    if (typeof obj.record_type === 'string') {
      if (s.family === 'bare') s.family = 'state';
      return null;
    }
    if (typeof obj.type === 'string') return mapResponseItem(this.ctx, this.calls, obj as Record<string, unknown> & { type: string });
    const header = wireBareHeader.safeParse(obj);
    if (header.success && !this.metaSeen) {
      this.metaSeen = true;
      s.id = header.data.id;
      s.started_at = header.data.timestamp;
      this.ctx.out.push({ type: 'thread.started', thread_id: header.data.id });
      return null;
    }
    return { kind: 'unknown_event', reason: 'JSON object of no known rollout shape' };
  }

  private mapRecord(type: string, payload: unknown): Problem | null {
    const ctx = this.ctx;
    switch (type) {
      case 'session_meta':
        return this.sessionMeta(payload);
      case 'response_item':
        if (!isObj(payload) || typeof payload.type !== 'string') return { kind: 'skipped_line', reason: 'response_item without a type' };
        return mapResponseItem(ctx, this.calls, payload as Record<string, unknown> & { type: string });
      case 'event_msg':
        if (!isObj(payload) || typeof payload.type !== 'string') return { kind: 'skipped_line', reason: 'event_msg without a type' };
        return mapRolloutEvent(ctx, this.calls, payload as Record<string, unknown> & { type: string });
      case 'turn_context': {
        const p = fastParse(wireTurnContext, guards.turnContext, payload);
        if (!p.success) return { kind: 'skipped_line', reason: 'turn_context: unexpected shape' };
        const d = p.data;
        const sandbox = isObj(d.sandbox_policy) ? (d.sandbox_policy.type ?? d.sandbox_policy.mode) : d.sandbox_policy;
        // Assigned field by field: 0.100 writes six turn_context records a turn, and spreads showed in profiles.
        const meta: ThreadMeta = {};
        if (d.model) meta.model = d.model;
        if (d.cwd) meta.cwd = d.cwd;
        if (typeof d.approval_policy === 'string') meta.approval = d.approval_policy;
        if (typeof sandbox === 'string') meta.sandbox = sandbox;
        if (d.effort) meta.reasoning_effort = d.effort;
        ctx.session.model ??= d.model ?? null;
        ctx.setCwd(d.cwd);
        if (Object.keys(meta).length) ctx.out.push({ type: 'thread.meta', meta });
        return null;
      }
      case 'token_usage_record': {
        const p = fastParse(wireTokenUsageRecord, guards.tokenUsageRecord, payload);
        const total = p.success ? usageFromWire(p.data.thread_token_usage) : null;
        const e = total ? ctx.usage.total(total, 'record', ctx.timestamp) : null;
        if (e) ctx.out.push(e);
        return null;
      }
      default:
        if (IGNORED_RECORDS.has(type)) return null;
        return { kind: 'unknown_event', reason: `unknown rollout record type "${type}"` };
    }
  }

  private sessionMeta(payload: unknown): Problem | null {
    const p = fastParse(wireSessionMeta, guards.sessionMeta, payload);
    if (!p.success) return { kind: 'skipped_line', reason: 'session_meta: unexpected shape' };
    const d = p.data;
    const s = this.ctx.session;
    if (this.metaSeen) {
      // A later session_meta: a resumed process appended to this file (or a forked history was copied in).
      this.ctx.usage.processBoundary();
      return null;
    }
    this.metaSeen = true;
    s.id = d.id;
    s.started_at = d.timestamp ?? null;
    s.cli_version = d.cli_version ?? null;
    s.originator = d.originator ?? null;
    s.source = sessionSourceOf(d.source, d.originator);
    this.ctx.setCwd(d.cwd);
    const version = d.cli_version ? parseCliVersion(d.cli_version) : null;
    this.ctx.usage.threadScope = version !== null && atLeast(version, 0, 80);
    this.ctx.out.push({ type: 'thread.started', thread_id: d.id });
    const meta = { ...(d.cwd ? { cwd: d.cwd } : {}), ...(d.cli_version ? { cli_version: d.cli_version } : {}) };
    if (Object.keys(meta).length) this.ctx.out.push({ type: 'thread.meta', meta });
    return null;
  }

  private diagnostic(kind: 'skipped_line' | 'unknown_event', reason: string, line: string): ThreadEvent {
    return { type: 'diagnostic', kind, line: this.lineNo, reason, raw: clip(line) };
  }

  /**
   * Ends the file: closes a turn the file leaves open when the CLI
   * generation never records turn ends (up to 0.45) and the turn has an answer. A turn of a generation that does
   * record them stays open, so the reducer's `run.ended` marks it incomplete.
   */
  end(): ThreadEvent[] {
    const ctx = this.ctx;
    ctx.out = [];
    if (ctx.turnOpen && !ctx.taskMarkers && (ctx.turnHasOutput || ctx.lastError !== null)) {
      ctx.closeTurn(ctx.turnHasOutput ? undefined : (ctx.lastError ?? undefined));
    }
    const out = ctx.out;
    ctx.out = [];
    return out;
  }
}
