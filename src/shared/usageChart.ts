/*
 * The arithmetic of the usage report's chart, kept apart from the DOM so it is unit-tested: days of a range, buckets
 * (day, week or month so a long history stays readable), stacks by model with the small ones folded into "Other",
 * and a "nice" value axis.
 */

/** One figure of one model on one local day, as the host sends it. */
export interface ChartCell {
  /** Local date, `YYYY-MM-DD`. */
  day: string;
  /** The model; null when the session never recorded it. */
  model: string | null;
  tokens: number;
  /** USD; null when the model has no price. */
  usd: number | null;
}

/** What the chart plots. */
export type ChartMetric = 'tokens' | 'usd';

/** How many days one bar covers. */
export type BucketSize = 'day' | 'week' | 'month';

/** A bar: its first day, its label, and one value per series (same order as {@link StackedChart.series}). */
export interface ChartBucket {
  start: string;
  end: string;
  label: string;
  values: number[];
  total: number;
}

/** A series of the stack: a model (or the small ones together), with its colour slot 0… and its total. */
export interface ChartSeries {
  key: string;
  label: string;
  /** Index into the palette; the "Other" series has {@link OTHER_SLOT}. */
  slot: number;
  total: number;
}

/** Everything the chart draws. */
export interface StackedChart {
  bucket: BucketSize;
  buckets: ChartBucket[];
  series: ChartSeries[];
  scale: Scale;
}

/** Palette slot of the folded "Other" series. */
export const OTHER_SLOT = -1;
/** Series drawn separately at most; the rest are "Other". */
export const MAX_SERIES = 6;
/** Bars per chart at most before days become weeks (and weeks months). */
export const MAX_BARS = 120;
const UNKNOWN_MODEL = 'unknown model';

const MS_DAY = 86_400_000;

/** `YYYY-MM-DD` → ms at UTC midnight (calendar arithmetic without time zones or DST). */
function dayMs(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `day` plus `n` calendar days. */
export function addDays(day: string, n: number): string {
  return dayOf(dayMs(day) + n * MS_DAY);
}

/** Every day from `from` to `to`, both included (empty when `from` is after `to`). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = dayMs(from), end = dayMs(to); t <= end; t += MS_DAY) out.push(dayOf(t));
  return out;
}

/** The bucket size that keeps `days` days within {@link MAX_BARS} bars. */
export function bucketSizeFor(days: number): BucketSize {
  if (days <= MAX_BARS) return 'day';
  if (days <= MAX_BARS * 7) return 'week';
  return 'month';
}

/** The first day of the bucket holding `day`: itself, the Monday of its week, or the 1st of its month. */
export function bucketStart(day: string, size: BucketSize): string {
  if (size === 'day') return day;
  if (size === 'month') return `${day.slice(0, 7)}-01`;
  const weekday = (new Date(dayMs(day)).getUTCDay() + 6) % 7; // Monday 0
  return addDays(day, -weekday);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A short label: "Nov 21", or "Nov 2026" for a month. */
export function dayLabel(day: string, size: BucketSize = 'day'): string {
  const m = MONTHS[Number(day.slice(5, 7)) - 1] ?? day.slice(5, 7);
  return size === 'month' ? `${m} ${day.slice(0, 4)}` : `${m} ${Number(day.slice(8, 10))}`;
}

/** A value axis from 0: a round maximum ≥ `max` and evenly spaced ticks (1, 2, 2.5 or 5 × a power of ten). */
export interface Scale {
  max: number;
  ticks: number[];
}

/** A nice axis for values up to `max`, with at most `maxTicks` intervals. An empty chart gets 0…1. */
export function niceScale(max: number, maxTicks = 4): Scale {
  if (!(max > 0) || !Number.isFinite(max)) return { max: 1, ticks: [0, 1] };
  const rough = max / maxTicks;
  const pow = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= rough - 1e-12 * pow)!;
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; i * step <= top + step / 1e6; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { max: ticks[ticks.length - 1]!, ticks };
}

/**
 * Buckets `cells` over the days `from`…`to` and stacks them by model for `metric`. Models are ordered by their total
 * (largest at the bottom of each bar); beyond {@link MAX_SERIES} the smallest fold into "Other". Cells outside the
 * range are ignored; unpriced cells add nothing to a cost chart (the page says cost is incomplete).
 */
export function stackByModel(cells: readonly ChartCell[], from: string, to: string, metric: ChartMetric, maxSeries = MAX_SERIES): StackedChart {
  const days = daysBetween(from, to);
  const bucket = bucketSizeFor(days.length);
  const starts: string[] = [];
  const indexOfStart = new Map<string, number>();
  for (const d of days) {
    const s = bucketStart(d, bucket);
    if (!indexOfStart.has(s)) {
      indexOfStart.set(s, starts.length);
      starts.push(s);
    }
  }
  const totals = new Map<string, number>();
  const keyOf = (c: ChartCell): string => c.model ?? '';
  const valueOf = (c: ChartCell): number => (metric === 'tokens' ? c.tokens : (c.usd ?? 0));
  for (const c of cells) {
    if (c.day < from || c.day > to) continue;
    totals.set(keyOf(c), (totals.get(keyOf(c)) ?? 0) + valueOf(c));
  }
  const ordered = [...totals].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const own = ordered.length > maxSeries ? ordered.slice(0, maxSeries - 1) : ordered;
  const series: ChartSeries[] = own.map(([key, total], slot) => ({ key, label: key || UNKNOWN_MODEL, slot, total }));
  const seriesIndex = new Map(series.map((s, i) => [s.key, i]));
  if (own.length < ordered.length) {
    const rest = ordered.slice(own.length);
    series.push({ key: '\u0000other', label: `Other (${rest.length} models)`, slot: OTHER_SLOT, total: rest.reduce((a, [, v]) => a + v, 0) });
  }
  const buckets: ChartBucket[] = starts.map((start, i) => ({
    start,
    end: i + 1 < starts.length ? addDays(starts[i + 1]!, -1) : to,
    label: dayLabel(start, bucket),
    values: new Array<number>(series.length).fill(0),
    total: 0,
  }));
  for (const c of cells) {
    if (c.day < from || c.day > to) continue;
    const v = valueOf(c);
    if (!(v > 0)) continue;
    const b = buckets[indexOfStart.get(bucketStart(c.day, bucket))!]!;
    const si = seriesIndex.get(keyOf(c)) ?? series.length - 1;
    b.values[si]! += v;
    b.total += v;
  }
  return { bucket, buckets, series, scale: niceScale(Math.max(0, ...buckets.map((b) => b.total))) };
}

/**
 * Gives each model the colour it had before (`remembered`, model key → slot, updated in place), so switching the range
 * or the metric does not repaint gpt-5 in another colour. New models take the lowest slot no series of this chart
 * holds; beyond the palette they share the "Other" colour.
 */
export function assignSlots(series: readonly ChartSeries[], remembered: Map<string, number>, paletteSize = MAX_SERIES): ChartSeries[] {
  const out = series.map((s) => ({ ...s }));
  const used = new Set<number>();
  const pending: ChartSeries[] = [];
  for (const s of out) {
    if (s.slot === OTHER_SLOT) continue;
    const r = remembered.get(s.key);
    if (r !== undefined && r < paletteSize && !used.has(r)) {
      s.slot = r;
      used.add(r);
    } else pending.push(s);
  }
  const reserved = new Set(remembered.values());
  for (const s of pending) {
    // A slot no other model has had first, so models absent from this chart keep theirs for later.
    let slot = -1;
    for (let i = 0; i < paletteSize && slot < 0; i++) if (!used.has(i) && !reserved.has(i)) slot = i;
    for (let i = 0; i < paletteSize && slot < 0; i++) if (!used.has(i)) slot = i;
    if (slot < 0) {
      s.slot = OTHER_SLOT;
      continue;
    }
    s.slot = slot;
    used.add(slot);
    remembered.set(s.key, slot);
  }
  return out;
}

/** Every how many bars an axis label fits, given the bar pitch and the width a label needs (px). */
export function labelStride(bars: number, plotWidth: number, labelWidth = 48): number {
  if (bars <= 0) return 1;
  const pitch = plotWidth / bars;
  return Math.max(1, Math.ceil(labelWidth / Math.max(pitch, 1e-6)));
}
