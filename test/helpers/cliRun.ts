import { Readable } from 'node:stream';
import { main, type CliIo } from '../../src/node/cli';

/** What an in-process run of the command line printed, and its exit code. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `codex-sessions ARGS` in this process (src/node/cli.ts `main`), capturing its output. */
export async function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string>; stdin?: string } = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    stdin: Readable.from(opts.stdin ? [Buffer.from(opts.stdin)] : []),
    onInterrupt: () => () => undefined,
    cwd: opts.cwd ?? process.cwd(),
    ...(opts.env ? { env: opts.env } : {}),
  };
  const code = await main(args, io);
  return { code, out, err };
}
