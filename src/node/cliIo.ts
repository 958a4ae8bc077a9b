import type { Readable } from 'node:stream';

/** Where the command line reads and writes; injectable for tests. */
export interface CliIo {
  stdout: (text: string) => void;
  /** Bytes for stdout as they are (a large output already encoded); default: decoded and passed to {@link stdout}. */
  stdoutBytes?: (bytes: Uint8Array) => void;
  stderr: (text: string) => void;
  stdin: Readable;
  /** Registers a handler for Ctrl-C; returns a function that removes it. */
  onInterrupt: (handler: () => void) => () => void;
  cwd: string;
  /** The environment (`CODEX_HOME`, `XDG_CACHE_HOME`, `HOME`); default `process.env`. */
  env?: Record<string, string | undefined>;
  /** The built index worker (`dist/cli/indexWorker.js`), which a cold index with usage reads files on; none: one thread. */
  indexWorker?: string;
}

/** Writes bytes to stdout: as they are where `io` takes bytes, else decoded (see {@link CliIo.stdoutBytes}). */
export function writeStdoutBytes(io: CliIo, bytes: Uint8Array): void {
  if (io.stdoutBytes) io.stdoutBytes(bytes);
  else io.stdout(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
}

/** Exit codes of `codex-sessions`. */
export const EXIT = { ok: 0, taskFailed: 1, usage: 2 } as const;

/** Bad usage or unreadable input: reported in one sentence, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Whether `e` is a {@link UsageError}, told by name: commands are loaded with `import()`, and where modules are also
 * loaded through `require` (the unit tests' loader) a command's `UsageError` can be another copy of the class.
 */
export function isUsageError(e: unknown): boolean {
  return e instanceof Error && e.name === 'UsageError';
}
