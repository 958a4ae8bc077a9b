import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CCUSAGE_VERSION, installedCcusage } from '../../scripts/setupCcusage.mjs';

/*
 * Running ccusage (`ccusage codex session|daily --json --offline`), the tool users already trust for Codex token
 * totals, against a CODEX_HOME. `node scripts/setupCcusage.mjs` installs the pinned version outside the repository
 * (see there why it is not a devDependency); `CCUSAGE_BIN` points at another build.
 */

export { CCUSAGE_VERSION };

/** The ccusage executable: `CCUSAGE_BIN`, else the one `scripts/setupCcusage.mjs` installed. */
export function ccusageBin(): string {
  return process.env.CCUSAGE_BIN || installedCcusage();
}

/** Why ccusage cannot run here (missing, or its native binary is not installed), or null when it can. */
export function ccusageUnavailable(): string | null {
  const bin = ccusageBin();
  if (!existsSync(bin)) return `no ccusage at ${bin} (run node scripts/setupCcusage.mjs, or set CCUSAGE_BIN)`;
  try {
    const v = execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    return /\d+\.\d+\.\d+/.test(v) ? null : `ccusage --version printed "${v}"`;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return `ccusage does not run here: ${(err.stderr || err.message).trim().split('\n')[0]} (run node scripts/setupCcusage.mjs, or set CCUSAGE_BIN)`;
  }
}

/** ccusage's per-session or per-day figures (its `inputTokens` leave out cached input; ours include it). */
export interface CcusageRow {
  sessionFile?: string;
  directory?: string;
  date?: string;
  inputTokens: number;
  cacheReadTokens: number;
  outputTokens: number;
  reasoningOutputTokens: number;
  costUSD: number;
  models: Record<string, { isFallback?: boolean }>;
}

/** The JSON of `ccusage codex <report> --json --offline` on `codexHome`. */
export interface CcusageReport {
  sessions?: CcusageRow[];
  daily?: CcusageRow[];
  totals: Omit<CcusageRow, 'models'>;
}

/** A clean environment: this CODEX_HOME, no user config (HOME), the same time zone as ours. */
function childEnv(codexHome: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', HOME: codexHome, CODEX_HOME: codexHome, NO_COLOR: '1' };
  if (process.env.TZ) env.TZ = process.env.TZ;
  return env;
}

/** Runs ccusage on `codexHome` (its own `CODEX_HOME`, nothing from the user's); resolves to its parsed JSON. */
export function runCcusage(codexHome: string, report: 'session' | 'daily', args: string[] = []): Promise<CcusageReport> {
  return new Promise((resolve, reject) => {
    execFile(
      ccusageBin(),
      ['codex', report, '--json', '--offline', ...args],
      { env: childEnv(codexHome), maxBuffer: 1 << 30, timeout: 600_000 },
      (e, stdout, stderr) => {
        if (e) return reject(new Error(`ccusage failed: ${stderr || e.message}`));
        try {
          resolve(JSON.parse(stdout) as CcusageReport);
        } catch (p) {
          reject(new Error(`ccusage printed no JSON: ${(p as Error).message}: ${stdout.slice(0, 200)}`));
        }
      },
    );
  });
}
