import * as vscode from 'vscode';

/** URI scheme of read-only documents the extension shows (full outputs, "before" sides of diffs). */
export const DOC_SCHEME = 'codex-sessions';

/**
 * Serves read-only text documents from memory under `codex-sessions:` URIs. Content is registered before the
 * document is opened and kept (bounded) so reopening works.
 */
export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly docs = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly registration: vscode.Disposable;
  /** Most documents kept; the oldest are dropped first. */
  private static readonly MAX = 200;

  /** `scheme`: one per instance (a scheme takes one provider). */
  constructor(private readonly scheme = DOC_SCHEME) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(scheme, this);
  }

  /** Registers content and returns its URI; `name` becomes the editor title (and picks the language by extension). */
  put(key: string, name: string, content: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: this.scheme, path: `/${encodeURIComponent(key)}/${name}` });
    this.docs.delete(uri.toString());
    this.docs.set(uri.toString(), content);
    while (this.docs.size > ReadOnlyDocuments.MAX) this.docs.delete(this.docs.keys().next().value as string);
    this.emitter.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? '(This content is no longer available.)';
  }

  dispose(): void {
    this.registration.dispose();
    this.emitter.dispose();
  }
}
