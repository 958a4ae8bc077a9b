import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { PricingOverrides } from '../core/priceBook';
import { EXIT, UsageError, writeStdoutBytes, type CliIo } from './cliIo';
import { mark } from './phaseTrace';
import { indexFiles, localStamp, openIndex, saveIndex } from './sessionOpen';
import { usageFromCache, usageJsonFromCache } from './usageFromCache';
import { usageReport, type UsageGrouping, type UsageReport, type UsageRow } from './usageReport';

/*
 * `codex-sessions usage`: exact token counts of every session of a CODEX_HOME, by day, model or session, with their
 * API-equivalent cost, through the same index (and cache) as `list`.
 */

const GROUPINGS: readonly UsageGrouping[] = ['day', 'model', 'session'];

/** `YYYY-MM-DD` from `YYYY-MM-DD` or `YYYYMMDD` (as ccusage takes it); a usage error otherwise. */
export function parseDay(v: string, flag: string): string {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(v.trim());
  const day = m ? `${m[1]}-${m[2]}-${m[3]}` : '';
  const d = new Date(`${day}T00:00:00Z`);
  if (!m || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day) throw new UsageError(`${flag} needs a date as YYYY-MM-DD, not "${v}".`);
  return day;
}

async function loadPricing(file: string | undefined, io: CliIo): Promise<PricingOverrides> {
  if (!file) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path.resolve(io.cwd, file), 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read the prices in ${file}: ${(e as Error).message}`);
  }
  // zod (the setting's validation) is loaded only when there is a setting to check.
  const p = (await import('../core/pricing')).parsePricingOverrides(raw);
  if (!p.ok) io.stderr(`codex-sessions: ${p.error}\n`);
  return p.value;
}

const n = (v: number): string => v.toLocaleString('en-US');

/** `$12.34`, `$0.0421`; `unknown` for null. */
export function formatUsd(usd: number | null): string {
  if (usd === null) return 'unknown';
  return `$${usd >= 1 || usd === 0 ? usd.toFixed(2) : usd.toFixed(4)}`;
}

function label(r: UsageRow): string[] {
  if ('day' in r) return [r.day, String(r.sessions)];
  if ('price_model' in r) return [r.model ?? '(not recorded)', String(r.sessions)];
  return [`${r.started_at ? localStamp({ path: r.path, id: r.session_id, local_time: '', archived: false, started_at: r.started_at }) : '?'}  ${r.session_id.slice(0, 13)}${r.archived ? ' (archived)' : ''}`, r.models.join(',') || '?'];
}

function table(report: UsageReport): string {
  const head = report.by === 'session' ? ['session', 'model'] : [report.by, 'sessions'];
  const rows = report.rows.map((r) => [...label(r), n(r.input_tokens), n(r.cached_input_tokens), n(r.output_tokens), n(r.reasoning_output_tokens), formatUsd(r.cost_usd)]);
  const t = report.totals;
  const cost = formatUsd(t.cost_usd) + (t.cost_complete ? '' : ' + unknown');
  const all = [[...head, 'input', 'cached', 'output', 'reasoning', 'cost'], ...rows, ['total', report.by === 'session' ? '' : String(t.sessions), n(t.input_tokens), n(t.cached_input_tokens), n(t.output_tokens), n(t.reasoning_output_tokens), cost]];
  const widths = all[0]!.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(all[0]!), rule, ...all.slice(1, -1).map(line), rule, line(all[all.length - 1]!)].join('\n');
}

function notes(report: UsageReport, home: string): string {
  const out: string[] = [];
  const t = report.totals;
  out.push(`Cached input is part of input and priced at the cached rate; reasoning is part of output.`);
  out.push(`Costs: ${report.cost_basis}; prices as of ${report.prices_checked}.`);
  for (const u of t.unpriced) out.push(`Cost unknown for ${n(u.input_tokens)} input and ${n(u.output_tokens)} output tokens: ${u.hint}.`);
  if (t.sessions_without_usage) out.push(`${t.sessions_without_usage} session(s) record no token counts (older CLIs or failed runs): usage unknown.`);
  if (!report.rows.length) out.push(`No token usage in ${home}${t.sessions_without_usage ? ' that the files record' : ''}.`);
  return `${out.join('\n')}\n`;
}

/**
 * The rows array of a report printed as JSON (the UTF-8 of `JSON.stringify(report)`, whose keys come in the report's
 * order): the bytes between `"rows":` and `,"cost_basis":` (no string of a row can hold an unescaped quote, so neither
 * mark occurs inside one).
 */
function rowsBytes(printed: Buffer): Uint8Array {
  return printed.subarray(printed.indexOf(',"rows":[') + 8, printed.lastIndexOf(',"cost_basis":'));
}

/** `usage`: token counts and API-equivalent cost by day, model or session. */
export async function usageCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'codex-home': { type: 'string' },
      json: { type: 'boolean' },
      'no-cache': { type: 'boolean' },
      since: { type: 'string' },
      until: { type: 'string' },
      by: { type: 'string' },
      pricing: { type: 'string' },
    },
  });
  if (positionals.length) throw new UsageError(`usage takes no arguments (got "${positionals[0]}").`);
  const by = (values.by ?? 'day') as UsageGrouping;
  if (!GROUPINGS.includes(by)) throw new UsageError(`--by must be one of ${GROUPINGS.join(', ')}.`);
  const since = values.since === undefined ? undefined : parseDay(values.since, '--since');
  const until = values.until === undefined ? undefined : parseDay(values.until, '--until');
  const pricing = await loadPricing(values.pricing, io);
  const opts = { by, since, until, pricing };
  const { codexHome, cacheFile } = indexFiles(values, io);
  const kept = values.json && cacheFile ? await usageJsonFromCache(codexHome, cacheFile, opts) : null;
  mark('cache');
  if (kept) {
    for (const part of kept) writeStdoutBytes(io, part);
    return EXIT.ok;
  }
  // A warm cache that holds for every file answers alone; otherwise the index reads what changed, and saves the cache
  // once the report is out.
  const cached = cacheFile ? await usageFromCache(codexHome, cacheFile, opts) : null;
  const index = cached ? null : await openIndex(values, io, { usage: true }, { save: false });
  const report = cached ?? usageReport(index!.sessions(), opts);
  mark('report');
  let printed: Buffer | null = null;
  if (values.json) {
    // Encoded once: printed, and its rows kept in the cache as they are.
    printed = Buffer.from(`${JSON.stringify(report)}\n`);
    writeStdoutBytes(io, printed);
  } else {
    if (report.rows.length) io.stdout(`${table(report)}\n\n`);
    io.stdout(notes(report, codexHome));
  }
  mark('print');
  // The by-session report of the whole history at built-in prices is what the cache keeps rows of: given, not redone.
  const whole = by === 'session' && !since && !until && Object.keys(pricing).length === 0;
  if (index) await saveIndex(index, io, whole ? { bySessionRows: report.rows, ...(printed ? { bySessionRowsJson: rowsBytes(printed) } : {}) } : {});
  return EXIT.ok;
}
