import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CORPUS_DIR, corpusVersions, rolloutFiles } from './corpus';

/** A rollout of the corpus: the version, the run folder it came from (`sessions`, `sessions-error`, …) and its path. */
export interface CorpusRollout {
  version: string;
  run: string;
  file: string;
}

/** Every rollout file of the corpus. */
export function corpusRollouts(): CorpusRollout[] {
  const out: CorpusRollout[] = [];
  for (const version of corpusVersions()) {
    const dir = path.join(CORPUS_DIR, `codex-${version}`);
    for (const run of readdirSync(dir).filter((d) => d.startsWith('sessions'))) {
      for (const file of rolloutFiles(path.join(dir, run))) out.push({ version, run, file });
    }
  }
  return out;
}

/**
 * A throwaway CODEX_HOME holding every corpus rollout as the CLI lays them out: main, error and proto runs under
 * `sessions/` (dated folders, or flat for 0.1.x), and the grown after-resume copies flat in `archived_sessions/`
 * (so the same id exists live and archived). The caller removes it with `rmSync(home, { recursive: true })`.
 */
export function makeCorpusCodexHome(): string {
  const home = mkdtempSync(path.join(os.tmpdir(), 'codex-home-'));
  for (const r of corpusRollouts()) {
    const rel = path.relative(path.join(CORPUS_DIR, `codex-${r.version}`, r.run), r.file);
    const dest = r.run === 'sessions-after-resume' ? path.join(home, 'archived_sessions', path.basename(r.file)) : path.join(home, 'sessions', rel);
    mkdirSync(path.dirname(dest), { recursive: true });
    copyFileSync(r.file, dest);
  }
  return home;
}

/** Removes a home made by {@link makeCorpusCodexHome}. */
export function removeHome(home: string): void {
  rmSync(home, { recursive: true, force: true });
}
