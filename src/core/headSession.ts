import { guards, isObj, isStr } from './rolloutGuards';
import { emptySession, sessionSourceOf, type RolloutSession } from './rolloutSession';
import { isInjectedContext, titleFromPrompt, userPromptFromContent } from './sessionTitle';

/*
 * What a rollout says about its session (id, start, folder, CLI, source, model, first prompt), read from the lines of
 * its head without the replay's parser: the index reads the head of every session, and mapping each head line into a
 * thread (events, turns, items) only to keep these fields cost a cold index more than reading the files. The rules
 * are the parser's (`RolloutParser` and the mappers it calls), field for field; a spec checks on every corpus
 * rollout and on odd cases that both find the same session. No zod: the records are checked by the same guards the
 * parser tries first (rolloutGuards.ts), which accept what its schemas accept for these records.
 */

type Json = Record<string, unknown>;

/** The environment block's folder (0.2x – 0.3x rollouts state it there). */
const ENV_CWD = /<cwd>([^<]+)<\/cwd>/;

const textsOf = (parts: unknown): string[] => (Array.isArray(parts) ? parts : []).map((p) => (isObj(p) && isStr(p.text) ? p.text : '')).filter((t) => t.trim() !== '');

/** Reads head lines (see `headLine`) into {@link session}. Never throws on input. */
export class HeadSession {
  readonly session: RolloutSession = emptySession();
  private metaSeen = false;

  /** Takes one line (without its line break). */
  push(rawLine: string): void {
    let obj: unknown;
    try {
      obj = JSON.parse(rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine);
    } catch {
      return; // a cut line: the parser makes a diagnostic of it, and nothing of the session
    }
    if (isObj(obj)) this.object(obj);
  }

  private object(obj: Json): void {
    const s = this.session;
    if (s.family === 'unknown') {
      if (typeof obj.type === 'string' && 'payload' in obj) s.family = 'envelope';
      else if (isStr(obj.id) && isStr(obj.timestamp) && obj.type === undefined) s.family = 'instructions' in obj || 'git' in obj ? 'state' : 'bare';
    }
    if (s.family === 'envelope') {
      if (guards.envelope(obj)) this.record(obj.type as string, obj.payload);
      return;
    }
    if (typeof obj.record_type === 'string') {
      if (s.family === 'bare') s.family = 'state';
      return;
    }
    if (typeof obj.type === 'string') return this.responseItem(obj);
    if (isStr(obj.id) && isStr(obj.timestamp) && !this.metaSeen) {
      this.metaSeen = true;
      s.id = obj.id;
      s.started_at = obj.timestamp;
    }
  }

  private record(type: string, payload: unknown): void {
    if (!isObj(payload)) return;
    const s = this.session;
    switch (type) {
      case 'session_meta':
        if (this.metaSeen || !guards.sessionMeta(payload)) return;
        this.metaSeen = true;
        s.id = payload.id as string;
        s.started_at = (payload.timestamp as string | null | undefined) ?? null;
        s.cli_version = (payload.cli_version as string | null | undefined) ?? null;
        s.originator = (payload.originator as string | null | undefined) ?? null;
        s.source = sessionSourceOf(payload.source, payload.originator as string | null | undefined);
        this.cwd(payload.cwd);
        return;
      case 'turn_context':
        if (!guards.turnContext(payload)) return;
        s.model ??= (payload.model as string | null | undefined) ?? null;
        this.cwd(payload.cwd);
        return;
      case 'response_item':
        if (typeof payload.type === 'string') this.responseItem(payload);
        return;
      case 'event_msg':
        return this.event(payload);
      default:
        return;
    }
  }

  private event(msg: Json): void {
    const s = this.session;
    switch (msg.type) {
      case 'user_message':
        // 0.4x also logged the injected context as user_message events, with a `kind` other than "plain".
        if (isStr(msg.message) && (msg.kind === undefined || msg.kind === null || msg.kind === 'plain') && !isInjectedContext(msg.message)) this.prompt(msg.message);
        return;
      case 'item_completed': {
        if (!guards.turnItemEvent(msg)) return;
        const item = msg.item as Json;
        if (item.type !== 'UserMessage') return;
        const text = guards.messageTurnItem(item) ? textsOf(item.content).join('\n\n') : '';
        if (text && !isInjectedContext(text)) this.prompt(text);
        return;
      }
      case 'thread_settings_applied': {
        if (!guards.threadSettings(msg)) return;
        const settings = msg.thread_settings as Json;
        s.model ??= (settings.model as string | null | undefined) ?? null;
        this.cwd(settings.cwd);
        return;
      }
      default:
        return;
    }
  }

  private responseItem(item: Json): void {
    if (item.type !== 'message' || !guards.message(item) || item.role !== 'user') return;
    const content = item.content;
    const prompt = userPromptFromContent(content);
    if (prompt !== null) return this.prompt(prompt);
    const all = typeof content === 'string' ? content : textsOf(content).join('\n');
    const cwd = isInjectedContext(all) ? ENV_CWD.exec(all)?.[1]?.trim() : undefined;
    if (cwd && !this.session.cwd) this.cwd(cwd);
  }

  private prompt(text: string): void {
    this.session.title ??= titleFromPrompt(text) || null;
  }

  private cwd(cwd: unknown): void {
    if (typeof cwd === 'string' && cwd) this.session.cwd ??= cwd;
  }
}
