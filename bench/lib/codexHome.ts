import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { RACY_MS } from '../../src/node/historyListing';
import { outputPools, prng } from './execStream';
import { inflatedRepeat, poolText, render, type Pattern, type RolloutTemplate, type SlotValues } from './rolloutTemplates';

/*
 * A synthetic CODEX_HOME of many sessions made from corpus rollouts: each CLI generation owns a stretch of the last
 * year (oldest first), its sessions get fresh ids, dates, times and titles, and grow to a log-normal size by repeating
 * their turns (with larger tool outputs). 0.1.x files lie flat in `sessions/` as that CLI wrote them; a share of all
 * sessions is archived (flat in `archived_sessions/`). Every file is a real file of its own.
 */

/** What {@link generateCodexHome} wrote. */
export interface GeneratedHome {
  home: string;
  sessions: number;
  archived: number;
  flat: number;
  bytes: number;
  /** Sizes (bytes): smallest, median, 90th and 99th percentile, largest. */
  sizes: { min: number; median: number; p90: number; p99: number; max: number };
  byVersion: Record<string, number>;
  days: number;
  firstDay: string;
  lastDay: string;
  ms: number;
}

/** When each CLI generation was in use, as a share of the year before the corpus date, and how many sessions it wrote. */
const ERAS: Record<string, { from: number; to: number; share: number }> = {
  '0.1.2505291658': { from: 0, to: 0.12, share: 0.06 },
  '0.20.0': { from: 0.12, to: 0.3, share: 0.12 },
  '0.42.0': { from: 0.3, to: 0.42, share: 0.12 },
  '0.45.0': { from: 0.42, to: 0.55, share: 0.12 },
  '0.100.0': { from: 0.55, to: 0.8, share: 0.28 },
  '0.169.0': { from: 0.8, to: 1, share: 0.3 },
};
/** How often each kind of run occurs within a generation. */
const RUN_WEIGHTS: Record<string, number> = { sessions: 10, 'sessions-after-resume': 3, 'sessions-exec-legacy-json': 2, 'sessions-proto': 2 };
const ERROR_WEIGHT = 0.5;
const END = Date.UTC(2026, 10, 21);
const YEAR_MS = 365 * 86_400_000;
const ARCHIVED_SHARE = 0.1;
/** Log-normal session size: median and spread (bytes, ln-space sigma) by family, and a cap. */
const SIZE = { envelope: { median: 48_000, sigma: 1.1 }, old: { median: 6_000, sigma: 1.0 }, cap: 6_000_000 };

const WORDS = ['parser', 'reducer', 'tree view', 'status bar', 'webview', 'cache', 'index', 'search', 'tests', 'CI', 'docs', 'lint rule',
  'settings', 'runner', 'timeout', 'usage', 'diff', 'session list', 'README', 'benchmark', 'migration', 'logging', 'CLI flag', 'schema'];
const VERBS = ['Fix', 'Refactor', 'Add tests for', 'Explain', 'Speed up', 'Document', 'Review', 'Rename', 'Debug', 'Clean up', 'Port', 'Split'];

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Writes `count` sessions under `home` (created); deterministic for a seed. */
export function generateCodexHome(home: string, templates: RolloutTemplate[], count = 10_000, seed = 7): GeneratedHome {
  const t0 = performance.now();
  const rand = prng(seed);
  const pools = outputPools(rand);
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  const byVersion = new Map<string, RolloutTemplate[]>();
  for (const t of templates) if (ERAS[t.version]) byVersion.set(t.version, [...(byVersion.get(t.version) ?? []), t]);
  const weight = (t: RolloutTemplate): number => RUN_WEIGHTS[t.run] ?? (t.run.includes('error') ? ERROR_WEIGHT : 1);
  // A few inflated repetition units per template (outputs of 2-64 KB per call), cycled through when growing.
  const units = new Map<RolloutTemplate, Pattern[]>();
  for (const t of templates) {
    units.set(t, Array.from({ length: 4 }, () => inflatedRepeat(t, () => poolText(rand() < 0.3 ? pools.rich : pools.ascii, Math.round(2000 * 32 ** rand()), rand))));
  }
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const title = (): string => `${VERBS[Math.floor(rand() * VERBS.length)]} the ${WORDS[Math.floor(rand() * WORDS.length)]} ${
    rand() < 0.5 ? `in src/${WORDS[Math.floor(rand() * WORDS.length)]?.replace(/ /g, '')}` : `(issue #${Math.floor(rand() * 900 + 100)})`}`;

  const res: GeneratedHome = { home, sessions: 0, archived: 0, flat: 0, bytes: 0, sizes: { min: 0, median: 0, p90: 0, p99: 0, max: 0 }, byVersion: {}, days: 0, firstDay: '', lastDay: '', ms: 0 };
  const sizes: number[] = [];
  const dirs = new Set<string>();
  const days = new Set<string>();
  const shares = Object.entries(ERAS).filter(([v]) => byVersion.has(v));
  const totalShare = shares.reduce((s, [, e]) => s + e.share, 0);
  for (const [k, [version, era]] of shares.entries()) {
    const pool = byVersion.get(version) ?? [];
    const poolWeight = pool.reduce((s, t) => s + weight(t), 0);
    const n = k === shares.length - 1 ? count - res.sessions : Math.round((count * era.share) / totalShare);
    for (let i = 0; i < n && res.sessions < count; i++) {
      let r = rand() * poolWeight;
      const t = pool.find((x) => (r -= weight(x)) < 0) ?? (pool[0] as RolloutTemplate);
      const ms = END - YEAR_MS + YEAR_MS * (era.from + (era.to - era.from) * rand());
      const d = new Date(ms);
      const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
      const time = `${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}`;
      const tsHex = Math.floor(ms).toString(16).padStart(12, '0');
      const id = t.idStyle === 'v7'
        ? `${tsHex.slice(0, 8)}-${tsHex.slice(8)}-7${hex(3)}-${'89ab'[Math.floor(rand() * 4)]}${hex(3)}-${hex(12)}`
        : `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(rand() * 4)]}${hex(3)}-${hex(12)}`;
      const v: SlotValues = { SID: id, DATE: date, TITLE: title(), REP: '' };
      const out: string[] = [];
      render(t.whole, v, out);
      // Failed runs stay as they are; others grow to a log-normal size by repeating their turns.
      const size = t.run.includes('error') ? 0 : Math.min(SIZE.cap, (t.family === 'envelope' ? SIZE.envelope : SIZE.old).median * Math.exp(gaussian() * (t.family === 'envelope' ? SIZE.envelope : SIZE.old).sigma));
      let chars = t.whole.chars;
      const variants = units.get(t) ?? [];
      for (let rep = 1; t.repeat.chars > 0 && chars + t.repeat.chars / 2 < size; rep++) {
        const big = variants[rep % variants.length] as Pattern;
        const unit = chars + big.chars <= size ? big : t.repeat;
        render(unit, { ...v, REP: `_r${rep}` }, out);
        chars += unit.chars;
      }
      const archived = rand() < ARCHIVED_SHARE;
      const dir = archived ? join(home, 'archived_sessions') : t.flat ? join(home, 'sessions') : join(home, 'sessions', date.slice(0, 4), date.slice(5, 7), date.slice(8));
      if (!dirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        dirs.add(dir);
      }
      const body = Buffer.from(out.join(''));
      writeFileSync(join(dir, `rollout-${date}T${time}-${id}.jsonl`), body);
      res.sessions++;
      res.bytes += body.length;
      sizes.push(body.length);
      if (archived) res.archived++;
      else if (t.flat) res.flat++;
      res.byVersion[version] = (res.byVersion[version] ?? 0) + 1;
      days.add(date);
    }
  }
  sizes.sort((a, b) => a - b);
  const at = (q: number): number => sizes[Math.min(sizes.length - 1, Math.floor(q * sizes.length))] ?? 0;
  res.sizes = { min: at(0), median: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
  const sortedDays = [...days].sort();
  res.days = days.size;
  res.firstDay = sortedDays[0] ?? '';
  res.lastDay = sortedDays[sortedDays.length - 1] ?? '';
  res.ms = Math.round(performance.now() - t0);
  return res;
}

/**
 * Waits until every folder of a home just generated is older than the index's window for "racily" modified folders
 * (`RACY_MS`): a real history's folders are that old, and the index never trusts younger ones (it lists them again).
 */
export async function settle(): Promise<void> {
  await sleep(RACY_MS + 250);
}
