import { closeSync, openSync, writeSync } from 'node:fs';
import { outputPools, prng } from './execStream';
import { inflatedRepeat, poolText, render, type Pattern, type RolloutTemplate } from './rolloutTemplates';

/** What {@link generateBigRollout} wrote. */
export interface BigRollout {
  path: string;
  /** The corpus rollout it was made of. */
  template: string;
  bytes: number;
  lines: number;
  /** How many times the template's turns were repeated after the file itself. */
  repetitions: number;
}

/** How much a tool output grows: most stay as captured, some by KBs, a few by hundreds of KB (build and test logs). */
function extraSize(rand: () => number): number {
  const r = rand();
  const logUniform = (lo: number, hi: number): number => Math.round(lo * (hi / lo) ** rand());
  if (r < 0.5) return 0;
  if (r < 0.9) return logUniform(1_000, 16_000);
  if (r < 0.99) return logUniform(16_000, 128_000);
  return logUniform(128_000, 512_000);
}

/**
 * One long session of `version` (default 0.169.0, its main run): the corpus file, then its turns again and again,
 * each repetition with its own call, item and turn ids and with larger tool outputs, until `targetBytes`.
 */
export function generateBigRollout(path: string, templates: RolloutTemplate[], targetBytes: number, version = '0.169.0', seed = 3): BigRollout {
  const t = templates.find((x) => x.version === version && x.run === 'sessions');
  if (!t) throw new Error(`no main-run rollout of ${version} in the corpus`);
  const rand = prng(seed);
  const pools = outputPools(rand);
  const variants: Pattern[] = Array.from({ length: 24 }, () =>
    inflatedRepeat(t, () => {
      const size = extraSize(rand);
      return size ? poolText(rand() < 0.3 ? pools.rich : pools.ascii, size, rand) : '';
    }),
  );
  const values = { SID: '01a1fd26-0fa6-7ee1-8045-917ff34d0510', DATE: '2026-11-21', TITLE: 'Refactor the session index and profile the replay', REP: '' };
  const res: BigRollout = { path, template: t.file, bytes: 0, lines: 0, repetitions: 0 };
  const fd = openSync(path, 'w');
  try {
    let out: string[] = [];
    const flush = (): void => {
      const text = out.join('');
      out = [];
      res.bytes += writeSync(fd, text);
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) res.lines++;
    };
    render(t.whole, values, out);
    for (let rep = 1; res.bytes < targetBytes; rep++) {
      render(variants[rep % variants.length] as Pattern, { ...values, REP: `_r${rep}` }, out);
      res.repetitions++;
      if (rep % 16 === 0) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return res;
}
