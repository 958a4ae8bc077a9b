import type { CommandExecutionItem, FileChange, FileChangeItem, ThreadEvent } from '../shared/threadModel';
import type { MapResult } from './threadFamily';

const STAMP = /^\[(\d{4}-\d\d-\d\dT[\d:.]+Z?)\] (.*)$/;

/** True for the first line of the human-readable transcript that `codex exec` printed before JSON existed (0.1.x). */
export function looksLikeHumanTranscript(line: string): boolean {
  const m = STAMP.exec(line);
  return !!m && /^OpenAI Codex/.test(m[2] ?? '');
}

type Block =
  | { kind: 'header'; lines: string[] }
  | { kind: 'thinking'; lines: string[] }
  | { kind: 'message'; lines: string[] }
  | { kind: 'user'; lines: string[] }
  | { kind: 'exec_end'; item: CommandExecutionItem; lines: string[] }
  | { kind: 'patch_begin'; lines: string[] }
  | { kind: 'patch_end'; exit: number; lines: string[] }
  | { kind: 'other'; lines: string[] };

const META_KEYS: Record<string, 'cwd' | 'model' | 'approval' | 'sandbox' | 'reasoning_effort'> = {
  workdir: 'cwd',
  model: 'model',
  approval: 'approval',
  sandbox: 'sandbox',
  'reasoning effort': 'reasoning_effort',
};

/**
 * Reads the human transcript of `codex exec` 0.1.x (no JSON mode existed): `[timestamp] exec CMD in DIR`,
 * `CMD succeeded in 12ms:` / `CMD exited 2 in 12ms:` and the output, `apply_patch …` blocks, `thinking:` and
 * `Agent message:` blocks, `stream error:` retries and a final `ERROR:`. Blocks end where the next one starts.
 */
export class HumanTextMapper {
  private block: Block | null = null;
  private n = 0;
  private turnOpen = false;
  private fatal = false;
  private readonly running: CommandExecutionItem[] = [];
  private patch: FileChangeItem | null = null;

  constructor(private readonly idPrefix: string) {}

  private id(kind: string): string {
    return `${this.idPrefix}${kind}_${this.n++}`;
  }

  push(line: string): MapResult {
    const out: ThreadEvent[] = [];
    const m = STAMP.exec(line);
    if (m) {
      out.push(...this.flush());
      this.start(m[2] ?? '', out);
    } else if (line.startsWith('thinking:')) {
      out.push(...this.flush());
      this.block = { kind: 'thinking', lines: [line.slice('thinking:'.length).trimStart()] };
    } else if (this.block) {
      this.block.lines.push(line);
    } else if (line.trim() !== '') {
      return { ok: false, kind: 'skipped_line', reason: 'text outside any transcript block' };
    }
    return { ok: true, events: out };
  }

  private openTurn(out: ThreadEvent[]): void {
    if (this.turnOpen) return;
    this.turnOpen = true;
    out.push({ type: 'turn.started' });
  }

  private start(rest: string, out: ThreadEvent[]): void {
    let m: RegExpExecArray | null;
    if (/^OpenAI Codex/.test(rest)) {
      this.block = { kind: 'header', lines: [] };
    } else if ((m = /^Agent message: ?(.*)$/.exec(rest))) {
      this.block = { kind: 'message', lines: [m[1] ?? ''] };
    } else if ((m = /^User instructions:\s*(.*)$/.exec(rest))) {
      this.block = { kind: 'user', lines: m[1] ? [m[1]] : [] };
    } else if ((m = /^exec (.*) in (\S.*)$/.exec(rest))) {
      this.openTurn(out);
      const item: CommandExecutionItem = {
        id: this.id('exec'), type: 'command_execution', command: m[1] ?? '', aggregated_output: '', exit_code: null, status: 'in_progress', cwd: m[2] ?? '',
      };
      this.running.push(item);
      out.push({ type: 'item.started', item });
      this.block = null;
    } else if ((m = /^apply_patch auto_approved=\w+:$/.exec(rest))) {
      this.block = { kind: 'patch_begin', lines: [] };
    } else if ((m = /^apply_patch\(auto_approved=\w+\) exited (-?\d+) in .*:$/.exec(rest))) {
      this.block = { kind: 'patch_end', exit: Number(m[1]), lines: [] };
    } else if ((m = /^(.*) (succeeded|exited (-?\d+)) in (\d+)ms:$/.exec(rest))) {
      const command = m[1] ?? '';
      const at = this.running.findIndex((c) => c.command === command);
      const begun = at >= 0 ? this.running.splice(at, 1)[0] : undefined;
      const exit = m[2] === 'succeeded' ? 0 : Number(m[3]);
      const item: CommandExecutionItem = {
        ...(begun ?? { id: this.id('exec'), type: 'command_execution', command, aggregated_output: '', exit_code: null, status: 'in_progress' }),
        exit_code: exit,
        status: exit === 0 ? 'completed' : 'failed',
        duration_ms: Number(m[4]),
      };
      this.block = { kind: 'exec_end', item, lines: [] };
    } else if ((m = /^stream error: (.*)$/.exec(rest))) {
      out.push({ type: 'error', message: `stream error: ${m[1] ?? ''}` });
      this.block = null;
    } else if ((m = /^ERROR: (.*)$/.exec(rest))) {
      this.fatal = true;
      this.turnOpen = false;
      out.push({ type: 'turn.failed', error: { message: m[1] ?? 'error' } });
      this.block = null;
    } else {
      this.block = { kind: 'other', lines: [rest] };
    }
  }

  private flush(): ThreadEvent[] {
    const b = this.block;
    this.block = null;
    if (!b) return [];
    const out: ThreadEvent[] = [];
    const text = trimBlank(b.lines).join('\n');
    switch (b.kind) {
      case 'header': {
        const meta: Record<string, string> = {};
        for (const l of b.lines) {
          const m = /^([a-z ]+):\s+(.*)$/.exec(l);
          const key = m ? META_KEYS[m[1] ?? ''] : undefined;
          if (m && key) meta[key] = m[2] ?? '';
        }
        out.push({ type: 'thread.meta', meta });
        break;
      }
      case 'thinking':
      case 'message':
        this.openTurn(out);
        out.push({ type: 'item.completed', item: { id: this.id(b.kind === 'message' ? 'msg' : 'reasoning'), type: b.kind === 'message' ? 'agent_message' : 'reasoning', text } });
        break;
      case 'user':
        this.openTurn(out);
        out.push({ type: 'item.completed', item: { id: this.id('user'), type: 'user_message', text } });
        break;
      case 'exec_end':
        this.openTurn(out);
        out.push({ type: 'item.completed', item: { ...b.item, aggregated_output: b.lines.length ? `${trimBlank(b.lines).join('\n')}\n` : '' } });
        break;
      case 'patch_begin': {
        this.openTurn(out);
        const changes: FileChange[] = [];
        for (const l of b.lines) {
          const m = /^([AMD]) (\/.*|\S.*)$/.exec(l);
          if (m) changes.push({ path: m[2] ?? '', kind: m[1] === 'A' ? 'add' : m[1] === 'D' ? 'delete' : 'update', diff: '' });
          else if (changes.length) {
            const last = changes[changes.length - 1]!;
            last.diff = `${last.diff ?? ''}${l}\n`;
          }
        }
        this.patch = { id: this.id('patch'), type: 'file_change', changes, status: 'in_progress' };
        out.push({ type: 'item.started', item: this.patch });
        break;
      }
      case 'patch_end':
        if (this.patch) out.push({ type: 'item.completed', item: { ...this.patch, status: b.exit === 0 ? 'completed' : 'failed' } });
        this.patch = null;
        break;
      case 'other':
        break;
    }
    return out;
  }

  /** Flushes the last block and closes the turn (this CLI printed no turn end). */
  end(): ThreadEvent[] {
    const out = this.flush();
    if (this.turnOpen && !this.fatal) {
      this.turnOpen = false;
      out.push({ type: 'turn.completed', usage: null, scope: 'process' });
    }
    return out;
  }
}

function trimBlank(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]!.trim() === '') a++;
  while (b > a && lines[b - 1]!.trim() === '') b--;
  return lines.slice(a, b);
}
