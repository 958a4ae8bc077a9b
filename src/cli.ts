import { fileURLToPath } from 'node:url';
import { main } from './node/cli';

/**
 * Whether stdout's reader is gone (`codex-sessions list | head`): the rest of the output is dropped, and a running
 * task is stopped as by Ctrl-C, rather than the process dying of an unhandled EPIPE.
 */
let stdoutClosed = false;
const interruptHandlers = new Set<() => void>();
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  if (stdoutClosed) return;
  stdoutClosed = true;
  for (const h of interruptHandlers) h();
});

/** Entry point of `dist/cli.js` (the `codex-sessions` bin). */
void main(process.argv.slice(2), {
  stdout: (t) => {
    if (!stdoutClosed) process.stdout.write(t);
  },
  stdoutBytes: (b) => {
    if (!stdoutClosed) process.stdout.write(b);
  },
  stderr: (t) => process.stderr.write(t),
  // Looked up when a command reads it: making the stream costs a command that does not ~5 ms.
  get stdin() {
    return process.stdin;
  },
  cwd: process.cwd(),
  // Beside this file once built (dist/cli.js, dist/cli/indexWorker.js).
  indexWorker: fileURLToPath(new URL('./cli/indexWorker.js', import.meta.url)),
  onInterrupt: (handler) => {
    const on = (): void => handler();
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
    interruptHandlers.add(on);
    return () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      interruptHandlers.delete(on);
    };
  },
}).then((code) => {
  process.exitCode = code;
});
