import os from 'node:os';
import path from 'node:path';

/** `$CODEX_HOME`, else `~/.codex` (the CLI's own default). */
export function defaultCodexHome(env: Record<string, string | undefined> = process.env): string {
  return env.CODEX_HOME || path.join(os.homedir(), '.codex');
}
