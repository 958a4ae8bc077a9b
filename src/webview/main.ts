/*
 * The task panel: renders one thread (live or replayed) from the host's messages. Only the items in and near the
 * viewport are in the DOM (itemWindow.ts), rendered within a time budget per animation frame and swapped in place
 * when they change, so 10,000 items or huge outputs never block the page. The page only asks; the host decides.
 */
import type { ErrorAction, FailureInfo, PlayerInfo, HostMessage, InputNotices, TaskHeader, WebviewMessage, WebviewPersistedState } from '../shared/protocol';
import { DEFAULT_MAX_OUTPUT_CHARS, appendCapped } from '../shared/outputCap';
import type { CommandExecutionItem, ThreadItem, TurnState } from '../shared/threadModel';
import { button, compact, duration, h, icon } from './dom';
import { ItemWindow } from './itemWindow';
import { estimateHeight, renderItem, renderNextPiece, renderTurnSeparator, unfinished } from './render';

interface VsCodeApi {
  postMessage(msg: WebviewMessage): void;
  getState(): WebviewPersistedState | undefined;
  setState(s: WebviewPersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const thread = document.getElementById('thread')!;
const headerEl = document.getElementById('header')!;
const failureEl = document.getElementById('failure')!;
const noticeEl = document.getElementById('notices')!;
const composer = document.getElementById('composer') as HTMLFormElement;
const promptBox = document.getElementById('prompt') as HTMLTextAreaElement;

const saved = vscode.getState();
const persisted: WebviewPersistedState = {
  taskId: document.body.dataset.taskId ?? saved?.taskId ?? '',
  threadId: saved?.threadId ?? null,
  expanded: saved?.expanded ?? [],
  scrollTop: saved?.scrollTop ?? 0,
};
const expanded = new Set(persisted.expanded);

const items: ThreadItem[] = [];
const indexById = new Map<string, number>();
let turns: TurnState[] = [];
/** The turns whose separator follows each item, and what each separator said when last placed. */
let separatorsAt = new Map<number, number[]>();
let separatorKeys: { last: number; key: string }[] = [];
let header: TaskHeader | null = null;
/** The latest header from the host, rendered at the next frame (not once per message). */
let pendingHeader: [TaskHeader, FailureInfo | null, InputNotices] | null = null;
/** What the header shows now, so an unchanged header is not built again. */
let headerKey = '';
/** Whether the view follows the end of the thread: the user is at the bottom (kept from scroll events). */
let follow = true;
/** Where the panel itself last scrolled to: that scroll event says nothing about the user. */
let ownScrollTop = -1;
let scheduled = false;
const win = new ItemWindow(thread, {
  render: (i) => {
    const item = items[i];
    if (!item) return [];
    return [renderItem(item, expanded.has(item.id), header?.status !== 'running'), ...(separatorsAt.get(i) ?? []).map((n) => renderTurnSeparator(turns[n]!, n))];
  },
  estimate: (i) => estimateHeight(items[i]),
  unfinished,
  renderMore: renderNextPiece,
});
/** Per-frame rendering budget, ms: keeps every main-thread task short while streaming. */
const FRAME_BUDGET_MS = 8;

function post(msg: WebviewMessage): void {
  vscode.postMessage(msg);
}

function nearBottom(): boolean {
  const el = document.scrollingElement ?? document.documentElement;
  return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(flush);
}

function flush(): void {
  scheduled = false;
  if (pendingHeader) {
    const key = JSON.stringify(pendingHeader);
    if (key !== headerKey) renderHeader(...pendingHeader);
    headerKey = key;
    pendingHeader = null;
  }
  const el = document.scrollingElement ?? document.documentElement;
  win.update(FRAME_BUDGET_MS, follow, el.scrollTop - win.offsetTop(), el.clientHeight);
  if (follow) {
    el.scrollTop = el.scrollHeight;
    ownScrollTop = el.scrollTop;
  }
  if (win.pending) schedule();
  document.body.dataset.rendered = String(items.length - win.pending);
}

/**
 * Takes the host's turns: a finished turn's separator follows its last item. Only the items whose separators
 * changed (a turn ended, its usage came, the next turn started) are rendered again.
 */
function setTurns(next: TurnState[]): void {
  turns = next;
  const at = new Map<number, number[]>();
  const keys = next.map((t, n) => {
    const last = (next[n + 1]?.first_item ?? items.length) - 1;
    if (t.status === 'running') return { last: -1, key: '' };
    at.set(last, [...(at.get(last) ?? []), n]);
    return { last, key: `${last} ${t.status} ${JSON.stringify(t.usage)}` };
  });
  separatorsAt = at;
  for (let n = 0; n < Math.max(keys.length, separatorKeys.length); n++) {
    const was = separatorKeys[n];
    const now = keys[n];
    if (was?.key === now?.key) continue;
    if (was && was.last >= 0) win.invalidate(was.last);
    if (now && now.last >= 0) win.invalidate(now.last);
  }
  separatorKeys = keys;
}

function renderHeader(hd: TaskHeader, failure: FailureInfo | null, notices: InputNotices): void {
  if (header?.status === 'running' && hd.status !== 'running') {
    // Items still "running" when the task ended are shown as interrupted.
    items.forEach((it, i) => {
      if ('status' in it && it.status === 'in_progress') win.invalidate(i);
    });
  }
  header = hd;
  if (hd.threadId && hd.threadId !== persisted.threadId) {
    persisted.threadId = hd.threadId;
    persist();
  }
  const statusIcon = { running: 'loading codicon-modifier-spin', completed: 'pass', failed: 'error', cancelled: 'debug-stop', incomplete: 'question' }[hd.status];
  const statusLabel = { running: 'Running', completed: 'Done', failed: 'Failed', cancelled: 'Stopped', incomplete: 'Interrupted' }[hd.status];
  const tokens = hd.usage ? `${compact(hd.usage.input_tokens)} in · ${compact(hd.usage.output_tokens)} out` : 'tokens: unknown';
  // Tokens without a price say so (never $0): the model is unknown or not in the table (codexSessions.pricing adds it).
  const cost = hd.costUsd !== null ? ` · ~$${hd.costUsd.toFixed(hd.costUsd < 1 ? 3 : 2)}` : hd.usage ? ' · cost unknown' : '';
  headerEl.replaceChildren(
    h('h1', { class: 'title', title: hd.title }, hd.replay ? icon('history') : icon('sparkle'), ` ${hd.title}`),
    h('div', { class: 'meta' },
      h('span', { class: `badge status-${hd.status}`, attrs: { role: 'status', 'aria-live': 'polite' } }, icon(statusIcon), h('span', { class: 'status-text' }, statusLabel)),
      h('span', { class: 'elapsed', attrs: { 'aria-label': 'Elapsed time' } }, elapsedText()),
      h('span', { class: 'usage', title: 'Tokens (input includes cached; cost is an API-equivalent estimate)' }, tokens + cost),
      hd.canStop ? button('Stop', 'stop', { icon: 'debug-stop', title: 'Stop this task' }) : null,
    ),
    ...(hd.player ? [playerBar(hd.player)] : []),
  );
  failureEl.replaceChildren();
  if (failure) {
    failureEl.append(h('div', { class: 'failure', attrs: { role: 'alert' } }, h('div', { class: 'failure-title' }, icon('error'), ` ${failure.title}`), h('div', { class: 'failure-detail' }, failure.detail), h('div', { class: 'failure-actions' }, ...failure.actions.map((a) => button(ACTION_LABEL[a], 'errorAction', { data: { errorAction: a } })))));
  }
  noticeEl.replaceChildren();
  if (notices.cut_short) {
    noticeEl.append(h('div', { class: 'notice cut', attrs: { role: 'status' } }, icon('warning'), ' The input ends in the middle of a line: it was cut short (codex stopped while writing it, or is still writing). Everything before the cut is shown.'));
  }
  if (notices.skipped_lines || notices.unknown_events) {
    noticeEl.append(h('div', { class: 'notice' }, icon('info'), ` ${notices.skipped_lines} unreadable line(s) and ${notices.unknown_events} unknown event(s) were skipped; everything else is shown.`, ...(notices.first_problem ? [h('div', { class: 'notice-detail' }, `First: ${notices.first_problem}`)] : [])));
  }
  const disabled = !hd.canFollowUp;
  promptBox.disabled = disabled;
  (composer.querySelector('button') as HTMLButtonElement).disabled = disabled;
  promptBox.placeholder = hd.disabledReason ?? (hd.status === 'running' ? 'Codex is working…' : 'Ask a follow-up (Ctrl+Enter to send)');
}

/** Play / pause, step and speed of a replay. */
function playerBar(p: PlayerInfo): HTMLElement {
  const speeds = [1, 4, 16].map((sp) => {
    const b = button(`×${sp}`, 'playerSpeed', { data: { speed: String(sp) }, title: `Play at ${sp}× the original speed` });
    b.setAttribute('aria-pressed', String(p.speed === sp));
    if (p.speed === sp) b.classList.add('pressed');
    return b;
  });
  const where = p.total ? `step ${p.position} of ${p.total}` : 'whole session shown';
  return h('div', { class: 'player', attrs: { role: 'toolbar', 'aria-label': 'Replay' } },
    p.playing ? button('Pause', 'player', { icon: 'debug-pause', data: { player: 'pause' } }) : button('Play', 'player', { icon: 'play', data: { player: 'play' }, title: 'Replay the session with its original timing' }),
    button('Step', 'player', { icon: 'debug-step-over', data: { player: 'step' }, title: 'Show the next step' }),
    ...speeds,
    h('span', { class: 'muted player-pos', attrs: { 'aria-live': 'polite' } }, where),
  );
}

const ACTION_LABEL = { signIn: 'Sign in', openSettings: 'Open Settings', retry: 'Retry', showLog: 'Show Log', changeModel: 'Change Model' } as const;

function elapsedText(): string {
  if (!header) return '';
  const running = header.runningSince === null ? 0 : Date.now() - header.runningSince;
  return duration(header.elapsedMs + running);
}

setInterval(() => {
  if (header?.runningSince !== null && header?.runningSince !== undefined) {
    const el = headerEl.querySelector('.elapsed');
    if (el) el.textContent = elapsedText();
  }
}, 1000);

function reset(list: ThreadItem[]): void {
  items.length = 0;
  indexById.clear();
  separatorKeys = [];
  win.clear();
  list.forEach((item, i) => setItem(i, item));
}

function setItem(i: number, item: ThreadItem): void {
  items[i] = item;
  indexById.set(item.id, i);
  win.invalidate(i);
}

window.addEventListener('message', (ev: MessageEvent<HostMessage>) => {
  const m = ev.data;
  switch (m.type) {
    case 'reset':
      reset(m.items);
      setTurns(m.turns);
      pendingHeader = [m.header, m.failure, m.notices];
      break;
    case 'update':
      for (const { index, item, keepOutput } of m.items) {
        const had = items[index];
        setItem(index, keepOutput && had?.type === 'command_execution' && item.type === 'command_execution' ? { ...item, aggregated_output: had.aggregated_output, output_truncated_chars: had.output_truncated_chars } : item);
      }
      if (m.turns) setTurns(m.turns);
      pendingHeader = [m.header, m.failure, m.notices];
      break;
    case 'append': {
      const i = indexById.get(m.itemId) ?? -1;
      const item = items[i];
      if (item?.type === 'command_execution') {
        // Capped like the host's copy (head and tail kept), so streamed output cannot grow without bound here.
        if (m.piece) items[i] = { ...item, aggregated_output: item.aggregated_output + m.text };
        else {
          const { text, dropped } = appendCapped(item.aggregated_output, item.output_truncated_chars ?? 0, m.text, DEFAULT_MAX_OUTPUT_CHARS);
          items[i] = { ...item, aggregated_output: text, ...(dropped ? { output_truncated_chars: dropped } : {}) } as CommandExecutionItem;
        }
        win.invalidate(i);
      }
      break;
    }
    case 'focusComposer':
      promptBox.focus();
      break;
  }
  schedule();
});

document.addEventListener('click', (ev) => {
  const target = ev.target as HTMLElement;
  const link = target.closest('.markdown a') as HTMLAnchorElement | null;
  if (link) {
    ev.preventDefault();
    const href = link.getAttribute('href');
    if (href) post({ type: 'openLink', href });
    return;
  }
  const el = target.closest('[data-action]') as HTMLElement | null;
  if (!el) return;
  ev.preventDefault();
  const id = el.dataset.id ?? '';
  switch (el.dataset.action) {
    case 'stop':
      post({ type: 'stop' });
      break;
    case 'toggleOutput':
      if (expanded.has(id)) expanded.delete(id);
      else expanded.add(id);
      persist();
      markById(id);
      break;
    case 'openOutput':
      post({ type: 'openOutput', itemId: id });
      break;
    case 'openDiff':
      post({ type: 'openDiff', itemId: id, change: Number(el.dataset.change ?? 0) });
      break;
    case 'copyCode': {
      const code = el.parentElement?.querySelector('code')?.textContent ?? '';
      post({ type: 'copy', text: code });
      break;
    }
    case 'player':
      post({ type: 'player', action: el.dataset.player as 'play' | 'pause' | 'step' });
      break;
    case 'playerSpeed':
      post({ type: 'player', action: 'speed', speed: Number(el.dataset.speed) as 1 | 4 | 16 });
      break;
    case 'errorAction':
      // The host validates the action name like every other message.
      post({ type: 'action', action: el.dataset.errorAction as ErrorAction });
      break;
  }
});

function markById(id: string): void {
  const i = indexById.get(id);
  if (i !== undefined) {
    win.invalidate(i);
    schedule();
  }
}

function persist(): void {
  persisted.expanded = [...expanded];
  persisted.scrollTop = (document.scrollingElement ?? document.documentElement).scrollTop;
  vscode.setState(persisted);
}

composer.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const text = promptBox.value.trim();
  if (!text || promptBox.disabled) return;
  post({ type: 'followUp', text });
  promptBox.value = '';
});

promptBox.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
    ev.preventDefault();
    composer.requestSubmit();
  }
});

let scrollTimer: number | undefined;
window.addEventListener('scroll', () => {
  // Layout is clean in a scroll event, so this read is cheap; the window follows the scroll position at the next frame.
  if ((document.scrollingElement ?? document.documentElement).scrollTop !== ownScrollTop) follow = nearBottom();
  schedule();
  clearTimeout(scrollTimer);
  scrollTimer = window.setTimeout(persist, 200);
});

window.addEventListener('resize', schedule);

persist();
post({ type: 'ready' });
