import assert from 'node:assert/strict';
import { lastStderrLine } from '../../../src/node/codexRunner';

describe('stderr to one sentence', () => {
  it('takes the Error line, not the backtrace after it', () => {
    const stderr = 'WARNING: proceeding, even though …\nError: thread/resume failed: provider "mock" is no longer configured.\n\nStack backtrace:\n   0: <unknown>\n  11: <unknown>\n';
    assert.equal(lastStderrLine(stderr), 'Error: thread/resume failed: provider "mock" is no longer configured.');
  });
  it('falls back to the last plain line, skipping warnings', () => {
    assert.equal(lastStderrLine('something broke\nWARNING: x\n'), 'something broke');
    assert.equal(lastStderrLine(''), undefined);
  });
});
