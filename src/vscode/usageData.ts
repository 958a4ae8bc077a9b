import * as vscode from 'vscode';
import { isUnder } from '../core/pathCompare';
import { parsePricingOverrides, type PricingOverrides } from '../core/pricing';
import { PathCanonicalizer, platformPathOptions } from '../node/pathIdentity';
import type { SessionInfo } from '../node/sessionFiles';
import type { IndexProgress, SessionIndex } from '../node/sessionIndex';

/**
 * The usage side of the session index the history tree uses: one refresh at a time with usage (new and changed files
 * read whole, the rest from the cache), its progress for whoever listens, the workspace filter and the price setting.
 */
export class UsageData implements vscode.Disposable {
  private running: Promise<void> | null = null;
  private readonly progressEmitter = new vscode.EventEmitter<IndexProgress>();
  private readonly refreshedEmitter = new vscode.EventEmitter<void>();
  /** Progress of the refresh under way (every 64 files). */
  readonly onProgress = this.progressEmitter.event;
  /** A refresh finished: `index.sessions()` carry current usage. */
  readonly onDidRefresh = this.refreshedEmitter.event;
  /** The last progress of the refresh under way; null when none runs. */
  progress: IndexProgress | null = null;
  /** Whether a refresh has completed since activation (the index is warm). */
  ready = false;
  private readonly canon = new PathCanonicalizer();

  constructor(
    readonly index: SessionIndex,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Brings every session's usage up to date; joins the refresh under way if there is one. */
  refresh(): Promise<void> {
    this.running ??= (async () => {
      const started = Date.now();
      this.progress = { done: 0, total: 0, read: 0 };
      try {
        await this.index.refresh({ usage: true, onProgress: (p) => this.progressEmitter.fire((this.progress = p)) });
        this.ready = true;
        const p = this.progress;
        this.log.info(`Usage: ${p?.total ?? 0} sessions, ${p?.usageRead ?? 0} read for usage, in ${Date.now() - started} ms.`);
        await this.index.save().catch((e: Error) => this.log.warn(`Could not save the session index: ${e.message}`));
      } finally {
        this.progress = null;
        this.running = null;
        this.refreshedEmitter.fire();
      }
    })();
    return this.running;
  }

  /** The user's prices (`codexSessions.pricing`); invalid entries are left out and logged. */
  pricing(): PricingOverrides {
    const parsed = parsePricingOverrides(vscode.workspace.getConfiguration('codexSessions').get('pricing'));
    if (!parsed.ok) this.log.warn(`codexSessions.pricing: ${parsed.error}`);
    return parsed.value;
  }

  /** Whether the window has folders to filter by. */
  get hasWorkspace(): boolean {
    return (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
  }

  /**
   * The sessions started in one of this window's folders or below (symlinks, case and trailing slashes compared as the
   * history tree does). Without folders: none.
   */
  async inWorkspace(sessions: readonly SessionInfo[]): Promise<SessionInfo[]> {
    const opts = platformPathOptions();
    const folders = await Promise.all((vscode.workspace.workspaceFolders ?? []).map((f) => this.canon.canonical(f.uri.fsPath)));
    if (!folders.length) return [];
    const out: SessionInfo[] = [];
    for (const s of sessions) {
      if (!s.cwd) continue;
      const cwd = await this.canon.canonical(s.cwd);
      if (folders.some((f) => isUnder(cwd, f, opts))) out.push(s);
    }
    return out;
  }

  dispose(): void {
    this.progressEmitter.dispose();
    this.refreshedEmitter.dispose();
  }
}
