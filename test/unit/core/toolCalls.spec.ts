import assert from 'node:assert/strict';
import { parseApplyPatch, parseToolOutput, patchFromScript, shellRequest } from '../../../src/core/toolCalls';

describe('tool calls in rollouts', () => {
  it('reads every output shape', () => {
    assert.deepEqual(parseToolOutput('{"output":"hi\\n","metadata":{"exit_code":0,"duration_seconds":0.25}}'), { text: 'hi\n', exitCode: 0, durationMs: 250, rejected: false });
    assert.deepEqual(parseToolOutput('Exit code: 2\nWall time: 1.5 seconds\nOutput:\nno\n'), { text: 'no\n', exitCode: 2, durationMs: 1500, rejected: false });
    assert.deepEqual(parseToolOutput('Chunk ID: 1\nWall time: 0.0100 seconds\nProcess running with session ID 3\nOriginal token count: 1\nOutput:\n'), {
      text: '',
      exitCode: null,
      durationMs: 10,
      runningSession: 3,
      rejected: false,
    });
    assert.deepEqual(parseToolOutput([{ type: 'input_text', text: 'a' }, { type: 'input_text', text: 'b' }]), { text: 'ab', exitCode: null, rejected: false });
    assert.equal(parseToolOutput('execution error: sandbox denied').rejected, true);
    assert.equal(parseToolOutput('unsupported call: update_plan').rejected, true);
    assert.deepEqual(parseToolOutput('{not json'), { text: '{not json', exitCode: null, rejected: false });
    assert.equal(parseToolOutput(undefined).text, '');
  });

  it('reads shell arguments of every tool generation', () => {
    assert.deepEqual(shellRequest({ command: ['bash', '-lc', 'ls -la'], workdir: '/w' }), { command: 'ls -la', patch: null, workdir: '/w' });
    assert.deepEqual(shellRequest({ command: ['git', 'commit', '-m', 'a b'] }), { command: "git commit -m 'a b'", patch: null });
    assert.deepEqual(shellRequest({ cmd: 'npm test' }), { command: 'npm test', patch: null });
    assert.equal(shellRequest({ command: 'echo hi' })?.command, 'echo hi');
    assert.equal(shellRequest({ session_id: 1 }), null);
    assert.equal(shellRequest({ command: ['applypatch', '*** Begin Patch\n*** End Patch'] })?.patch, '*** Begin Patch\n*** End Patch');
  });

  it('finds a patch only in an apply_patch heredoc', () => {
    assert.equal(patchFromScript("apply_patch <<'EOF'\n*** Begin Patch\n*** End Patch\nEOF"), '*** Begin Patch\n*** End Patch\n');
    assert.equal(patchFromScript('cat <<EOF\nx\nEOF'), null);
    assert.equal(patchFromScript('echo apply_patch'), null);
  });

  it('splits a patch into files, keeping each part as its diff', () => {
    const changes = parseApplyPatch('*** Begin Patch\r\n*** Add File: src/new.ts\r\n+a\r\n+b\r\n*** Update File: C:\\w\\x.ts\r\n@@ ctx\r\n-x\r\n+y\r\n*** End of File\r\n*** End Patch', 'C:\\w');
    assert.deepEqual(changes, [
      { path: 'C:\\w\\src\\new.ts', kind: 'add', diff: 'a\nb\n' },
      { path: 'C:\\w\\x.ts', kind: 'update', diff: '@@ ctx\n-x\n+y\n*** End of File\n' },
    ]);
    assert.deepEqual(parseApplyPatch('garbage'), []);
  });
});
