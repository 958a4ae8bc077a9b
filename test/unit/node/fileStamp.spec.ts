import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newStamp, resetStampBinding, stampOf, usingStatBinding } from '../../../src/node/fileStamp';

/** Whether this Node has the stat binding the stamps use (Node 20 has it). */
const hasBinding = typeof (process as unknown as { binding?: (n: string) => { stat?: unknown } }).binding?.('fs').stat === 'function';

describe('file stamps (kind, size and times of many paths)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'codex-stamp-'));
    writeFileSync(path.join(dir, 'a.jsonl'), 'x'.repeat(1234));
    mkdirSync(path.join(dir, 'folder'));
    symlinkSync(path.join(dir, 'a.jsonl'), path.join(dir, 'link.jsonl'));
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling.jsonl'));
  });
  after(() => {
    resetStampBinding();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const binding of [true, false]) {
    it(`gives what fs.statSync gives, to the bit (${binding ? "Node's stat binding, once checked" : 'fs.statSync'})`, () => {
      resetStampBinding(binding);
      // A missing path first: it cannot tell whether the binding agrees, so the next one is asked.
      assert.equal(stampOf(path.join(dir, 'missing-first'), newStamp()), null);
      for (const name of ['a.jsonl', 'folder', 'link.jsonl']) {
        const p = path.join(dir, name);
        const st = statSync(p);
        const mine = stampOf(p, newStamp());
        assert.deepEqual(mine, { isFile: st.isFile(), isDirectory: st.isDirectory(), size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs }, name);
      }
      for (const name of ['missing.jsonl', 'dangling.jsonl', 'a.jsonl/below']) assert.equal(stampOf(path.join(dir, name), newStamp()), null, name);
      assert.equal(usingStatBinding(), binding && hasBinding);
    });
  }
});
