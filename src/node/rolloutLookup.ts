import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { LineSplitter } from '../core/lineSplitter';
import { usageFromWire } from '../core/usage';
import type { Usage } from '../shared/threadModel';

export { defaultCodexHome } from './codexHome';

async function entries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort().reverse();
  } catch {
    return [];
  }
}

/**
 * Finds the rollout file of a thread: `sessions/YYYY/MM/DD/rollout-…-<id>.jsonl` (newest folders first), the flat
 * `sessions/` of the oldest CLIs, and `archived_sessions/`.
 */
export async function findRolloutFile(codexHome: string, threadId: string): Promise<string | null> {
  const suffix = `-${threadId}.jsonl`;
  const match = (dir: string, names: string[]): string | null => {
    const hit = names.find((n) => n.startsWith('rollout-') && n.endsWith(suffix));
    return hit ? path.join(dir, hit) : null;
  };
  for (const top of [path.join(codexHome, 'sessions'), path.join(codexHome, 'archived_sessions')]) {
    const names = await entries(top);
    const flat = match(top, names);
    if (flat) return flat;
    for (const y of names.filter((n) => /^\d{4}$/.test(n))) {
      for (const m of await entries(path.join(top, y))) {
        for (const d of await entries(path.join(top, y, m))) {
          const dir = path.join(top, y, m, d);
          const hit = match(dir, await entries(dir));
          if (hit) return hit;
        }
      }
    }
  }
  return null;
}

/**
 * The last cumulative token total (`token_count.info.total_token_usage`) a rollout file records, or null. From CLI
 * 0.80 on this is the thread's running total, which a resumed run's reports must be measured against.
 */
export async function lastTotalUsage(file: string): Promise<Usage | null> {
  const splitter = new LineSplitter();
  let last: Usage | null = null;
  const take = (text: string): void => {
    if (!text.includes('"token_count"')) return;
    try {
      const o = JSON.parse(text) as { payload?: { type?: string; info?: { total_token_usage?: unknown } | null } };
      const u = o.payload?.type === 'token_count' ? usageFromWire(o.payload.info?.total_token_usage) : null;
      if (u) last = u;
    } catch {
      // A line cut by a crash: the previous total stands.
    }
  };
  for await (const chunk of createReadStream(file)) for (const l of splitter.push(chunk as Buffer)) take(l.text);
  for (const l of splitter.end()) take(l.text);
  return last;
}
