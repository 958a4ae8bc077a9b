/*
 * The usage report page: totals, a stacked chart per day (or week, month) by model, the models, and the top sessions
 * by cost and by tokens. It renders what the host sends (partial snapshots while a cold index fills) and asks for
 * another range or scope; the host computes everything.
 */
import { assignSlots, stackByModel, type ChartMetric, type StackedChart } from '../../shared/usageChart';
import { formatTokens, formatTokensExact, formatUsd } from '../../shared/usageFormat';
import type { UsageHostMessage, UsagePersistedState, UsageProgress, UsageSessionRow, UsageView, UsageWebviewMessage } from '../../shared/usageProtocol';
import { h, icon } from '../dom';
import { bucketDescription, drawChart, seriesClass } from './chart';

interface VsCodeApi {
  postMessage(msg: UsageWebviewMessage): void;
  getState(): UsagePersistedState | undefined;
  setState(s: UsagePersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const state: UsagePersistedState = { range: '30', scope: 'workspace', metric: 'tokens', ...vscode.getState() };
let view: UsageView | null = null;
let chart: StackedChart | null = null;
let progress: UsageProgress | null = null;
/** Model → colour slot, kept while the page lives so a model keeps its colour across ranges and metrics. */
const slots = new Map<string, number>();

const $ = (id: string): HTMLElement => document.getElementById(id)!;

function save(): void {
  vscode.setState(state);
}

function query(): void {
  save();
  syncControls();
  vscode.postMessage({ type: 'query', range: state.range, scope: state.scope });
}

/** Segmented controls: radio groups of buttons with aria-pressed. */
function syncControls(): void {
  document.querySelectorAll<HTMLButtonElement>('[data-group]').forEach((b) => {
    const group = b.dataset.group as keyof UsagePersistedState;
    b.setAttribute('aria-pressed', String(state[group] === b.dataset.value));
  });
  const ws = document.querySelector<HTMLButtonElement>('[data-group="scope"][data-value="workspace"]');
  if (ws && view) ws.disabled = !view.hasWorkspace;
}

document.addEventListener('click', (e) => {
  const t = (e.target as Element).closest<HTMLElement>('[data-group], [data-open], [data-action]');
  if (!t) return;
  if (t.dataset.group) {
    const group = t.dataset.group as 'range' | 'scope' | 'metric';
    const value = t.dataset.value!;
    if (state[group] === value) return;
    (state as unknown as Record<string, string>)[group] = value;
    if (group === 'metric') {
      save();
      syncControls();
      renderChart();
    } else query();
  } else if (t.dataset.open) vscode.postMessage({ type: 'openSession', path: t.dataset.open });
  else if (t.dataset.action === 'refresh') vscode.postMessage({ type: 'refresh' });
});

function card(label: string, value: string, detail: string, id: string): HTMLElement {
  return h('div', { class: 'card', attrs: { id } }, h('div', { class: 'card-label' }, label), h('div', { class: 'card-value' }, value), h('div', { class: 'card-detail' }, detail));
}

function costOf(usd: number, complete: boolean): string {
  if (complete) return formatUsd(usd);
  return usd > 0 ? `${formatUsd(usd)}+` : 'cost unknown';
}

function renderTotals(v: UsageView): void {
  const t = v.totals;
  const tokens = card('Tokens', formatTokens(t.tokens), `${formatTokensExact(t.input_tokens)} in (${formatTokensExact(t.cached_input_tokens)} cached) · ${formatTokensExact(t.output_tokens)} out (${formatTokensExact(t.reasoning_output_tokens)} reasoning)`, 'total-tokens');
  tokens.dataset.value = String(t.tokens);
  const cost = card('Estimated cost', costOf(t.usd, t.cost_complete), t.cost_complete ? 'API-equivalent estimate' : `API-equivalent estimate; ${t.unpriced.length} model(s) without a price`, 'total-cost');
  cost.dataset.value = String(t.usd);
  const sessions = card('Sessions', String(t.sessions), t.sessions_without_usage ? `${t.sessions_without_usage} more without token records` : `${v.from === v.to ? v.to : `${v.from} – ${v.to}`}`, 'total-sessions');
  sessions.dataset.value = String(t.sessions);
  $('totals').replaceChildren(tokens, cost, sessions);
}

function renderLegend(c: StackedChart): void {
  const metric = state.metric;
  $('legend').replaceChildren(
    ...c.series.map((s) => h('li', {}, h('span', { class: `swatch ${seriesClass(s.slot)}`, attrs: { 'aria-hidden': 'true' } }), h('span', { class: 'legend-label' }, s.label), h('span', { class: 'legend-value' }, metric === 'usd' ? formatUsd(s.total) : formatTokens(s.total)))),
  );
}

function showDetail(i: number | null): void {
  const el = $('detail');
  if (!chart || !chart.buckets.length) return void (el.textContent = '');
  const idx = i ?? chart.buckets.length - 1;
  el.textContent = bucketDescription(chart, idx, state.metric);
}

function renderChart(): void {
  const host = $('chart');
  if (!view) return;
  const metric: ChartMetric = state.metric;
  const stacked = stackByModel(view.cells, view.from, view.to, metric);
  chart = { ...stacked, series: assignSlots(stacked.series, slots) };
  const empty = chart.buckets.every((b) => b.total === 0);
  $('chart-empty').hidden = !empty;
  drawChart(host, chart, metric, showDetail);
  renderLegend(chart);
  showDetail(null);
  const unpricedNote = $('chart-note');
  unpricedNote.textContent = metric === 'usd' && !view.totals.cost_complete ? 'Tokens without a price are not in the cost chart.' : '';
}

function sessionTable(rows: UsageSessionRow[], key: 'usd' | 'tokens'): HTMLElement {
  if (!rows.length) return h('p', { class: 'muted' }, key === 'usd' ? 'No priced sessions in this period.' : 'No sessions with token records in this period.');
  const body = rows.map((r) =>
    h(
      'tr',
      {},
      h('td', { class: 'title-cell' }, h('button', { class: 'link', attrs: { type: 'button', 'data-open': r.path, title: `Open this session (${r.id})` } }, r.title ?? `Session ${r.id.slice(0, 8)}`), h('div', { class: 'muted small' }, [r.started_at?.slice(0, 16).replace('T', ' '), r.cwd?.split(/[\\/]/).pop(), r.models.join(', ')].filter(Boolean).join(' · '))),
      h('td', { class: 'num' }, formatTokens(r.tokens)),
      h('td', { class: 'num' }, r.usd === null ? 'cost unknown' : formatUsd(r.usd)),
    ),
  );
  return h('table', { class: 'sessions' }, h('thead', {}, h('tr', {}, h('th', { attrs: { scope: 'col' } }, 'Session'), h('th', { class: 'num', attrs: { scope: 'col' } }, 'Tokens'), h('th', { class: 'num', attrs: { scope: 'col' } }, 'Cost'))), h('tbody', {}, ...body));
}

function renderModels(v: UsageView): void {
  if (!v.models.length) return void $('models').replaceChildren(h('p', { class: 'muted' }, 'No usage in this period.'));
  const rows = v.models.map((m) => h('tr', {}, h('td', {}, m.model ?? 'not recorded'), h('td', { class: 'num' }, formatTokens(m.tokens)), h('td', { class: 'num' }, m.usd === null ? 'cost unknown' : formatUsd(m.usd))));
  $('models').replaceChildren(h('table', { class: 'sessions' }, h('thead', {}, h('tr', {}, h('th', { attrs: { scope: 'col' } }, 'Model'), h('th', { class: 'num', attrs: { scope: 'col' } }, 'Tokens'), h('th', { class: 'num', attrs: { scope: 'col' } }, 'Cost'))), h('tbody', {}, ...rows)));
}

function renderProgress(): void {
  const el = $('progress');
  el.hidden = !progress;
  if (!progress) return;
  const pct = progress.total ? Math.floor((progress.done / progress.total) * 100) : 0;
  el.replaceChildren(icon('loading', 'codicon-modifier-spin'), h('span', {}, ` Reading sessions… ${progress.done} of ${progress.total} (${pct}%)`));
  el.setAttribute('aria-valuenow', String(pct));
}

function render(): void {
  renderProgress();
  if (!view) return;
  document.body.classList.toggle('loading', !!progress);
  renderTotals(view);
  renderChart();
  renderModels(view);
  $('top-cost').replaceChildren(sessionTable(view.topByCost, 'usd'));
  $('top-tokens').replaceChildren(sessionTable(view.topByTokens, 'tokens'));
  const notes = [view.costBasis + '.', `Prices checked ${view.pricesChecked}.`];
  $('basis').replaceChildren(...notes.map((n) => h('span', {}, n, ' ')), ...view.totals.unpriced.map((u) => h('div', { class: 'hint' }, icon('info'), ` ${u.hint}`)));
  syncControls();
}

window.addEventListener('message', (e: MessageEvent<UsageHostMessage>) => {
  const m = e.data;
  if (m.type === 'report') {
    view = m.view;
    progress = m.progress;
    state.range = m.view.range;
    state.scope = m.view.scope;
    save();
    render();
  } else if (m.type === 'progress') {
    progress = m.progress;
    renderProgress();
  } else if (m.type === 'error') {
    $('error').hidden = false;
    $('error').textContent = m.message;
  }
});

let resizeTimer: number | undefined;
new ResizeObserver(() => {
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => chart && renderChart(), 60);
}).observe($('chart'));

syncControls();
vscode.postMessage({ type: 'ready', range: state.range, scope: state.scope });
