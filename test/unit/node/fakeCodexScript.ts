import { appendFileSync, chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** How a fake `codex` answers; each field is a shell snippet or text, as the real 0.169 printed it. */
export interface FakeCodexBehaviour {
  /** Body of `codex --version` (default: print `codex-cli 0.169.0`). */
  version?: string;
  /** Body of `codex login status` (default: 0.169's answers, from the presence of `$CODEX_HOME/auth.json` only). */
  loginStatus?: string;
}

/** What 0.169 prints for `codex login status`, keyed on what auth.json is (the fake only checks that it exists). */
export const STATUS_0_169 = {
  loggedOut: 'echo "Not logged in" >&2; exit 1',
  chatgpt: 'echo "Logged in using ChatGPT" >&2',
  apiKey: 'echo "API key configured - sk-fake-***p1234" >&2; echo "Authentication is checked when you send a request." >&2',
  corrupt: 'echo "Error checking login status: failed to deserialize CLI auth from file: key must be a string at line 1 column 2" >&2; exit 1',
};

/**
 * Writes an executable `codex` shell script into `dir` that records each invocation (argv and CODEX_HOME) in
 * `dir/calls.log` and answers `--version` and `login status` as told. Returns the script's path.
 */
export function writeFakeCodex(dir: string, b: FakeCodexBehaviour = {}): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'codex');
  const log = path.join(dir, 'calls.log');
  const status = b.loginStatus ?? `if [ -f "$CODEX_HOME/auth.json" ]; then ${STATUS_0_169.chatgpt}; else ${STATUS_0_169.loggedOut}; fi`;
  writeFileSync(
    file,
    [
      '#!/bin/sh',
      `echo "$* CODEX_HOME=$CODEX_HOME" >> '${log}'`,
      'if [ "$1" = "--version" ]; then',
      b.version ?? '  echo "codex-cli 0.169.0"',
      'elif [ "$1" = "login" ] && [ "$2" = "status" ]; then',
      status,
      'fi',
      '',
    ].join('\n'),
  );
  chmodSync(file, 0o755);
  appendFileSync(log, '');
  return file;
}
