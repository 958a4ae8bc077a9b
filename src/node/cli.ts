import { EXIT, isUsageError, UsageError, type CliIo } from './cliIo';
import { mark, phases } from './phaseTrace';
import { usageCommand } from './usageCommand';

export { EXIT, type CliIo } from './cliIo';

export const HELP = `codex-sessions — read and run OpenAI Codex CLI sessions

Usage:
  codex-sessions parse-exec [FILE|-] [--json] [--cli-version V]
  codex-sessions run [options] [--] PROMPT
  codex-sessions resume THREAD_ID [options] [--] PROMPT
  codex-sessions list [--codex-home DIR] [--all | --cwd DIR] [--json] [--no-cache]
  codex-sessions show ID|PATH [--codex-home DIR] [--json | --markdown]
  codex-sessions search TEXT [--codex-home DIR] [--json] [--no-cache]
  codex-sessions usage [--codex-home DIR] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--by day|model|session]
                       [--pricing FILE] [--no-cache] [--json]

Run options:
  --cwd DIR                 folder codex works in (default: the current folder)
  --model M                 model, e.g. gpt-5-codex
  --sandbox MODE            read-only | workspace-write | danger-full-access
  --bypass-approvals        pass --dangerously-bypass-approvals-and-sandbox (explicit opt-in)
  --reasoning-effort E      minimal | low | medium | high
  --timeout S               stop the task after S seconds
  --idle-timeout S          stop the task when codex prints nothing for S seconds
  --codex-path P            the codex binary (default: PATH, then the usual install places)
  --arg=X                   extra argument for codex, repeatable (e.g. --arg=-c --arg=model_provider=fake)
  --env K=V                 extra environment variable for codex, repeatable
  --json                    one normalized event per line, then the thread object as the last line

Session options:
  --codex-home DIR          where codex keeps sessions (default: $CODEX_HOME, else ~/.codex)
  --all                     list: every session (the default)
  --cwd DIR                 list: only sessions started in DIR or below it
  --markdown                show: the session as a Markdown document
  --no-cache                list/search/usage: ignore the index cache and do not write it
                            (cache: \${XDG_CACHE_HOME:-~/.cache}/codex-sessions/)

Usage options (exact token counts; costs are API-equivalent estimates, ChatGPT plans are not billed per token):
  --by day|model|session    rows per local day of use (default), per model, or per session
  --since / --until DAY     only usage recorded on or after / on or before that local date
  --pricing FILE            JSON {"model": {"input": n, "cached_input": n, "output": n}} in USD per 1M tokens,
                            over the built-in prices (as the codexSessions.pricing setting)

Exit codes: 0 success, 1 the task failed, 2 bad usage or unreadable input.
`;

/**
 * Runs the command line; resolves to the exit code. `usage` is part of this module (a warm one answers from the
 * cache, and loads nothing else); every other command's code is imported when it runs (a chunk of its own in
 * dist/cli/): `list` starts without loading zod or the exec pipeline.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  mark('start');
  try {
    return await run(command, rest, io);
  } finally {
    const timings = phases();
    if (timings) io.stderr(timings);
  }
}

async function run(command: string | undefined, rest: string[], io: CliIo): Promise<number> {
  try {
    switch (command) {
      case 'parse-exec':
        return await (await import('./execCommands')).parseExec(rest, io);
      case 'run':
      case 'resume':
        return await (await import('./execCommands')).runOrResume(command, rest, io);
      case 'list':
        return await (await import('./sessionCommands')).listCommand(rest, io);
      case 'show':
        return await (await import('./sessionCommands')).showCommand(rest, io);
      case 'search':
        return await (await import('./sessionCommands')).searchCommand(rest, io);
      case 'usage':
        return await usageCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(HELP);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`unknown command "${command}". Try codex-sessions --help.`);
    }
  } catch (e) {
    if (isUsageError(e) || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`codex-sessions: ${(e as Error).message}\n`);
      return EXIT.usage;
    }
    io.stderr(`codex-sessions: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.taskFailed;
  }
}
