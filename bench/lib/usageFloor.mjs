// The least a warm `codex-sessions usage` must do, as a separate process: start Node, list the rollouts of a
// CODEX_HOME, stat each (the only way to know the cache still holds for it: a resumed session appends to its old
// file) and parse the cache file. No report, no output. `node usageFloor.mjs CODEX_HOME CACHE_FILE`
import { readdirSync, readFileSync, statSync } from 'node:fs';

const [home, cacheFile] = process.argv.slice(2);
let files = 0;
function walk(dir, depth) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (depth < 3) walk(p, depth + 1);
    } else if (e.name.startsWith('rollout-') && e.name.endsWith('.jsonl')) {
      statSync(p);
      files++;
    }
  }
}
walk(`${home}/sessions`, 0);
walk(`${home}/archived_sessions`, 0);
const cache = JSON.parse(readFileSync(cacheFile, 'utf8'));
if (!files || !cache.format) throw new Error(`nothing read in ${home} / ${cacheFile}`);
