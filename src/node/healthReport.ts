import { redactSecrets } from '../core/redact';
import type { HealthReport } from './health';

/** Inline code that survives backticks in the text (markdown picks the shortest fence that is not in it). */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A table cell: no line breaks, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

const SOURCE: Record<string, string> = { setting: 'from the codexSessions.path setting', PATH: 'found on PATH', 'well-known': 'found in a usual install place' };
const AUTH: Record<string, string> = { 'env-key': 'API key from the environment', 'stored-key': 'API key stored by Codex Sessions', chatgpt: 'ChatGPT', 'api-key-file': 'saved by codex login', none: 'not signed in', unknown: 'unknown' };
const VERSION_STATUS: Record<string, string> = { ok: 'supported', outdated: 'outdated', unsupported: 'not supported', unknown: 'unknown' };

/**
 * The "Check Installation" report as markdown: a summary table, the problems with their fixes, then the details
 * (places searched, timings). Secrets are masked, also the `knownSecrets` given (the stored key, `codexSessions.env`
 * values).
 */
export function formatHealthReport(r: HealthReport, knownSecrets: readonly string[] = []): string {
  const rows: [string, string][] = [];
  rows.push(['codex', r.codex.found ? `${code(r.codex.path)} (${SOURCE[r.codex.source] ?? r.codex.source})` : `not found: ${r.codex.reason}`]);
  if (r.version) {
    const v = r.version;
    rows.push(['version', v.ok ? `${v.version.raw}: ${VERSION_STATUS[r.assessment?.status ?? 'unknown']}` : `does not answer (${v.problem}): ${v.error}`]);
  }
  const a = r.auth;
  rows.push(['sign-in', `${AUTH[a.method] ?? a.method}${a.variable ? ` (${a.variable}, ${a.origin})` : ''}${a.confirmed ? ', confirmed by codex login status' : ''}`]);
  const h = r.codexHome;
  const homeSource = h.source === 'default' ? 'default' : h.source === 'setting' ? 'from the codexSessions.codexHome setting' : 'from $CODEX_HOME';
  rows.push(['CODEX_HOME', `${code(h.path)} (${homeSource})${h.exists ? `, ${h.sessions} sessions, ${h.archivedSessions} archived` : ', does not exist yet'}`]);

  const out: string[] = ['# Codex installation check', ''];
  out.push(r.ready ? 'Ready: tasks can run.' : 'Not ready: fix the errors below before running a task.', '');
  out.push('| | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`), '');
  if (r.problems.length) {
    out.push('## Problems', '');
    for (const p of r.problems) out.push(`- **${p.severity}**: ${p.message}${p.fix ? ` Fix: ${code(p.fix)}` : ''}`);
    out.push('');
  }
  out.push('## Details', '');
  if (r.assessment) {
    out.push(`- Version: ${r.assessment.message} (minimum ${r.assessment.minimum}, recommended ${r.assessment.recommended})`);
    for (const l of r.assessment.limitations) out.push(`  - ${l}`);
  }
  out.push(`- Sign-in: ${a.detail}`);
  if (a.warning) out.push(`  - ${a.warning}`);
  if (!r.codex.found && r.codex.tried.length) {
    out.push(`- Places searched (${r.codex.tried.length}):`);
    for (const t of r.codex.tried.slice(0, 40)) out.push(`  - ${code(t)}`);
    if (r.codex.tried.length > 40) out.push(`  - … and ${r.codex.tried.length - 40} more`);
  }
  const t = r.timings;
  out.push(`- Timings: locate ${t.locate} ms, version ${t.version} ms, sign-in ${t.auth} ms, sessions ${t.sessions} ms, total ${t.total} ms`);
  out.push(`- Checked ${r.checkedAt} on ${r.platform}`, '');
  return redactSecrets(out.join('\n'), knownSecrets);
}
