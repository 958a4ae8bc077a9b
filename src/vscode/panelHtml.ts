import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

/** Folders a panel may load from: the built bundles and the media. */
export function panelResourceRoots(extensionUri: vscode.Uri, joinPath: typeof vscode.Uri.joinPath): vscode.Uri[] {
  return [joinPath(extensionUri, 'dist'), joinPath(extensionUri, 'media')];
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The task panel's page: a strict CSP (`default-src 'none'`), the one script by crypto nonce from the built bundle,
 * styles and fonts only from the extension's own files, no inline handlers.
 */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, joinPath: typeof vscode.Uri.joinPath, taskId: string, title: string): string {
  const nonce = randomBytes(18).toString('base64');
  const asset = (...p: string[]): string => webview.asWebviewUri(joinPath(extensionUri, ...p)).toString();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${asset('dist', 'codicon.css')}">
<link rel="stylesheet" href="${asset('media', 'panel.css')}">
<title>${esc(title)}</title>
</head>
<body data-task-id="${esc(taskId)}">
<header id="header" aria-label="Task"></header>
<div id="failure"></div>
<div id="notices"></div>
<main id="thread" role="log" aria-label="Conversation" aria-live="polite"></main>
<form id="composer" aria-label="Follow-up">
  <label class="sr-only" for="prompt">Follow-up prompt</label>
  <textarea id="prompt" rows="2" placeholder="Ask a follow-up"></textarea>
  <button class="btn primary" type="submit" title="Send (Ctrl+Enter)"><span class="codicon codicon-send" aria-hidden="true"></span><span>Send</span></button>
</form>
<script nonce="${nonce}" src="${asset('dist', 'webview.js')}"></script>
</body>
</html>`;
}
