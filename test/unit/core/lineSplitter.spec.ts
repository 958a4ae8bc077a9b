import assert from 'node:assert/strict';
import { LineSplitter } from '../../../src/core/lineSplitter';

describe('LineSplitter', () => {
  it('splits on \\n and \\r\\n across chunk boundaries, decoding UTF-8 split between chunks', () => {
    const bytes = new TextEncoder().encode('a😀b\r\nsecond\nthi');
    const s = new LineSplitter();
    const lines: string[] = [];
    for (let i = 0; i < bytes.length; i++) lines.push(...s.push(bytes.slice(i, i + 1)).map((l) => l.text));
    lines.push(...s.end().map((l) => l.text));
    assert.deepEqual(lines, ['a😀b', 'second', 'thi']);
  });

  it('cuts lines over the limit and says by how much, in one chunk or many', () => {
    const s = new LineSplitter(4);
    assert.deepEqual(s.push('abcdefgh\nxy'), [{ text: 'abcd', overflowChars: 4 }]);
    assert.deepEqual(s.push('zzzz'), []);
    assert.deepEqual(s.push('zz\nok\n'), [{ text: 'xyzz', overflowChars: 4 }, { text: 'ok' }]);
    assert.deepEqual(s.end(), []);
  });

  it('returns nothing at the end when the input ended with a newline', () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push('one\n').map((l) => l.text), ['one']);
    assert.deepEqual(s.end(), []);
  });
});
