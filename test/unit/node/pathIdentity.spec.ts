import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inFolder, PathCanonicalizer, platformPathOptions, sameFolder } from '../../../src/node/pathIdentity';

describe('path identity on disk', () => {
  let root: string;
  before(() => {
    root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'paths-')));
    mkdirSync(path.join(root, 'private', 'tmp', 'proj', 'src'), { recursive: true });
    symlinkSync(path.join(root, 'private', 'tmp'), path.join(root, 'tmp')); // like macOS /tmp → /private/tmp
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('sees a folder through a symlink as the same folder', async () => {
    assert.ok(await sameFolder(path.join(root, 'tmp', 'proj'), path.join(root, 'private', 'tmp', 'proj/')));
    assert.ok(await inFolder(path.join(root, 'private', 'tmp', 'proj', 'src'), path.join(root, 'tmp', 'proj')));
    assert.ok(!(await sameFolder(path.join(root, 'tmp', 'proj'), path.join(root, 'private', 'tmp'))));
  });

  it('resolves folders that no longer exist through their existing ancestors', async () => {
    const c = new PathCanonicalizer();
    assert.equal(await c.canonical(path.join(root, 'tmp', 'gone', 'deeper')), path.join(root, 'private', 'tmp', 'gone', 'deeper'));
    assert.ok(await sameFolder(path.join(root, 'tmp', 'gone'), path.join(root, 'private', 'tmp', 'gone'), { canonicalizer: c }));
  });

  it('ignores case by default only on Windows and macOS', () => {
    assert.deepEqual(platformPathOptions('win32'), { caseInsensitive: true });
    assert.deepEqual(platformPathOptions('darwin'), { caseInsensitive: true });
    assert.deepEqual(platformPathOptions('linux'), { caseInsensitive: false });
  });
});
