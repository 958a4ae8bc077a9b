import type { RunEndReason, ThreadEvent, UsageScope } from '../shared/threadModel';
import { EventMsgMapper, RETRY_NOTICE } from './eventMsgFamily';
import { HumanTextMapper, looksLikeHumanTranscript } from './humanText';
import { mapThreadEvent, type MapResult } from './threadFamily';
import { capabilitiesFor, type CliVersion } from './version';
import { detachString } from '../shared/outputCap';
import { wireConfigSummary, wirePromptLine } from './wireSchemas';

/** Which generation of `codex exec` output a stream is. */
export type StreamFamily = 'thread' | 'experimental' | 'legacy' | 'proto' | 'human' | 'unknown';

/** Options of {@link ExecStreamParser}. */
export interface ExecParserOptions {
  /** The CLI version that wrote the stream, when known: it decides what `turn.completed.usage` covers. */
  cliVersion?: CliVersion | null;
  /** Prepended to every item id, so several runs of one thread (whose ids restart at `item_0`) never collide. */
  idPrefix?: string;
  /** Set when the caller shows the prompt itself, so a stream that echoes it does not show it twice. */
  promptShown?: boolean;
}

/** How a stream ended, as far as the reader knows. */
export interface StreamEnd {
  reason: RunEndReason;
  exit_code: number | null;
}

/** Longest raw line kept in a diagnostic. */
const RAW_KEEP = 500;

function clip(line: string): string {
  return detachString(line.length > RAW_KEEP ? `${line.slice(0, RAW_KEEP)}… (${line.length} characters)` : line);
}

/**
 * Reads `codex exec` output of any CLI generation, line by line, into normalized {@link ThreadEvent}s.
 *
 * The family is detected from the first line that identifies one, and each line is then mapped by the shape it has.
 * Nothing here throws on bad input: non-JSON lines, malformed JSON and unknown events become `diagnostic` events
 * that keep the raw line, and reading continues.
 */
export class ExecStreamParser {
  family: StreamFamily = 'unknown';
  private lineNo = 0;
  private readonly idPrefix: string;
  private readonly turnUsageScope: UsageScope | 'infer';
  private readonly eventMsg: EventMsgMapper;
  private human: HumanTextMapper | null = null;
  private threadTurnOpen = false;
  private lastError: string | null = null;

  constructor(opts: ExecParserOptions = {}) {
    this.idPrefix = opts.idPrefix ?? '';
    this.turnUsageScope = opts.cliVersion ? capabilitiesFor(opts.cliVersion).turnUsageScope : 'infer';
    this.eventMsg = new EventMsgMapper(this.idPrefix, !opts.promptShown);
  }

  /** Maps one line (without its line break). */
  push(rawLine: string): ThreadEvent[] {
    this.lineNo++;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (this.human) return this.diag(this.human.push(line), line);
    const trimmed = line.trim();
    if (trimmed === '') return [];
    if (trimmed[0] !== '{') {
      if (this.family === 'unknown' && looksLikeHumanTranscript(trimmed)) {
        this.family = 'human';
        this.human = new HumanTextMapper(this.idPrefix);
        return this.diag(this.human.push(line), line);
      }
      return [this.diagnostic('skipped_line', 'not JSON', line)];
    }
    let obj: unknown;
    try {
      obj = JSON.parse(trimmed);
    } catch (e) {
      return [this.diagnostic('skipped_line', `malformed JSON (${(e as Error).message})`, line)];
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      return [this.diagnostic('skipped_line', 'not a JSON object', line)];
    }
    let r: MapResult;
    try {
      r = this.mapObject(obj as Record<string, unknown>);
    } catch (e) {
      // Last resort, so that no line can stop a stream.
      r = { ok: false, kind: 'skipped_line', reason: `could not be read (${(e as Error).message})` };
    }
    return this.diag(r, line);
  }

  private mapObject(obj: Record<string, unknown>): MapResult {
    if (typeof obj.type === 'string') {
      const typed = obj as Record<string, unknown> & { type: string };
      if (this.family === 'unknown' || this.family === 'legacy') {
        if (typed.type === 'session.created' || ('item' in typed && isObj(typed.item) && 'item_type' in typed.item)) this.family = 'experimental';
        else if (typed.type === 'thread.started' || typed.type.startsWith('turn.') || typed.type.startsWith('item.')) this.family = 'thread';
      }
      const r = mapThreadEvent(typed, { idPrefix: this.idPrefix, turnUsageScope: this.turnUsageScope });
      if (r.ok && this.family === 'experimental' && typed.type === 'session.created') {
        r.events.push({ type: 'turn.started' }); // v1 has no turn events: a session is one turn
      }
      if (r.ok) this.trackThreadTurn(r.events);
      return r;
    }
    if (isObj(obj.msg) && typeof obj.msg.type === 'string') {
      if (this.family === 'unknown') this.family = obj.id === '0' && obj.msg.type === 'session_configured' ? 'proto' : 'legacy';
      return this.eventMsg.map(obj.msg as Record<string, unknown> & { type: string });
    }
    if (typeof obj.prompt === 'string' && wirePromptLine.safeParse(obj).success) {
      if (this.family === 'unknown') this.family = 'legacy';
      return { ok: true, events: this.eventMsg.prompt(obj.prompt) };
    }
    if (this.lineNo <= 2 && this.family === 'unknown' && wireConfigSummary.safeParse(obj).success && ('model' in obj || 'workdir' in obj)) {
      this.family = 'legacy';
      return { ok: true, events: [{ type: 'thread.meta', meta: configMeta(obj) }] };
    }
    return { ok: false, kind: 'unknown_event', reason: 'JSON object of no known event shape' };
  }

  private trackThreadTurn(events: ThreadEvent[]): void {
    for (const e of events) {
      if (e.type === 'turn.started' || e.type === 'thread.started') {
        this.threadTurnOpen = true;
        this.lastError = null;
      } else if (e.type === 'turn.completed' || e.type === 'turn.failed') {
        this.threadTurnOpen = false;
      } else if (e.type === 'error') {
        this.lastError = e.message;
      } else if (e.type.startsWith('item.')) {
        this.lastError = null;
      }
    }
  }

  private diag(r: MapResult, line: string): ThreadEvent[] {
    return r.ok ? r.events : [this.diagnostic(r.kind, r.reason, line)];
  }

  private diagnostic(kind: 'skipped_line' | 'unknown_event', reason: string, line: string): ThreadEvent {
    return { type: 'diagnostic', kind, line: this.lineNo, reason, raw: clip(line) };
  }

  /**
   * Ends the stream. Generations that never print a turn end (legacy `--json` after 0.8, experimental v1, the human
   * transcript) get one here when the process exited normally: failed when the last thing said was a fatal error.
   */
  end(how: StreamEnd = { reason: 'end_of_input', exit_code: null }): ThreadEvent[] {
    const normal = how.reason === 'end_of_input' || (how.reason === 'exit' && how.exit_code === 0);
    if (!normal) return [];
    if (this.human) return this.human.end();
    if (this.family === 'legacy' || this.family === 'proto') {
      if (this.family === 'proto') return []; // proto prints task_complete; a stream without it is incomplete
      return this.eventMsg.closeTurn();
    }
    if (this.family === 'experimental' && this.threadTurnOpen) {
      this.threadTurnOpen = false;
      if (this.lastError !== null && !RETRY_NOTICE.test(this.lastError)) {
        return [{ type: 'turn.failed', error: { message: this.lastError } }];
      }
      return [{ type: 'turn.completed', usage: null, scope: 'process' }];
    }
    return [];
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function configMeta(obj: Record<string, unknown>): Record<string, string> {
  const pick = (k: string): string | undefined => (typeof obj[k] === 'string' ? (obj[k] as string) : undefined);
  const meta: Record<string, string> = {};
  const entries: [string, string | undefined][] = [
    ['model', pick('model')],
    ['cwd', pick('workdir')],
    ['sandbox', pick('sandbox')],
    ['approval', pick('approval')],
    ['reasoning_effort', pick('reasoning effort')],
  ];
  for (const [k, v] of entries) if (v !== undefined) meta[k] = v;
  return meta;
}
