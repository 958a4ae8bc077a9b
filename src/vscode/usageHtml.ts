import type * as vscode from 'vscode';
import { webviewPage } from './panelHtml';

const seg = (group: string, value: string, label: string): string => `<button type="button" class="seg-btn" data-group="${group}" data-value="${value}" aria-pressed="false">${label}</button>`;

/**
 * The usage report's page (the same strict page as the task panel's, see `webviewPage`): the static frame of the
 * report; `dist/usage.js` fills it in.
 */
export function usageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, joinPath: typeof vscode.Uri.joinPath): string {
  return webviewPage(webview, extensionUri, joinPath, {
    css: 'usage.css',
    script: 'usage.js',
    title: 'Codex Usage',
    body: `<header class="top">
  <h1>Codex usage</h1>
  <div class="controls">
    <div class="segmented" role="group" aria-label="Period">${seg('range', '30', '30 days')}${seg('range', '90', '90 days')}${seg('range', 'all', 'All')}</div>
    <div class="segmented" role="group" aria-label="Sessions">${seg('scope', 'workspace', 'This workspace')}${seg('scope', 'all', 'All workspaces')}</div>
    <button type="button" class="icon-btn" data-action="refresh" title="Read the history again" aria-label="Refresh"><span class="codicon codicon-refresh" aria-hidden="true"></span></button>
  </div>
</header>
<div id="progress" class="progress" role="status" aria-live="polite" hidden></div>
<div id="error" class="error" role="alert" hidden></div>
<section id="totals" class="totals" aria-label="Totals"></section>
<section class="panel" aria-labelledby="chart-heading">
  <div class="panel-head">
    <h2 id="chart-heading">Per day, by model</h2>
    <div class="segmented small" role="group" aria-label="Chart shows">${seg('metric', 'tokens', 'Tokens')}${seg('metric', 'usd', 'Cost')}</div>
  </div>
  <div id="chart" class="chart-host"></div>
  <p id="chart-empty" class="empty" hidden>No token usage in this period.</p>
  <div id="detail" class="detail" aria-live="polite"></div>
  <ul id="legend" class="legend" aria-label="Models"></ul>
  <p id="chart-note" class="muted small"></p>
</section>
<div class="columns">
  <section class="panel" aria-labelledby="cost-heading"><h2 id="cost-heading">Top sessions by cost</h2><div id="top-cost"></div></section>
  <section class="panel" aria-labelledby="tokens-heading"><h2 id="tokens-heading">Top sessions by tokens</h2><div id="top-tokens"></div></section>
</div>
<section class="panel" aria-labelledby="models-heading"><h2 id="models-heading">Models</h2><div id="models"></div></section>
<footer id="basis" class="basis muted small"></footer>`,
  });
}
