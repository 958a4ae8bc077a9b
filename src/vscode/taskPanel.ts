import * as vscode from 'vscode';
import type { TaskSession } from '../node/taskSession';
import { inputNotices, PanelFeed } from '../core/panelFeed';
import { parseWebviewMessage } from '../core/webviewRequest';
import type { HostMessage, WebviewMessage } from '../shared/protocol';
import type { ThreadEvent } from '../shared/threadModel';
import { panelHtml, panelResourceRoots } from './panelHtml';

/** The webview panel type, also used by the serializer. */
export const TASK_PANEL_TYPE = 'codexSessions.task';

/** What a panel asks of the rest of the extension (links, diffs, outputs, actions). */
export interface PanelHost {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  openDiff(session: TaskSession, itemId: string, change: number): Promise<void>;
  openOutput(session: TaskSession, itemId: string): Promise<void>;
  openLink(session: TaskSession, href: string): Promise<void>;
  runAction(session: TaskSession, action: string): Promise<void>;
  followUp(session: TaskSession, text: string): Promise<void>;
  player(session: TaskSession, panel: TaskPanel, action: 'play' | 'pause' | 'step' | 'speed', speed?: number): Promise<void>;
}

/** Batching interval: at most one frame of messages per animation frame. */
const FRAME_MS = 16;

/**
 * One task's webview panel. Messages are held until the page says `ready`; then the host sends the whole state and
 * streams batched updates (changed items by index, appended output). Every message from the page is validated.
 */
export class TaskPanel implements vscode.Disposable {
  private ready = false;
  private readonly feed = new PanelFeed();
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly unsubscribe: () => void;
  private disposed = false;
  /** Fired when the user closes the panel. */
  readonly onDidDispose: vscode.Event<void>;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly session: TaskSession,
    private readonly host: PanelHost,
  ) {
    const wv = panel.webview;
    wv.options = { enableScripts: true, localResourceRoots: panelResourceRoots(host.extensionUri, vscode.Uri.joinPath) };
    wv.html = panelHtml(wv, host.extensionUri, vscode.Uri.joinPath, session.id, session.title);
    panel.title = session.title;
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'codex.svg');
    this.disposables.push(wv.onDidReceiveMessage((m: unknown) => void this.receive(m)));
    this.unsubscribe = session.onEvent((e) => this.onEvent(e));
    this.onDidDispose = panel.onDidDispose;
    this.disposables.push(panel.onDidDispose(() => this.dispose()));
  }

  private onEvent(e: ThreadEvent | null): void {
    if (e) this.feed.event(e);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || !this.ready || this.disposed) return;
    this.timer = setTimeout(() => this.flush(), FRAME_MS);
  }

  /** Posts one frame of the feed (at most about 256 K characters) and schedules the next while more is queued. */
  private flush(): void {
    this.timer = undefined;
    if (this.disposed) return;
    const state = this.session.state;
    for (const m of this.feed.frame(state, { header: this.session.header(), failure: this.session.failure(), notices: inputNotices(state) })) {
      void this.panel.webview.postMessage(m);
    }
    this.panel.title = `${this.session.running ? '● ' : ''}${this.session.title}`;
    if (this.feed.busy) this.schedule();
  }

  /** Sends the whole thread again (after `ready`, or when the page was rebuilt), a frame at a time. */
  reset(): void {
    this.feed.reset();
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.ready) this.flush();
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.host.log.warn(`Rejected a malformed message from the task panel: ${parsed.error}`);
      return;
    }
    try {
      await this.handle(parsed.value);
    } catch (e) {
      this.host.log.error(`Task panel action failed: ${(e as Error).message}`);
      void vscode.window.showErrorMessage((e as Error).message);
    }
  }

  private async handle(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.reset();
        break;
      case 'stop':
        this.session.stop();
        break;
      case 'followUp':
        await this.host.followUp(this.session, m.text);
        break;
      case 'openDiff':
        await this.host.openDiff(this.session, m.itemId, m.change);
        break;
      case 'openOutput':
        await this.host.openOutput(this.session, m.itemId);
        break;
      case 'openLink':
        await this.host.openLink(this.session, m.href);
        break;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        void vscode.window.setStatusBarMessage('Copied', 1500);
        break;
      case 'action':
        await this.host.runAction(this.session, m.action);
        break;
      case 'player':
        await this.host.player(this.session, this, m.action, m.speed);
        break;
    }
  }

  reveal(): void {
    this.panel.reveal();
  }

  focusComposer(): void {
    const m: HostMessage = { type: 'focusComposer' };
    void this.panel.webview.postMessage(m);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    this.unsubscribe();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}
