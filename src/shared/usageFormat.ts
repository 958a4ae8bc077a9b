/** Number formats shared by the status bar, its tooltip and the usage report page. */

/** A token count, compact: 950 → "950", 21066 → "21.1K", 3_400_000 → "3.4M", 2.1e9 → "2.1B". */
export function formatTokens(n: number): string {
  const a = Math.abs(n);
  if (a < 1000) return String(Math.round(n));
  const units: [number, string][] = [[1e3, 'K'], [1e6, 'M'], [1e9, 'B']];
  let u = a < 1e6 ? 0 : a < 1e9 ? 1 : 2;
  // 999,999 would print as "1000K": round first, and move up a unit when the rounded figure reaches 1000.
  if (u < 2 && Math.round(a / units[u]![0]) >= 1000) u++;
  const v = n / units[u]![0];
  const r = Math.round(v * 10) / 10;
  return `${Math.abs(r) >= 100 ? Math.round(v) : r.toFixed(1)}${units[u]![1]}`;
}

/** A token count in full with thousands separators: 1234567 → "1,234,567" (locale-independent). */
export function formatTokensExact(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * US dollars: "$0", "<$0.01" for a non-zero amount that would round to nothing, cents below $1,000, whole dollars above
 * (with separators). Never used for an unknown cost: callers show "cost unknown" instead.
 */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd > 0 && usd < 0.005) return '<$0.01';
  if (usd < 1000) return `$${usd.toFixed(2)}`;
  return `$${formatTokensExact(usd)}`;
}
