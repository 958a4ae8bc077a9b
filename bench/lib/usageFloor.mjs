// The least a warm `codex-sessions usage --json --by session` must do, as a separate process with nothing of ours
// loaded: start Node, list the rollouts of a CODEX_HOME, stat each (the only way to know the cache still holds for
// it: a resumed session appends to its old file), parse the cache (index format 4), and, with `--report`, add up
// each session's slices, price them (one flat price: the lookup is not the cost), sort by start and print the rows
// as JSON (~3.4 MB for 10,000 sessions). No validation, no fallback.
//   node usageFloor.mjs CODEX_HOME CACHE_FILE [--report]
import { readdirSync, readFileSync, statSync, writeSync } from 'node:fs';

const [home, cacheFile, report] = process.argv.slice(2);
const paths = [];
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
    } else if (e.name.startsWith('rollout-') && e.name.endsWith('.jsonl')) paths.push(p);
  }
}
walk(`${home}/sessions`, 0);
walk(`${home}/archived_sessions`, 0);
const cache = JSON.parse(readFileSync(cacheFile, 'utf8'));
const { strings: S, files: F, numbers: N, meta: M, usage: U } = cache;
const index = new Map(F.map((f, i) => [`${home}/${f}`, i]));
for (const p of paths) {
  const i = index.get(p);
  const st = statSync(p);
  if (i === undefined || st.size !== N[2 * i] || st.mtimeMs !== N[2 * i + 1]) throw new Error(`the cache does not hold for ${p}`);
}
if (report === '--report') {
  const rows = [];
  const times = [];
  const totals = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, cost_usd: 0 };
  for (let i = 0, u = 0; i < F.length; u += 1 + U[u], i++) {
    if (!U[u] || !U[u + 3]) continue; // no usage recorded, or no token counts in it
    let k = u + 1;
    const last = U[k + 1];
    k += U[k + 2] ? 7 : 3;
    const slices = U[k++];
    const row = { session_id: '', path: `${home}/${F[i]}`, archived: M[10 * i + 9] === 1, started_at: S[M[10 * i]] ?? null, title: S[M[10 * i + 5]] ?? null, models: [], input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, cost_usd: 0, last_activity: S[last] ?? null };
    row.session_id = row.path.slice(-42, -6);
    for (let j = 0; j < slices; j++, k += 6) {
      const model = S[U[k]] ?? null;
      if (!row.models.includes(model)) row.models.push(model);
      row.input_tokens += U[k + 2];
      row.cached_input_tokens += U[k + 3];
      row.output_tokens += U[k + 4];
      row.reasoning_output_tokens += U[k + 5];
      row.cost_usd += ((U[k + 2] - U[k + 3]) * 1.25 + U[k + 3] * 0.125 + U[k + 4] * 10) / 1e6;
    }
    for (const key of Object.keys(totals)) totals[key] += row[key];
    rows.push(row);
    times.push(Date.parse(row.started_at));
  }
  const order = rows.map((_, i) => i).sort((a, b) => times[a] - times[b] || a - b);
  writeSync(1, `${JSON.stringify({ totals, by: 'session', rows: order.map((i) => rows[i]) })}\n`);
}
