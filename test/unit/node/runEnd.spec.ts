import assert from 'node:assert/strict';
import { classifyFailure } from '../../../src/core/failure';
import { reduceEvents } from '../../../src/core/threadReducer';
import { exitMessage } from '../../../src/node/codexRunner';

describe('how a run that codex ended by itself is reported', () => {
  it('says nothing after a clean exit, the code and stderr line after a failing one, the signal after a kill', () => {
    assert.equal(exitMessage(0, null, 'WARNING: x'), undefined);
    assert.equal(exitMessage(null, null, ''), undefined);
    assert.equal(exitMessage(2, null, 'Error: unexpected argument --foo\n'), 'codex exited with code 2: Error: unexpected argument --foo');
    assert.equal(exitMessage(1, null, ''), 'codex exited with code 1.');
    assert.equal(exitMessage(null, 'SIGKILL', 'anything'), 'codex was killed by SIGKILL.');
  });

  it('a codex killed by a signal nobody here sent fails as a crash, not as an interrupted thread', () => {
    const message = exitMessage(null, 'SIGKILL', '');
    const state = reduceEvents([{ type: 'turn.started' }, { type: 'run.ended', reason: 'exit', exit_code: null, ...(message ? { message } : {}) }]);
    assert.equal(state.status, 'failed');
    assert.equal(state.turns[0]?.error, 'codex was killed by SIGKILL.');
    assert.equal(classifyFailure(state, { reason: 'exit', signal: 'SIGKILL' })?.kind, 'crash');
    // Without a message (a stream that simply ends), the thread stays incomplete.
    assert.equal(reduceEvents([{ type: 'turn.started' }, { type: 'run.ended', reason: 'exit', exit_code: null }]).status, 'incomplete');
  });
});
