import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

/** Folders a panel may load from: the built bundles and the media. */
export function panelResourceRoots(extensionUri: vscode.Uri, joinPath: typeof vscode.Uri.joinPath): vscode.Uri[] {
  return [joinPath(extensionUri, 'dist'), joinPath(extensionUri, 'media')];
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What differs between our pages: the stylesheet, the script bundle, the title and the body's markup. */
export interface PageParts {
  css: string;
  script: string;
  title: string;
  /** Attributes of `<body>` (already escaped). */
  bodyAttrs?: string;
  /** The static markup the script fills in (already escaped). */
  body: string;
}

/**
 * A webview page of ours: a strict CSP (`default-src 'none'`), the one script by crypto nonce from the built bundle,
 * styles and fonts only from the extension's own files, no inline handlers. Shared by the task panel and the usage
 * report.
 */
export function webviewPage(webview: vscode.Webview, extensionUri: vscode.Uri, joinPath: typeof vscode.Uri.joinPath, parts: PageParts): string {
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
<link rel="stylesheet" href="${asset('media', parts.css)}">
<title>${esc(parts.title)}</title>
</head>
<body${parts.bodyAttrs ? ` ${parts.bodyAttrs}` : ''}>
${parts.body}
<script nonce="${nonce}" src="${asset('dist', parts.script)}"></script>
</body>
</html>`;
}

/** The task panel's page (see {@link webviewPage}). */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, joinPath: typeof vscode.Uri.joinPath, taskId: string, title: string): string {
  return webviewPage(webview, extensionUri, joinPath, {
    css: 'panel.css',
    script: 'webview.js',
    title,
    bodyAttrs: `data-task-id="${esc(taskId)}"`,
    body: `<header id="header" aria-label="Task"></header>
<div id="failure"></div>
<div id="notices"></div>
<main id="thread" role="log" aria-label="Conversation" aria-live="polite"></main>
<form id="composer" aria-label="Follow-up">
  <label class="sr-only" for="prompt">Follow-up prompt</label>
  <textarea id="prompt" rows="2" placeholder="Ask a follow-up"></textarea>
  <button class="btn primary" type="submit" title="Send (Ctrl+Enter)"><span class="codicon codicon-send" aria-hidden="true"></span><span>Send</span></button>
</form>`,
  });
}
