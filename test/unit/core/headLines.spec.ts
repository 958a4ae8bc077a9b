// A head read leaves out lines and text it has no use for; what it finds must be what parsing every line finds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { headLine } from '../../../src/core/headLines';
import { HeadSession } from '../../../src/core/headSession';
import { RolloutParser } from '../../../src/core/rolloutParser';
import { headComplete, type RolloutSession } from '../../../src/core/rolloutSession';
import { nodeText } from '../../../src/node/byteText';
import { corpusRollouts } from '../../helpers/codexHome';
import { corpusAvailable } from '../../helpers/corpus';

/** The session a parser finds in every line of `text`. */
function fullSession(text: string): RolloutSession {
  const p = new RolloutParser();
  for (const line of text.split('\n')) p.push(line);
  return p.session;
}

/** The session a head read finds: lines through `headLine` into a `HeadSession`, until the head is complete. */
function headSession(text: string): { session: RolloutSession; complete: boolean; parsed: number } {
  const p = new HeadSession();
  const buf = Buffer.from(text);
  let parsed = 0;
  for (let start = 0; start < buf.length; ) {
    let end = buf.indexOf(10, start);
    if (end === -1) end = buf.length;
    const t = headLine(buf, start, end, p.session, nodeText);
    if (t !== null) {
      parsed += t.length;
      p.push(t);
      if (headComplete(p.session)) return { session: p.session, complete: true, parsed };
    }
    start = end + 1;
  }
  return { session: p.session, complete: headComplete(p.session), parsed };
}

const envelope = (type: string, payload: object, ts = '2026-12-03T10:00:00.000Z'): string => JSON.stringify({ timestamp: ts, type, payload });
const meta = envelope('session_meta', { id: 'cccccccc-0000-0000-0000-000000000001', timestamp: '2026-12-03T10:00:00Z', cwd: '/ws', originator: 'codex_exec', cli_version: '0.169.0', base_instructions: { text: 'You are Codex. '.repeat(400) }, source: 'exec' });
const context = (extra: object = {}): string => envelope('turn_context', { cwd: '/ws', approval_policy: 'never', ...extra, model: 'gpt-5.5', user_instructions: '# AGENTS.md\n'.repeat(300) });
const user = (...texts: string[]): string => envelope('response_item', { type: 'message', role: 'user', content: texts.map((text) => ({ type: 'input_text', text })) });
const file = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('head lines (what a head read parses)', () => {
  (corpusAvailable() ? it : it.skip)('finds in every corpus rollout what parsing every line finds, parsing a fraction of it', () => {
    let parsed = 0;
    let whole = 0;
    for (const r of corpusRollouts()) {
      const text = readFileSync(r.file, 'utf8');
      const head = headSession(text);
      const full = fullSession(text);
      assert.deepEqual(head.session, full, r.file);
      parsed += head.parsed;
      whole += text.length;
    }
    assert.ok(parsed < whole / 4, `${parsed} of ${whole} characters parsed`);
  });

  it('leaves out injected context told from its start, and parses anything it cannot be sure of', () => {
    const cases: [string, string[], string | null][] = [
      ['injected messages first, then the prompt', [user('# AGENTS.md instructions for /ws\n\n<INSTRUCTIONS>\nx'), user('<environment_context>\n  <cwd>/ws</cwd>\n</environment_context>'), user('Fix the tests')], 'Fix the tests'],
      ['an injected part and a prompt in one message', [user('<environment_context><cwd>/ws</cwd></environment_context>', 'The real request')], 'The real request'],
      ['a prompt that only looks like a tag at first', [user('<task>Rename the module</task>')], '<task>Rename the module</task>'],
      ['a wrapped block that is all of the message', [user('<turn_aborted>The user stopped</turn_aborted>'), user('Go on')], 'Go on'],
      ['a block followed by more text', [user(`<foo_bar>${'x'.repeat(100)}</foo_bar> and the request`)], `<foo_bar>${'x'.repeat(100)}</foo_bar> and the request`],
      ['an IDE request after attached context', [user('# Context from my IDE setup:\n\n## My request for Codex:\nExplain utils.ts')], 'Explain utils.ts'],
      ['a start with escapes', [user('\n\n  <environment_context>\n</environment_context>'), user('Then this')], 'Then this'],
      ['an empty message', [user(''), user('Hello')], 'Hello'],
      ['a long injected block', [user(`<skills_instructions>${'s'.repeat(5000)}</skills_instructions>`), user('Use the skill')], 'Use the skill'],
      ['non-ASCII text', [user('<environment_context>✓</environment_context>'), user('Grüße — répare les tests')], 'Grüße — répare les tests'],
    ];
    for (const [name, messages, title] of cases) {
      for (const order of [[meta, context(), ...messages], [meta, ...messages, context()]]) {
        const text = file(...order);
        const head = headSession(text);
        assert.equal(head.session.title, title, name);
        assert.deepEqual(head.session, fullSession(text), name);
        if (name === 'a long injected block') assert.ok(head.parsed < 3000, `the injected block was left out (${head.parsed} characters parsed)`);
      }
    }
  });

  it('empties the instructions of session_meta and turn_context, wherever they sit among the fields', () => {
    const before = envelope('turn_context', { user_instructions: 'long '.repeat(1000), cwd: '/ws', model: 'gpt-5-codex', collaboration_mode: { settings: { developer_instructions: null } } });
    const nested = envelope('turn_context', { cwd: '/ws', collaboration_mode: { settings: { developer_instructions: 'n '.repeat(2000) } }, model: 'o3' });
    for (const ctx of [context(), before, nested]) {
      const text = file(meta, ctx, user('Go'));
      const head = headSession(text);
      assert.deepEqual(head.session, fullSession(text));
      assert.ok(head.parsed < 2000, `parsed ${head.parsed} characters`);
    }
    // A line whose instruction string never ends (cut short) is passed whole, for the parser to judge.
    const cut = meta.slice(0, 3000);
    const b = Buffer.from(cut);
    assert.equal(headLine(b, 0, b.length, new RolloutParser().session, nodeText), cut);
  });
});
