/*
 * Browser bundle of the task panel. The panel itself arrives with the live-task work; this entry renders the
 * bootstrap state's items as plain text so the bundle and its CSP wiring can be exercised.
 */
import type { ThreadState } from '../shared/threadModel';

declare const document: Document;

function render(state: ThreadState): void {
  const root = document.getElementById('root');
  if (!root) return;
  root.textContent = '';
  for (const item of state.items) {
    const div = document.createElement('div');
    div.className = `item item-${item.type}`;
    div.textContent = 'text' in item ? item.text : item.type;
    root.appendChild(div);
  }
}

const boot = document.getElementById('bootstrap');
if (boot?.textContent) render(JSON.parse(boot.textContent) as ThreadState);
