/** A group of the history tree: Today, Yesterday, This week, then one per month. */
export interface TimeGroup {
  key: string;
  label: string;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The group a session started at `ms` belongs to, seen from `now` (local time). */
export function timeGroupOf(ms: number, now: number): TimeGroup {
  const today = startOfDay(now);
  const day = 24 * 3600 * 1000;
  if (ms >= today) return { key: 'today', label: 'Today' };
  if (ms >= today - day) return { key: 'yesterday', label: 'Yesterday' };
  if (ms >= today - 6 * day) return { key: 'week', label: 'This week' };
  const d = new Date(ms);
  return { key: `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`, label: `${MONTHS[d.getMonth()]} ${d.getFullYear()}` };
}

/** The items of one time group, and whether the tree shows it expanded at first. */
export interface TimeGroupOf<T> extends TimeGroup {
  items: T[];
  /** Today, Yesterday, and the group of the newest item: the latest sessions are in view whatever their date. */
  open: boolean;
}

/** `items` in their time groups, seen from `now`; groups in the order their first items come. */
export function groupByTime<T>(items: Iterable<T>, timeOf: (item: T) => number, now: number): TimeGroupOf<T>[] {
  const groups = new Map<string, TimeGroupOf<T>>();
  let newest: { t: number; key: string } | null = null;
  for (const item of items) {
    const t = timeOf(item);
    const g = timeGroupOf(t, now);
    let group = groups.get(g.key);
    if (!group) groups.set(g.key, (group = { ...g, items: [], open: g.key === 'today' || g.key === 'yesterday' }));
    group.items.push(item);
    if (!Number.isNaN(t) && (newest === null || t > newest.t)) newest = { t, key: g.key };
  }
  // (Items without a time: the first group.)
  const openKey = newest?.key ?? groups.keys().next().value;
  if (openKey !== undefined) groups.get(openKey)!.open = true;
  return [...groups.values()];
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", or the date. */
export function relativeTime(ms: number, now: number): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 7 * 86400) return `${Math.floor(s / 86400)} day${s < 2 * 86400 ? '' : 's'} ago`;
  return new Date(ms).toISOString().slice(0, 10);
}
