import { createReadStream } from 'node:fs';
import { LineSplitter } from '../core/lineSplitter';
import { queryRegExp, rawLineFilter, searchableTexts, snippets, type SearchKind } from '../core/rolloutSearch';
import type { SessionFile } from './sessionFiles';

/** One match in a session. */
export interface SearchMatch {
  kind: SearchKind;
  /** 1-based line of the rollout file. */
  line: number;
  snippet: string;
  /** Where the match is in `snippet` (start, end). */
  match: [number, number];
}

/** The matches of one session. */
export interface SearchHit<F extends SessionFile = SessionFile> {
  session: F;
  matches: SearchMatch[];
  /** More matches were found than kept. */
  more: boolean;
}

/** Progress of a search. */
export interface SearchProgress {
  filesDone: number;
  filesTotal: number;
}

/** Options of {@link searchSessions}. */
export interface SearchOptions<F extends SessionFile> {
  signal?: AbortSignal;
  onProgress?: (p: SearchProgress) => void;
  /** Called as soon as a session's file has been searched and matched. */
  onHit?: (hit: SearchHit<F>) => void;
  /** Matches kept per session (default 5). */
  maxMatches?: number;
  /** Files read at once (default 4). */
  concurrency?: number;
}

async function searchFile<F extends SessionFile>(session: F, query: string, maxMatches: number, signal?: AbortSignal): Promise<SearchHit<F> | null> {
  const mayMatch = rawLineFilter(query);
  const re = queryRegExp(query)!;
  const splitter = new LineSplitter(16 * 1024 * 1024);
  const matches: SearchMatch[] = [];
  const seen = new Set<string>();
  let lineNo = 0;
  let more = false;
  const take = (text: string): void => {
    lineNo++;
    if (!mayMatch(text)) return;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      return; // a cut line: nothing to show from it
    }
    for (const t of searchableTexts(obj)) {
      for (const s of snippets(t.text, re)) {
        const key = `${t.kind}\u0000${s.text}`;
        if (seen.has(key)) continue; // the same text recorded twice (response item and event)
        seen.add(key);
        if (matches.length >= maxMatches) more = true;
        else matches.push({ kind: t.kind, line: lineNo, snippet: s.text, match: s.match });
      }
    }
  };
  try {
    for await (const chunk of createReadStream(session.path, { highWaterMark: 256 * 1024, ...(signal ? { signal } : {}) })) {
      for (const l of splitter.push(chunk as Buffer)) take(l.text);
    }
  } catch (e) {
    if (signal?.aborted) throw e;
    return null; // vanished or unreadable: not a match
  }
  for (const l of splitter.end()) take(l.text);
  return matches.length ? { session, matches, more } : null;
}

/**
 * Full-text search over session contents (prompts, messages, reasoning, commands, outputs, patches and their file
 * paths), streaming every file line by line, case-insensitive. Lines are only parsed when their raw text can
 * contain the query. Hits are reported as they are found and returned in the order of `sessions`; `signal` stops
 * the search (the promise rejects with its reason).
 */
export async function searchSessions<F extends SessionFile>(sessions: readonly F[], query: string, opts: SearchOptions<F> = {}): Promise<SearchHit<F>[]> {
  if (query.trim() === '') return [];
  const results: (SearchHit<F> | null)[] = new Array<SearchHit<F> | null>(sessions.length).fill(null);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < sessions.length) {
      opts.signal?.throwIfAborted();
      const i = next++;
      const hit = await searchFile(sessions[i]!, query, opts.maxMatches ?? 5, opts.signal);
      results[i] = hit;
      if (hit) opts.onHit?.(hit);
      opts.onProgress?.({ filesDone: ++done, filesTotal: sessions.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, sessions.length)) }, worker));
  return results.filter((h): h is SearchHit<F> => h !== null);
}
