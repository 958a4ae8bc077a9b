import type { CliCapabilities } from './version';

/** Sandbox modes `codex exec -s` accepts. */
export const SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

/** Everything that decides the command line of one `codex exec` run. */
export interface ExecArgsInput {
  capabilities: CliCapabilities;
  /** The folder codex works in (`-C`). */
  cwd: string;
  /** Whether `cwd` is inside a git repository; codex refuses other folders without `--skip-git-repo-check`. */
  isGitRepo: boolean;
  model?: string;
  sandbox?: SandboxMode;
  /** `--dangerously-bypass-approvals-and-sandbox`; only ever set when the user chose it explicitly. */
  bypassApprovals?: boolean;
  /** `-c model_reasoning_effort=…` (minimal, low, medium, high, …). */
  reasoningEffort?: string;
  /** User arguments appended to codex's options (setting `codexSessions.cliArgs`, CLI `--arg`). */
  extraArgs?: readonly string[];
  /** Continue a thread instead of starting one. */
  resume?: { threadId: string; rolloutPath?: string };
}

/** Quotes a value as a TOML basic string, which is how `-c key=value` values are parsed. */
function tomlString(v: string): string {
  return JSON.stringify(v);
}

/**
 * Builds the argv (without the binary) of a `codex exec` run. The prompt always goes to stdin: `-` is passed as the
 * prompt where the version understands it, and older versions read stdin when the prompt is left out.
 *
 * Resume uses the parent-flag shape `exec [flags] resume <id> -`, which 0.42 through 0.169 accept (the `exec resume`
 * subcommand of recent versions lacks `-C` and `-s`); versions before 0.42 resume with `-c experimental_resume=<path>`.
 */
export function buildExecArgs(input: ExecArgsInput): string[] {
  const caps = input.capabilities;
  const args: string[] = ['exec', caps.jsonFlag];
  if (caps.includePlanToolFlag) args.push('--include-plan-tool');
  if (!input.isGitRepo) args.push('--skip-git-repo-check');
  args.push('-C', input.cwd);
  if (input.model) args.push('-m', input.model);
  if (input.bypassApprovals) args.push('--dangerously-bypass-approvals-and-sandbox');
  else if (input.sandbox) args.push('-s', input.sandbox);
  if (input.reasoningEffort) args.push('-c', `model_reasoning_effort=${tomlString(input.reasoningEffort)}`);
  if (input.resume && caps.resume === 'experimental_resume') {
    if (!input.resume.rolloutPath) throw new Error('This codex version resumes from a rollout file, and none was given.');
    args.push('-c', `experimental_resume=${tomlString(input.resume.rolloutPath)}`);
  }
  if (input.extraArgs) args.push(...input.extraArgs);
  if (input.resume && caps.resume === 'subcommand') args.push('resume', input.resume.threadId);
  if (caps.dashPrompt) args.push('-');
  return args;
}
