import assert from 'node:assert/strict';
import { webviewMessageSchema } from '../../../src/shared/protocol';

describe('webview → host protocol', () => {
  it('accepts every well-formed message', () => {
    for (const m of [
      { type: 'ready' }, { type: 'stop' }, { type: 'followUp', text: 'go on' }, { type: 'openDiff', itemId: 'item_4', change: 0 },
      { type: 'openOutput', itemId: 'c1' }, { type: 'openLink', href: 'https://example.com' }, { type: 'copy', text: '' },
      { type: 'action', action: 'signIn' }, { type: 'player', action: 'play' }, { type: 'player', action: 'speed', speed: 16 },
    ]) assert.ok(webviewMessageSchema.safeParse(m).success, JSON.stringify(m));
  });

  it('rejects forged messages: wrong types, extra fields, unknown actions, huge or negative values', () => {
    for (const m of [
      null, 'stop', [], { type: 'exec', cmd: 'rm -rf /' }, { type: 'stop', now: true }, { type: 'followUp', text: '' },
      { type: 'followUp', text: 'x'.repeat(100_001) }, { type: 'openDiff', itemId: 'a', change: -1 }, { type: 'openDiff', itemId: 'a', change: 1.5 },
      { type: 'openDiff', itemId: '', change: 0 }, { type: 'action', action: 'runShell' }, { type: 'player', action: 'speed', speed: 3 },
      { type: 'openLink', href: 'x'.repeat(9000) }, { type: 'openOutput', itemId: 'a', path: '/etc/passwd' },
    ]) assert.equal(webviewMessageSchema.safeParse(m).success, false, JSON.stringify(m)?.slice(0, 80));
  });
});
