/** A parsed `major.minor.patch` CLI version. */
export interface CliVersion {
  major: number;
  minor: number;
  patch: number;
  /** The text it was parsed from, e.g. `0.169.0`. */
  raw: string;
}

/**
 * Parses the output of `codex --version` (`codex-cli 0.169.0`, `codex 0.0.2505291458`) or a bare version.
 * Returns null when no version number is present.
 */
export function parseCliVersion(text: string): CliVersion | null {
  const m = /(\d+)\.(\d+)\.(\d+)(?:[-+.][0-9A-Za-z.-]+)?/.exec(text);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), raw: m[0] };
}

/** Negative when a < b, 0 when equal, positive when a > b (pre-release suffixes ignored). */
export function compareVersions(a: CliVersion, b: CliVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** True when `v` is at least `major.minor.patch`. */
export function atLeast(v: CliVersion, major: number, minor: number, patch = 0): boolean {
  return compareVersions(v, { major, minor, patch, raw: '' }) >= 0;
}

/** The output format `codex exec` speaks in a given version. */
export type ExecJsonFlavor = 'legacy' | 'experimental' | 'thread';

/** What a CLI version can do, as far as building its command line and reading its output go. */
export interface CliCapabilities {
  /** The flag that turns on JSON output. */
  jsonFlag: '--json' | '--experimental-json';
  flavor: ExecJsonFlavor;
  /** How a thread is continued: `exec … resume <id>` or `-c experimental_resume=<rollout path>`. */
  resume: 'subcommand' | 'experimental_resume';
  /** Whether `-` as the prompt reads it from stdin (otherwise the prompt argument is left out). */
  dashPrompt: boolean;
  /** Whether `update_plan` needs `--include-plan-tool`. */
  includePlanToolFlag: boolean;
  /** What `turn.completed.usage` covers. */
  turnUsageScope: 'process' | 'thread';
}

/**
 * Capabilities by version, from the captured history of the CLI (see shared/corpus/README.md). An unknown version
 * gets the current behaviour.
 */
export function capabilitiesFor(v: CliVersion | null): CliCapabilities {
  if (v === null) {
    return { jsonFlag: '--json', flavor: 'thread', resume: 'subcommand', dashPrompt: true, includePlanToolFlag: false, turnUsageScope: 'thread' };
  }
  const experimental = atLeast(v, 0, 42) && !atLeast(v, 0, 44);
  const thread = atLeast(v, 0, 44);
  return {
    jsonFlag: experimental ? '--experimental-json' : '--json',
    flavor: thread ? 'thread' : experimental ? 'experimental' : 'legacy',
    resume: atLeast(v, 0, 42) ? 'subcommand' : 'experimental_resume',
    dashPrompt: atLeast(v, 0, 44),
    includePlanToolFlag: atLeast(v, 0, 42) && !atLeast(v, 0, 59),
    turnUsageScope: atLeast(v, 0, 80) ? 'thread' : 'process',
  };
}
