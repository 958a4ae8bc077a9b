import { fileURLToPath } from 'node:url';
import { main } from './node/cli';

/** Entry point of `dist/cli.js` (the `codex-sessions` bin). */
void main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  // Looked up when a command reads it: making the stream costs a command that does not ~5 ms.
  get stdin() {
    return process.stdin;
  },
  cwd: process.cwd(),
  // Beside this file once built (dist/cli.js, dist/indexWorker.js).
  indexWorker: fileURLToPath(new URL('./indexWorker.js', import.meta.url)),
  onInterrupt: (handler) => {
    const on = (): void => handler();
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
    return () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    };
  },
}).then((code) => {
  process.exitCode = code;
});
