/** The usage report's stacked bar chart: hand-made SVG, colours from the theme (media/usage.css), keyboard navigable. */
import { formatTokens, formatTokensExact, formatUsd } from '../../shared/usageFormat';
import { labelStride, OTHER_SLOT, type ChartMetric, type StackedChart } from '../../shared/usageChart';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** A value for an axis or a label. */
export function formatValue(v: number, metric: ChartMetric, exact = false): string {
  if (metric === 'usd') return formatUsd(v);
  return exact ? formatTokensExact(v) : formatTokens(v);
}

/** The CSS class of a series' colour. */
export function seriesClass(slot: number): string {
  return slot === OTHER_SLOT ? 'series-other' : `series-${slot % 8}`;
}

const M = { top: 12, right: 8, bottom: 26, left: 56 };

/** What a bar says to a screen reader and in its tooltip. */
export function bucketDescription(chart: StackedChart, i: number, metric: ChartMetric): string {
  const b = chart.buckets[i]!;
  const when = b.start === b.end ? b.label : `${b.start} – ${b.end}`;
  const parts = chart.series.map((s, k) => (b.values[k]! > 0 ? `${s.label} ${formatValue(b.values[k]!, metric, true)}` : null)).filter(Boolean);
  return `${when}: ${formatValue(b.total, metric, true)}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/**
 * Draws `chart` into `host` at its current width. Each bar is a focusable group (arrow keys move between bars, Home and
 * End jump) whose `<title>` and `aria-label` give the day's figures; `onFocusBar` reports the bar shown in the details.
 */
export function drawChart(host: HTMLElement, chart: StackedChart, metric: ChartMetric, onFocusBar: (i: number | null) => void): SVGSVGElement {
  const width = Math.max(320, host.clientWidth);
  const height = 240;
  const plotW = width - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'group', class: 'chart', 'aria-label': `${metric === 'usd' ? 'Cost' : 'Tokens'} per ${chart.bucket}, stacked by model` });
  root.append(svg('title', {}, `${metric === 'usd' ? 'Estimated cost' : 'Tokens'} per ${chart.bucket}`));
  const y = (v: number): number => M.top + plotH - (v / chart.scale.max) * plotH;
  const grid = svg('g', { class: 'grid', 'aria-hidden': 'true' });
  for (const t of chart.scale.ticks) {
    grid.append(svg('line', { x1: M.left, x2: width - M.right, y1: y(t), y2: y(t), class: t === 0 ? 'axis' : 'gridline' }));
    grid.append(svg('text', { x: M.left - 6, y: y(t), class: 'tick y', 'dominant-baseline': 'middle', 'text-anchor': 'end' }, formatValue(t, metric)));
  }
  root.append(grid);
  const n = chart.buckets.length;
  const pitch = plotW / Math.max(1, n);
  const barW = Math.max(1, Math.min(36, pitch * 0.72));
  const stride = labelStride(n, plotW, chart.bucket === 'month' ? 64 : 48);
  const bars = svg('g', { class: 'bars' });
  chart.buckets.forEach((b, i) => {
    const x = M.left + i * pitch + (pitch - barW) / 2;
    const desc = bucketDescription(chart, i, metric);
    const g = svg('g', { class: 'bar', tabindex: i === n - 1 ? 0 : -1, role: 'img', 'aria-label': desc, 'data-index': i, 'data-total': b.total });
    g.append(svg('title', {}, desc));
    // A transparent full-height target: thin or empty bars stay easy to hover.
    g.append(svg('rect', { x: M.left + i * pitch, y: M.top, width: pitch, height: plotH, class: 'hit' }));
    let acc = 0;
    b.values.forEach((v, k) => {
      if (!(v > 0)) return;
      const top = y(acc + v);
      const h = Math.max(0.5, y(acc) - top);
      g.append(svg('rect', { x, y: top, width: barW, height: h, class: `seg ${seriesClass(chart.series[k]!.slot)}`, 'data-series': chart.series[k]!.label, 'data-value': v }));
      acc += v;
    });
    if (i % stride === 0) bars.append(svg('text', { x: M.left + i * pitch + pitch / 2, y: height - 8, class: 'tick x', 'text-anchor': 'middle', 'aria-hidden': 'true' }, b.label));
    g.addEventListener('mouseenter', () => onFocusBar(i));
    g.addEventListener('focus', () => onFocusBar(i));
    bars.append(g);
  });
  root.addEventListener('mouseleave', () => onFocusBar(null));
  root.addEventListener('keydown', (e) => {
    const cur = (e.target as Element).closest('.bar');
    if (!cur) return;
    const i = Number(cur.getAttribute('data-index'));
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : null;
    if (next === null || next < 0 || next >= n) return;
    e.preventDefault();
    const all = root.querySelectorAll<SVGGElement>('.bar');
    all.forEach((g) => g.setAttribute('tabindex', '-1'));
    all[next]!.setAttribute('tabindex', '0');
    all[next]!.focus();
  });
  root.append(bars);
  host.replaceChildren(root);
  return root;
}
