// The least a warm `codex-sessions usage --json --by session` must do, as a separate process with nothing of ours
// loaded: start Node, read the cache (index format 5: a JSON header line, the strings as JSON, float64 numbers), and
// stat every folder and every rollout it names (the only way to know the cache still holds: a resumed session appends
// to its old file), with plain fs.statSync. With `--report`, also add up each session's slices, price them (one flat
// price: the lookup is not the cost), sort by start and print the rows as JSON (~3.4 MB for 10,000 sessions).
// No validation, no fallback.
//   node usageFloor.mjs CODEX_HOME CACHE_FILE [--report]
import { readFileSync, statSync, writeSync } from 'node:fs';

const [home, cacheFile, report] = process.argv.slice(2);
const DIR = 9;
const ROW = 20; // as src/node/sessionCache.ts (format 5)
const bytes = readFileSync(cacheFile);
const eol = bytes.indexOf(10);
const h = JSON.parse(bytes.toString('utf8', 0, eol));
const S = JSON.parse(bytes.toString('utf8', eol + 1, eol + 1 + h.strings_bytes));
const at = Math.ceil((eol + 1 + h.strings_bytes + 1) / 8) * 8;
const n = new Float64Array(bytes.buffer, bytes.byteOffset + at, h.numbers);
const prefix = `${home}/`;
const dirs = [];
for (let d = 0; d < h.dirs; d++) {
  const p = prefix + S[n[d * DIR]];
  const st = statSync(p);
  if (st.mtimeMs !== n[d * DIR + 4]) throw new Error(`the cache does not hold for ${p}`);
  dirs.push(p);
}
const base = h.dirs * DIR;
const paths = [];
for (let r = 0; r < h.files; r++) {
  const k = base + r * ROW;
  const p = `${dirs[n[k]]}/${S[n[k + 1]]}`;
  const st = statSync(p);
  if (st.size !== n[k + 2] || st.mtimeMs !== n[k + 3]) throw new Error(`the cache does not hold for ${p}`);
  paths.push(p);
}
if (report === '--report') {
  const usageAt = base + h.files * ROW;
  const rows = [];
  const times = [];
  const totals = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, cost_usd: 0 };
  for (let r = 0; r < h.files; r++) {
    const k = base + r * ROW;
    const u = usageAt + n[k + 14];
    if (n[k + 14] < 0 || n[u + 2] !== 1) continue; // no usage recorded, or no token counts in it
    const path = paths[r];
    const row = { session_id: path.slice(-42, -6), path, archived: (n[k + 12] & 2) !== 0, started_at: S[n[k + 4]] ?? null, title: S[n[k + 9]] ?? null, models: [], input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, cost_usd: 0, last_activity: S[n[u + 1]] ?? null };
    for (let j = 0, s = u + 8; j < n[u + 7]; j++, s += 6) {
      const model = S[n[s]] ?? null;
      if (!row.models.includes(model)) row.models.push(model);
      row.input_tokens += n[s + 2];
      row.cached_input_tokens += n[s + 3];
      row.output_tokens += n[s + 4];
      row.reasoning_output_tokens += n[s + 5];
      row.cost_usd += ((n[s + 2] - n[s + 3]) * 1.25 + n[s + 3] * 0.125 + n[s + 4] * 10) / 1e6;
    }
    for (const key of Object.keys(totals)) totals[key] += row[key];
    rows.push(row);
    times.push(n[k + 13]);
  }
  const order = rows.map((_, i) => i).sort((a, b) => times[a] - times[b] || a - b);
  writeSync(1, `${JSON.stringify({ totals, by: 'session', rows: order.map((i) => rows[i]) })}\n`);
}
