/** Models Codex users pick from (a starting list: new models appear all the time, so any name is accepted). */
export const KNOWN_MODELS = [
  'gpt-5.5',
  'gpt-5.5-codex',
  'gpt-5.4',
  'gpt-5.3-codex',
  'gpt-5.2-codex',
  'gpt-5.1-codex-max',
  'gpt-5.1-codex',
  'gpt-5.1',
  'gpt-5-codex',
  'gpt-5',
  'gpt-5-mini',
  'o3',
  'o4-mini',
  'codex-mini-latest',
  'gpt-4.1',
] as const;

/** Reasoning effort levels `model_reasoning_effort` accepts. */
export const REASONING_EFFORTS = ['minimal', 'low', 'medium', 'high', 'xhigh'] as const;

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/**
 * For a model name that is not in the known list but close to one (a likely typo), the known name; otherwise null.
 * Never a rejection: unknown names are passed to codex as typed.
 */
export function likelyTypoOf(model: string, known: readonly string[] = KNOWN_MODELS): string | null {
  const m = model.trim().toLowerCase();
  if (!m || known.includes(m)) return null;
  let best: { name: string; d: number } | null = null;
  for (const k of known) {
    const d = distance(m, k);
    if (!best || d < best.d) best = { name: k, d };
  }
  return best && best.d > 0 && best.d <= Math.max(1, Math.floor(best.name.length / 5)) ? best.name : null;
}
