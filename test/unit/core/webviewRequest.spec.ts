import assert from 'node:assert/strict';
import { decideLink, parseWebviewMessage } from '../../../src/core/webviewRequest';

const ctx = { cwd: '/work/proj', workspaceRoots: ['/work/proj'] };

/** Messages a compromised page could post: none may be accepted. */
export const FORGED: [string, unknown][] = [
  ['null', null], ['undefined', undefined], ['a string', 'stop'], ['a number', 42], ['an array', [{ type: 'stop' }]],
  ['an array with a type', Object.assign([], { type: 'stop' })],
  ['no type', {}], ['type null', { type: null }], ['type number', { type: 1 }], ['unknown type', { type: 'exec', cmd: 'rm -rf /' }],
  ['runCommand', { type: 'runCommand', command: 'workbench.action.terminal.new' }], ['eval', { type: 'eval', code: 'process.exit()' }],
  ['type with spaces', { type: ' stop' }], ['type upper case', { type: 'STOP' }], ['type array', { type: ['stop'] }],
  ['extra field on stop', { type: 'stop', now: true }], ['extra field on ready', { type: 'ready', taskId: '../other' }],
  ['openOutput with a path', { type: 'openOutput', itemId: 'c1', path: '/etc/passwd' }],
  ['openDiff with a path', { type: 'openDiff', itemId: 'f', change: 0, path: '../../etc/passwd' }],
  ['openDiff negative', { type: 'openDiff', itemId: 'f', change: -1 }], ['openDiff fraction', { type: 'openDiff', itemId: 'f', change: 0.5 }],
  ['openDiff huge index', { type: 'openDiff', itemId: 'f', change: 1e12 }], ['openDiff NaN', { type: 'openDiff', itemId: 'f', change: Number.NaN }],
  ['openDiff string index', { type: 'openDiff', itemId: 'f', change: '0' }], ['openDiff empty id', { type: 'openDiff', itemId: '', change: 0 }],
  ['openDiff id object', { type: 'openDiff', itemId: { toString: () => 'f' }, change: 0 }],
  ['openOutput id too long', { type: 'openOutput', itemId: 'x'.repeat(513) }], ['openOutput no id', { type: 'openOutput' }],
  ['openLink no href', { type: 'openLink' }], ['openLink empty', { type: 'openLink', href: '' }],
  ['openLink 9 KB', { type: 'openLink', href: `https://e.com/${'x'.repeat(9000)}` }], ['openLink object', { type: 'openLink', href: { url: 'x' } }],
  ['openLink extra target', { type: 'openLink', href: 'a.ts', target: '/etc/passwd' }],
  ['followUp empty', { type: 'followUp', text: '' }], ['followUp 100 KB + 1', { type: 'followUp', text: 'x'.repeat(100_001) }],
  ['followUp 11 MB', { type: 'followUp', text: 'x'.repeat(11_000_000) }], ['followUp number', { type: 'followUp', text: 1 }],
  ['followUp with cwd', { type: 'followUp', text: 'hi', cwd: '/' }], ['followUp with model', { type: 'followUp', text: 'hi', args: ['--dangerously-bypass-approvals-and-sandbox'] }],
  ['copy 11 MB', { type: 'copy', text: 'x'.repeat(11_000_000) }], ['copy 50 MB', { type: 'copy', text: 'x'.repeat(50_000_000) }],
  ['copy missing text', { type: 'copy' }], ['action unknown', { type: 'action', action: 'runShell' }],
  ['action prototype name', { type: 'action', action: 'constructor' }], ['action __proto__', { type: 'action', action: '__proto__' }],
  ['action toString', { type: 'action', action: 'toString' }], ['action array', { type: 'action', action: ['signIn'] }],
  ['player unknown action', { type: 'player', action: 'seek' }], ['player speed 3', { type: 'player', action: 'speed', speed: 3 }],
  ['player speed string', { type: 'player', action: 'speed', speed: '16' }], ['player speed Infinity', { type: 'player', action: 'speed', speed: Infinity }],
  ['__proto__ key (JSON)', JSON.parse('{"type":"stop","__proto__":{"polluted":true}}')],
  ['__proto__ key on followUp', JSON.parse('{"type":"followUp","text":"hi","__proto__":{"cwd":"/"}}')],
  ['constructor.prototype key', JSON.parse('{"type":"stop","constructor":{"prototype":{"polluted":true}}}')],
  ['prototype key', { type: 'stop', prototype: { polluted: true } }],
  ['type inherited from a prototype', Object.create({ type: 'stop' })],
  ['class instance', new (class Msg { type = 'stop'; })()],
  ['a getter for type', { get type() { return 'stop'; } }],
  ['a Map', new Map([['type', 'stop']])], ['a Date', new Date()], ['a function', () => ({ type: 'stop' })],
  ['deeply nested extra', { type: 'stop', x: JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`) }],
  ['1000 extra keys', Object.fromEntries([['type', 'ready'], ...Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])])],
];

describe('webview requests: forged messages and links (the host-side decisions)', () => {
  it(`rejects every forged message (${FORGED.length} kinds), and checks nothing of Object.prototype`, () => {
    const accepted = FORGED.filter(([, m]) => parseWebviewMessage(m).ok).map(([n]) => n);
    assert.deepEqual(accepted, []);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    console.log(`      forged messages rejected: ${FORGED.length}/${FORGED.length}`);
  });

  it('says why a message was rejected', () => {
    const r = parseWebviewMessage({ type: 'openDiff', itemId: 'f', change: -1 });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /^change: /);
  });

  it('accepts every well-formed message as it is, with nothing added', () => {
    for (const m of [
      { type: 'ready' }, { type: 'stop' }, { type: 'followUp', text: 'go on' }, { type: 'openDiff', itemId: 'item_4', change: 0 },
      { type: 'openOutput', itemId: 'c1' }, { type: 'openLink', href: 'https://example.com' }, { type: 'copy', text: 'x'.repeat(10_000_000) },
      { type: 'action', action: 'signIn' }, { type: 'player', action: 'play' }, { type: 'player', action: 'speed', speed: 16 },
      JSON.parse('{"type":"openLink","href":"src/a.ts:3"}'), Object.assign(Object.create(null), { type: 'stop' }),
    ]) {
      const r = parseWebviewMessage(m);
      assert.ok(r.ok, JSON.stringify(m).slice(0, 80));
      assert.deepEqual(r.value, { ...m });
    }
  });

  it('opens http(s) links in the browser and nothing else with a scheme', () => {
    assert.deepEqual(decideLink('https://example.com/a?b=1#c', ctx), { kind: 'external', url: 'https://example.com/a?b=1#c' });
    assert.deepEqual(decideLink('  HTTP://Example.com ', ctx), { kind: 'external', url: 'http://example.com/' });
    for (const href of [
      'javascript:alert(1)', 'JavaScript:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>1</script>', 'vbscript:msgbox',
      'command:workbench.action.terminal.new', 'vscode://vscode.git/clone?url=x', 'vscode-webview://x', 'mailto:a@b.c', 'ftp://x/y',
      'java\tscript:alert(1)', 'java\nscript:alert(1)', 'https://exa\u0000mple.com', 'http://', 'https://[::1',
    ]) assert.equal(decideLink(href, ctx).kind, 'refused', href);
  });

  it('opens paths in an editor at the line, and flags those outside the workspace', () => {
    assert.deepEqual(decideLink('src/a.ts:3', ctx), { kind: 'file', path: '/work/proj/src/a.ts', line: 2, inWorkspace: true });
    assert.deepEqual(decideLink('./src/a.ts:3:7', ctx), { kind: 'file', path: '/work/proj/src/a.ts', line: 2, inWorkspace: true });
    assert.deepEqual(decideLink('src/a%20b.ts', ctx), { kind: 'file', path: '/work/proj/src/a b.ts', line: 0, inWorkspace: true });
    assert.deepEqual(decideLink('file:///work/proj/x.ts', ctx), { kind: 'file', path: '/work/proj/x.ts', line: 0, inWorkspace: true });
    for (const href of ['../../etc/passwd', '/etc/passwd', '/etc/shadow:1', 'file:///etc/passwd', 'src/../../proj2/x', '/work/project/x', '%2e%2e/%2e%2e/etc/passwd', 'C:\\Windows\\system32']) {
      const d = decideLink(href, ctx);
      assert.equal(d.kind, 'file', href);
      assert.equal(d.kind === 'file' && d.inWorkspace, false, href);
    }
    assert.equal(decideLink('src/a%00.ts', ctx).kind, 'refused');
    const win = decideLink('C:\\Proj\\src\\a.ts:9', { cwd: 'C:\\Proj', workspaceRoots: ['c:\\proj'], caseInsensitive: true });
    assert.deepEqual(win, { kind: 'file', path: 'c:/proj/src/a.ts', line: 8, inWorkspace: true });
    assert.equal((decideLink('D:\\Proj\\a.ts', { cwd: 'C:\\Proj', workspaceRoots: ['C:\\Proj'] }) as { inWorkspace: boolean }).inWorkspace, false);
  });
});
