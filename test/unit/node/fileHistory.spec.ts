import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileHistory } from '../../../src/node/fileHistory';

describe('FileHistory (diffs without git)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'cs-hist-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives each change its own before and after, from the snapshot and earlier changes', async () => {
    const f = path.join(dir, 'a.txt');
    writeFileSync(f, 'v0\n');
    const h = new FileHistory();
    await h.capture(dir);
    writeFileSync(f, 'v1\n');
    await h.recordAfter('c1', f);
    writeFileSync(f, 'v2\n');
    await h.recordAfter('c2', f);
    assert.deepEqual(h.before('c1', f, 'update'), { kind: 'text', text: 'v0\n' });
    assert.deepEqual(await h.afterChange('c1', f), { kind: 'text', text: 'v1\n' });
    assert.deepEqual(h.before('c2', f, 'update'), { kind: 'text', text: 'v1\n' });
    assert.deepEqual(await h.afterChange('c2', f), { kind: 'text', text: 'v2\n' });
  });

  it('knows added files were absent, and says why a before is unknown', async () => {
    mkdirSync(path.join(dir, 'node_modules'));
    writeFileSync(path.join(dir, 'node_modules', 'dep.js'), 'x');
    const h = new FileHistory();
    const r = await h.capture(dir);
    assert.equal(r.files, 0);
    assert.deepEqual(h.before('c', path.join(dir, 'new.txt'), 'add'), { kind: 'absent' });
    assert.equal(h.before('c', path.join(dir, 'node_modules', 'dep.js'), 'update').kind, 'unknown');
    assert.deepEqual(await h.afterChange('c', path.join(dir, 'gone.txt')), { kind: 'absent' });
  });

  it('stays within its limits and skips binary files', async () => {
    for (let i = 0; i < 10; i++) writeFileSync(path.join(dir, `f${i}.txt`), 'x'.repeat(100));
    writeFileSync(path.join(dir, 'bin.dat'), Buffer.from([1, 0, 2]));
    const h = new FileHistory();
    const r = await h.capture(dir, { maxFiles: 3, maxFileBytes: 1000, maxTotalBytes: 10_000 });
    assert.equal(r.files, 3);
    assert.equal(r.truncated, true);
    assert.match((h.before('x', path.join(dir, 'f9.txt'), 'update') as { reason: string }).reason ?? '', /limits|snapshot/);
  });
});
