import assert from 'node:assert/strict';
import { isUnder, normalizePath, samePath } from '../../../src/core/pathCompare';

describe('path comparison', () => {
  it('normalizes separators, trailing slashes, dot segments and file URIs', () => {
    assert.equal(normalizePath('/home/dev/ws/'), '/home/dev/ws');
    assert.equal(normalizePath('/home//dev/./ws/../ws2'), '/home/dev/ws2');
    assert.equal(normalizePath('/'), '/');
    assert.equal(normalizePath('/..'), '/');
    assert.equal(normalizePath('file:///home/dev/my%20ws'), '/home/dev/my ws');
    assert.equal(normalizePath('file:///C:/Users/x'), 'c:/users/x');
    assert.equal(normalizePath('C:\\Users\\X\\'), 'c:/users/x');
    assert.equal(normalizePath('rel/./a/..'), 'rel');
  });

  it('compares trailing slashes and dot segments as the same folder', () => {
    assert.ok(samePath('/home/dev/ws', '/home/dev/ws/'));
    assert.ok(samePath('/home/dev/ws', '/home/dev/other/../ws'));
    assert.ok(!samePath('/home/dev/ws', '/home/dev/ws2'));
  });

  it('ignores case only where told (Windows, macOS), and always on drive paths', () => {
    assert.ok(!samePath('/Users/Me/Proj', '/users/me/proj'));
    assert.ok(samePath('/Users/Me/Proj', '/users/me/proj', { caseInsensitive: true }));
    assert.ok(samePath('C:\\Users\\Me', 'c:/users/me'));
  });

  it('maps WSL spellings of one folder onto each other', () => {
    assert.ok(samePath('/mnt/c/Users/me/proj', 'C:\\Users\\me\\proj'));
    assert.ok(samePath('/mnt/c/Users/me/proj/', 'c:\\users\\ME\\proj'));
    assert.ok(samePath('\\\\wsl$\\Ubuntu\\home\\me\\proj', '/home/me/proj'));
    assert.ok(samePath('\\\\wsl.localhost\\Ubuntu-22.04\\home\\me', '/home/me/'));
    assert.ok(!samePath('/mnt/d/x', 'C:\\x'));
  });

  it('tells whether a folder is under another, by whole segments', () => {
    assert.ok(isUnder('/home/dev/ws/sub', '/home/dev/ws'));
    assert.ok(isUnder('/home/dev/ws', '/home/dev/ws/'));
    assert.ok(!isUnder('/home/dev/ws', '/home/dev/ws', { strict: true }));
    assert.ok(!isUnder('/home/dev/ws2', '/home/dev/ws'));
    assert.ok(!isUnder('/home/dev', '/home/dev/ws'));
    assert.ok(isUnder('/anything', '/'));
    assert.ok(isUnder('/mnt/c/Users/me/proj/src', 'C:\\Users\\me\\proj'));
    assert.ok(isUnder('/Users/Me/Proj/src', '/users/me/proj', { caseInsensitive: true }));
    assert.ok(isUnder('d:/x', 'D:\\'));
  });
});
