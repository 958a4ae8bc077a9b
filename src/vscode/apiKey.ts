import * as vscode from 'vscode';
import { secretValuesOf } from '../core/redact';
import { readSettings } from './settings';

/** The SecretStorage entry of the API key ("Use an API Key…"). */
const SECRET_ID = 'codexSessions.apiKey';

/**
 * The API key the user gave this extension. It lives only in VS Code's SecretStorage (the OS keychain, or the
 * remote's encrypted store) and in memory; it reaches codex only through the environment of a task's codex process
 * ({@link ApiKeyStore.envFor}), never settings, files or logs. {@link ApiKeyStore.knownSecrets} feeds the log's
 * redaction, so the key is masked even if some output echoed it.
 */
export class ApiKeyStore implements vscode.Disposable {
  private cached: Promise<string | undefined> | undefined;
  /** The key once read, for synchronous redaction. */
  private current: string | undefined;
  private envSecrets: string[] | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fired when the key was stored or removed (in this window or another). */
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscriptions = [
      secrets.onDidChange((e) => {
        if (e.key !== SECRET_ID) return;
        this.cached = undefined;
        void this.get().then(() => this.emitter.fire());
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('codexSessions.env')) this.envSecrets = undefined;
      }),
    ];
  }

  /** The stored key, read once from SecretStorage. */
  get(): Promise<string | undefined> {
    this.cached ??= Promise.resolve(this.secrets.get(SECRET_ID)).then(
      (k) => (this.current = k || undefined),
      () => (this.current = undefined),
    );
    return this.cached;
  }

  async set(key: string): Promise<void> {
    this.current = key;
    this.cached = Promise.resolve(key);
    await this.secrets.store(SECRET_ID, key);
  }

  async forget(): Promise<void> {
    this.current = undefined;
    this.cached = Promise.resolve(undefined);
    await this.secrets.delete(SECRET_ID);
  }

  /**
   * Variables to add to a codex run: `CODEX_API_KEY` (what 0.169's OpenAI provider and `requires_openai_auth`
   * providers send) and `OPENAI_API_KEY` (what CLIs before `CODEX_API_KEY` existed read), each only when the run's
   * environment does not set it already, so an explicit variable keeps winning as `detectAuth` reports it.
   */
  async envFor(runEnv: Readonly<Record<string, string | undefined>>): Promise<Record<string, string>> {
    const key = await this.get();
    if (!key) return {};
    const out: Record<string, string> = {};
    for (const name of ['CODEX_API_KEY', 'OPENAI_API_KEY']) if (!runEnv[name]?.trim()) out[name] = key;
    return out;
  }

  /** Values the log must never show: the stored key and secret-looking values of `codexSessions.env`. */
  knownSecrets(): string[] {
    this.envSecrets ??= secretValuesOf(readSettings().env);
    return this.current ? [this.current, ...this.envSecrets] : this.envSecrets;
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.emitter.dispose();
  }
}
