import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The read-only corpus of real CLI output beside the checkout (`../shared/corpus`). */
export const CORPUS_DIR = process.env.CODEX_SESSIONS_CORPUS ?? path.resolve(import.meta.dirname, '../../../shared/corpus');

/** Whether the corpus is present. */
export function corpusAvailable(): boolean {
  return existsSync(CORPUS_DIR);
}

/** Version folders in the corpus, e.g. `0.169.0`. */
export function corpusVersions(): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((d) => d.startsWith('codex-') && statSync(path.join(CORPUS_DIR, d)).isDirectory())
    .map((d) => d.slice('codex-'.length));
}

/** Absolute path of a corpus file. */
export function corpusFile(version: string, name: string): string {
  return path.join(CORPUS_DIR, `codex-${version}`, name);
}

/** Contents of a corpus file. */
export function readCorpus(version: string, name: string): string {
  return readFileSync(corpusFile(version, name), 'utf8');
}

/** Files of a version folder (top level only). */
export function corpusFiles(version: string): string[] {
  return readdirSync(path.join(CORPUS_DIR, `codex-${version}`));
}

/** All rollout files below a folder, recursively. */
export function rolloutFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...rolloutFiles(p));
    else if (/^rollout-.*\.jsonl$/.test(e.name)) out.push(p);
  }
  return out;
}
