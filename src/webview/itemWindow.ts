import { h } from './dom';

/** Threads up to this many items are all in the DOM (find in page and screen readers see everything); longer ones are windowed. */
export const ALL_UP_TO = 200;

/** What the window asks of the page about its rows. */
export interface RowSource {
  /** The nodes of item `i`: its card first, then whatever follows it (turn separators). */
  render(i: number): HTMLElement[];
  /** Item `i`'s height before it was ever shown, px. */
  estimate(i: number): number;
  /** Whether a card has more to render (a long message renders a piece at a time). */
  unfinished(card: HTMLElement): boolean;
  /** Renders the next piece of an unfinished card. */
  renderMore(card: HTMLElement): void;
}

/**
 * Keeps only the items in and near the viewport in the DOM; the items above and below are two spacers as tall as
 * those items were when last shown (estimated until first shown). With 10,000 items the page then styles, lays out
 * and paints a few dozen cards per frame instead of all of them, and a replay shows its end at once.
 */
export class ItemWindow {
  private readonly heights: number[] = [];
  /** Rendered items: the card and the turn separators after it. */
  private readonly rows = new Map<number, HTMLElement[]>();
  /** Rendered items whose data changed since. */
  private readonly stale = new Set<number>();
  private readonly topSpacer = h('div', { class: 'spacer', attrs: { 'aria-hidden': 'true' } });
  private readonly bottomSpacer = h('div', { class: 'spacer', attrs: { 'aria-hidden': 'true' } });
  private count = 0;
  /** Items of the wanted window that are not rendered, or not up to date, after the last update. */
  pending = 0;

  constructor(
    container: HTMLElement,
    private readonly rowOf: RowSource,
  ) {
    container.append(this.topSpacer, this.bottomSpacer);
  }

  clear(): void {
    for (const nodes of this.rows.values()) for (const n of nodes) n.remove();
    this.rows.clear();
    this.stale.clear();
    this.heights.length = 0;
    this.count = 0;
  }

  /** Item `i` was added or changed. */
  invalidate(i: number): void {
    while (this.count <= i) this.heights[this.count++] = NaN;
    if (this.rows.has(i)) this.stale.add(i);
    else this.heights[i] = NaN; // estimated at the next update, once however many messages changed it
  }

  /**
   * Brings the DOM in line with the viewport: the last screens when `stick` (following the end), else the screens
   * around the scroll position, one screen of overscan either way. Renders for at most `budgetMs` (always one item),
   * nearest the visible part first; what is left is counted in {@link pending}.
   */
  update(budgetMs: number, stick: boolean, viewTop: number, viewHeight: number): void {
    const start = performance.now();
    if (this.count === 0) {
      this.pending = 0;
      this.topSpacer.style.height = this.bottomSpacer.style.height = '0px';
      return;
    }
    const top = new Float64Array(this.count + 1);
    for (let i = 0; i < this.count; i++) {
      let height = this.heights[i] ?? 0;
      if (Number.isNaN(height)) height = this.heights[i] = this.rowOf.estimate(i);
      top[i + 1] = (top[i] ?? 0) + height;
    }
    const total = top[this.count] ?? 0;
    const at = (y: number): number => { // first item whose bottom is below y
      let lo = 0;
      for (let hi = this.count; lo < hi;) {
        const mid = (lo + hi) >> 1;
        if ((top[mid + 1] ?? 0) <= y) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const y = stick ? Math.max(0, total - viewHeight) : viewTop;
    const all = this.count <= ALL_UP_TO;
    const lo = all ? 0 : at(y - viewHeight);
    const hi = all ? this.count : Math.min(this.count, at(y + 2 * viewHeight) + 1);
    const anchor = stick ? hi - 1 : Math.min(hi - 1, at(y));
    for (const i of [...this.rows.keys()]) if (i < lo || i >= hi) this.drop(i);

    let built = 0;
    const build = (i: number): boolean => {
      const have = this.rows.has(i);
      if (have && !this.stale.has(i)) return true;
      if (built > 0 && performance.now() - start > budgetMs) return have; // a stale row holds its place; a missing one ends the run
      this.place(i, this.rowOf.render(i));
      this.stale.delete(i);
      built++;
      return true;
    };
    // From the anchor outwards, so the rendered rows stay one contiguous run.
    let b = anchor;
    while (b >= 0 && b < hi && build(b)) b++;
    let a = anchor - 1;
    while (a >= lo && build(a)) a--;
    a++;
    for (const i of [...this.rows.keys()]) if (i < a || i >= b) this.drop(i);
    // Long messages: a piece at a time while there is time (one per frame at least, when nothing else was built).
    let unfinished = 0;
    for (const [, nodes] of this.rows) {
      const card = nodes[0];
      while (card && this.rowOf.unfinished(card) && (built === 0 || performance.now() - start <= budgetMs)) {
        this.rowOf.renderMore(card);
        built++;
      }
      if (card && this.rowOf.unfinished(card)) unfinished++;
    }
    this.pending = (a - lo) + (hi - b) + this.stale.size + unfinished;

    // Measure what is shown (one layout of a small DOM), then size the spacers from the heights.
    let next = this.bottomSpacer.offsetTop;
    for (let i = b - 1; i >= a; i--) {
      const first = this.rows.get(i)?.[0];
      if (!first) continue;
      const t = first.offsetTop;
      this.heights[i] = next - t;
      next = t;
    }
    let above = 0;
    for (let i = 0; i < a; i++) above += this.heights[i] ?? 0;
    let below = 0;
    for (let i = b; i < this.count; i++) below += this.heights[i] ?? 0;
    this.topSpacer.style.height = `${above}px`;
    this.bottomSpacer.style.height = `${below}px`;
  }

  /** Where the first item starts, in document coordinates. */
  offsetTop(): number {
    return this.topSpacer.offsetTop;
  }

  private drop(i: number): void {
    for (const n of this.rows.get(i) ?? []) n.remove();
    this.rows.delete(i);
    this.stale.delete(i);
  }

  /** Puts the nodes of item `i` in place: instead of its old nodes, or next to a neighbour (rows form one run). */
  private place(i: number, nodes: HTMLElement[]): void {
    const old = this.rows.get(i);
    const after = this.rows.get(i - 1);
    let next: Element | undefined = old?.[0] ?? this.rows.get(i + 1)?.[0];
    if (!next && after?.length) after[after.length - 1]!.after(...nodes);
    else {
      if (!next) {
        let j = Infinity;
        for (const k of this.rows.keys()) if (k > i && k < j) j = k;
        next = this.rows.get(j)?.[0] ?? this.bottomSpacer;
      }
      next.before(...nodes);
    }
    for (const n of old ?? []) n.remove();
    this.rows.set(i, nodes);
  }
}
