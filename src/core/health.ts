/**
 * Which Codex CLI versions Codex Sessions can run, and what it tells the user about the installed one.
 *
 * The limits follow what the runner and the parser do with each generation (see `capabilitiesFor` and the corpus
 * README):
 *
 * - **0.0.x / 0.1.x** (`codex --version` says `0.0.2505291458`): `codex exec` has no JSON mode at all, only a human
 *   transcript, so the runner cannot drive it. Its transcripts and rollouts are still read (history, replay).
 * - **0.2 – 0.19**: `exec --json` exists from 0.8 on, but the runner's command line (`-c experimental_resume=<rollout>`
 *   for follow-ups, stdin prompt) was built and verified against 0.20; older builds were never captured with it.
 * - **0.20 – 0.41, legacy `--json`** ({@link MINIMUM_CLI_VERSION}): runs. But codex never exits after a fatal model error
 *   up to 0.20 (the runner has to stop it after a grace period), follow-ups need the rollout file, and there are no
 *   turn events, so a failed turn is inferred from the last error.
 * - **0.42 – 0.43, `--experimental-json`**: runs, with no token usage at all and exit code 0 after a fatal error.
 * - **0.44+, thread `--json`** ({@link RECOMMENDED_CLI_VERSION}): turn events, per-turn usage, exit code 1 after a
 *   failure, `resume <id>` and the prompt on stdin as `-`: everything the panel shows works.
 * - Newer than {@link NEWEST_TESTED_CLI_VERSION}: runs; its output is parsed leniently (unknown events are kept).
 */
import { compareVersions, parseCliVersion, type CliVersion } from './version';

/** Oldest CLI the runner builds a command line for. */
export const MINIMUM_CLI_VERSION: CliVersion = parseCliVersion('0.20.0')!;
/** First CLI with the thread JSON stream (turn events, usage, exit status): the one to have. */
export const RECOMMENDED_CLI_VERSION: CliVersion = parseCliVersion('0.44.0')!;
/** Newest CLI whose output is in the test corpus and the integration tests. */
export const NEWEST_TESTED_CLI_VERSION: CliVersion = parseCliVersion('0.169.0')!;

/** How to update the CLI installed from npm (the usual way; Homebrew users run `brew upgrade codex`). */
export const UPDATE_COMMAND = 'npm install -g @openai/codex@latest';

/** The verdict on an installed CLI. */
export type VersionStatus = 'ok' | 'outdated' | 'unsupported' | 'unknown';

/** What {@link assessVersion} says about a version. */
export interface VersionAssessment {
  status: VersionStatus;
  /** One or two sentences for the user. */
  message: string;
  /** The version assessed (`raw`), null when it could not be read. */
  version: string | null;
  minimum: string;
  recommended: string;
  /** Whether tasks can be started with it (false only for `unsupported`; `unknown` is tried). */
  canRun: boolean;
  /** Whether the panel loses something with it (usage, turn boundaries); the reasons, for a details list. */
  limitations: string[];
  /** Newer than anything tested: works, but new output shapes may show as unknown events. */
  newerThanTested: boolean;
  /** What to run to fix it, when something should be done. */
  fix?: string;
}

function limitationsOf(v: CliVersion): string[] {
  const out: string[] = [];
  const before = (raw: string): boolean => compareVersions(v, parseCliVersion(raw)!) < 0;
  if (before('0.42.0')) {
    out.push('no turn events: a failed turn is inferred from the last error message');
    out.push('follow-ups continue from the rollout file (-c experimental_resume)');
  }
  if (before('0.29.0')) out.push('codex does not exit after a fatal model error; it is stopped after a grace period');
  if (!before('0.42.0') && before('0.44.0')) {
    out.push('no token usage is reported (--experimental-json)');
    out.push('codex exits with code 0 after a fatal error');
  }
  return out;
}

/**
 * Judges a `codex --version` result: `unknown` when it could not be read (tasks are still tried with the newest
 * command line), `unsupported` below {@link MINIMUM_CLI_VERSION}, `outdated` below {@link RECOMMENDED_CLI_VERSION},
 * `ok` otherwise.
 */
export function assessVersion(v: CliVersion | null): VersionAssessment {
  const base = { minimum: MINIMUM_CLI_VERSION.raw, recommended: RECOMMENDED_CLI_VERSION.raw };
  if (v === null) {
    return {
      ...base, status: 'unknown', version: null, canRun: true, limitations: [], newerThanTested: false, fix: UPDATE_COMMAND,
      message: `The codex version could not be read. Tasks will be started as for the newest CLI; if they fail, update codex (${RECOMMENDED_CLI_VERSION.raw} or newer is recommended).`,
    };
  }
  const newerThanTested = compareVersions(v, NEWEST_TESTED_CLI_VERSION) > 0;
  if (compareVersions(v, MINIMUM_CLI_VERSION) < 0) {
    const why = v.major === 0 && v.minor <= 1
      ? `codex ${v.raw} is a research preview whose \`codex exec\` has no JSON output, so tasks cannot run from here.`
      : `codex ${v.raw} is older than ${MINIMUM_CLI_VERSION.raw}, the oldest version Codex Sessions can run tasks with.`;
    return {
      ...base, status: 'unsupported', version: v.raw, canRun: false, limitations: [], newerThanTested, fix: UPDATE_COMMAND,
      message: `${why} Its past sessions can still be browsed. Update codex (${RECOMMENDED_CLI_VERSION.raw} or newer).`,
    };
  }
  const limitations = limitationsOf(v);
  if (compareVersions(v, RECOMMENDED_CLI_VERSION) < 0) {
    return {
      ...base, status: 'outdated', version: v.raw, canRun: true, limitations, newerThanTested, fix: UPDATE_COMMAND,
      message: `codex ${v.raw} works, but ${RECOMMENDED_CLI_VERSION.raw} or newer is recommended: with this version ${limitations.join('; ')}.`,
    };
  }
  return {
    ...base, status: 'ok', version: v.raw, canRun: true, limitations, newerThanTested,
    message: newerThanTested
      ? `codex ${v.raw} is supported. It is newer than the newest version tested (${NEWEST_TESTED_CLI_VERSION.raw}); output it adds is kept and shown as unknown events.`
      : `codex ${v.raw} is supported.`,
  };
}
