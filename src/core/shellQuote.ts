const SAFE = /^[A-Za-z0-9_\-.,/:=@%+]+$/;

/** Joins an argv into one POSIX shell command line, quoting only where needed (as codex displays commands). */
export function shellJoin(argv: readonly string[]): string {
  return argv.map((a) => (a !== '' && SAFE.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
