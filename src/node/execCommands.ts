import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { SANDBOX_MODES, type SandboxMode } from '../core/execArgs';
import { ExecPipeline } from '../core/execPipeline';
import { toThreadJson } from '../core/threadJson';
import { formatItem, formatTranscript } from '../core/transcript';
import { parseCliVersion } from '../core/version';
import type { ThreadEvent, ThreadState } from '../shared/threadModel';
import { EXIT, UsageError, type CliIo } from './cliIo';
import { runTask, TaskSetupError } from './codexTask';

/*
 * `codex-sessions parse-exec`, `run` and `resume`: the commands that read or drive an exec stream (loaded by `main`
 * only when one of them runs).
 */

function seconds(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} needs a positive number of seconds, not "${v}".`);
  return Math.round(n * 1000);
}

async function feed(stream: Readable, pipeline: ExecPipeline): Promise<void> {
  for await (const chunk of stream) pipeline.write(chunk as Buffer);
}

/** `parse-exec`: an exec stream (a file or stdin) as a transcript or a thread object. */
export async function parseExec(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, 'cli-version': { type: 'string' } },
  });
  if (positionals.length > 1) throw new UsageError('parse-exec takes one file (or - for stdin).');
  const file = positionals[0] ?? '-';
  const cliVersion = values['cli-version'] ? parseCliVersion(values['cli-version']) : null;
  if (values['cli-version'] && !cliVersion) throw new UsageError(`"${values['cli-version']}" is not a version number.`);
  const pipeline = new ExecPipeline({ cliVersion });
  try {
    await feed(file === '-' ? io.stdin : createReadStream(file), pipeline);
  } catch (e) {
    io.stderr(`codex-sessions: cannot read ${file === '-' ? 'standard input' : file}: ${(e as Error).message}\n`);
    return EXIT.usage;
  }
  const state = pipeline.end();
  io.stdout(values.json ? `${JSON.stringify(toThreadJson(state, pipeline.parser.family))}\n` : formatTranscript(state));
  return EXIT.ok;
}

function envPairs(list: string[] | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of list ?? []) {
    const at = kv.indexOf('=');
    if (at <= 0) throw new UsageError(`--env needs KEY=VALUE, not "${kv}".`);
    env[kv.slice(0, at)] = kv.slice(at + 1);
  }
  return env;
}

/** `run` / `resume`: a codex task, streamed as it runs. */
export async function runOrResume(command: 'run' | 'resume', args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      cwd: { type: 'string' },
      model: { type: 'string' },
      sandbox: { type: 'string' },
      'bypass-approvals': { type: 'boolean' },
      'reasoning-effort': { type: 'string' },
      timeout: { type: 'string' },
      'idle-timeout': { type: 'string' },
      'codex-path': { type: 'string' },
      arg: { type: 'string', multiple: true },
      env: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
  });
  const threadId = command === 'resume' ? positionals.shift() : undefined;
  if (command === 'resume' && !threadId) throw new UsageError('resume needs a THREAD_ID and a PROMPT.');
  const prompt = positionals.join(' ').trim();
  if (!prompt) throw new UsageError(`${command} needs a PROMPT.`);
  if (values.sandbox && !(SANDBOX_MODES as readonly string[]).includes(values.sandbox)) {
    throw new UsageError(`--sandbox must be one of ${SANDBOX_MODES.join(', ')}.`);
  }
  const json = values.json === true;
  const controller = new AbortController();
  const removeInterrupt = io.onInterrupt(() => controller.abort());
  const onEvent = (e: ThreadEvent): void => {
    if (json) io.stdout(`${JSON.stringify(e)}\n`);
    else if (e.type === 'item.completed') io.stdout(`${formatItem(e.item)}\n`);
    else if (e.type === 'item.started' && e.item.type === 'command_execution') io.stdout(`… $ ${e.item.command}\n`);
    else if (e.type === 'error') io.stderr(`notice: ${e.message}\n`);
  };
  try {
    const result = await runTask({
      prompt,
      cwd: values.cwd ?? io.cwd,
      codexPath: values['codex-path'],
      model: values.model,
      sandbox: values.sandbox as SandboxMode | undefined,
      bypassApprovals: values['bypass-approvals'] === true,
      reasoningEffort: values['reasoning-effort'],
      extraArgs: values.arg,
      extraEnv: envPairs(values.env),
      resumeThreadId: threadId,
      timeoutMs: seconds(values.timeout, '--timeout'),
      idleTimeoutMs: seconds(values['idle-timeout'], '--idle-timeout'),
      signal: controller.signal,
      onEvent,
    });
    return finish(result.state, result.family, json, io);
  } catch (e) {
    if (e instanceof TaskSetupError) {
      io.stderr(`codex-sessions: ${e.message}\n`);
      return EXIT.taskFailed;
    }
    throw e;
  } finally {
    removeInterrupt();
  }
}

function finish(state: ThreadState, family: string, json: boolean, io: CliIo): number {
  if (json) io.stdout(`${JSON.stringify(toThreadJson(state, family))}\n`);
  else io.stdout(formatTranscript({ ...state, items: [] }));
  if (state.status !== 'completed') {
    const why = state.errors[state.errors.length - 1];
    io.stderr(`codex-sessions: the task ${state.status === 'cancelled' ? 'was cancelled' : state.status === 'failed' ? 'failed' : 'did not finish'}${why ? `: ${why}` : '.'}\n`);
    return EXIT.taskFailed;
  }
  return EXIT.ok;
}
