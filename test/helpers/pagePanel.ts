import { inputNotices, PanelFeed } from '../../src/core/panelFeed';
import type { TaskSession } from '../../src/node/taskSession';
import type { PanelPage } from './webviewPage';

/** Polls until `check` is true or `ms` passes. */
async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  return check();
}

/**
 * A task's panel without VS Code: the same PanelFeed the TaskPanel uses, posting frames into a real panel page in
 * Chromium as the session's events arrive.
 */
export class PagePanel {
  private timer: NodeJS.Timeout | undefined;
  private posting = Promise.resolve();
  readonly feed = new PanelFeed();
  /** Everything posted to the page, as JSON (scanned for secrets). */
  readonly posted: string[] = [];

  constructor(readonly session: TaskSession, readonly page: PanelPage) {
    this.feed.reset();
    session.onEvent((e) => {
      if (e) this.feed.event(e);
      this.schedule();
    });
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const s = this.session.state;
      const frame = this.feed.frame(s, { header: this.session.header(), failure: this.session.failure(), notices: inputNotices(s) });
      this.posting = this.posting.then(async () => {
        for (const m of frame) {
          this.posted.push(JSON.stringify(m));
          await this.page.post(m);
        }
      });
      if (this.feed.busy) this.schedule();
    }, 16);
  }

  /** Sends whatever is left and waits until the page has posted it. */
  async settle(): Promise<void> {
    this.schedule();
    await until(() => !this.feed.busy && this.timer === undefined, 20_000);
    await this.posting;
  }
}

