import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RolloutParser } from '../../../src/core/rolloutParser';
import { parseRolloutText } from '../../../src/core/rolloutReplay';
import { corpusRollouts } from '../../helpers/codexHome';
import { corpusAvailable } from '../../helpers/corpus';

/*
 * Real CLIs leave rollouts cut short (a crash, a kill, a file being written while read). Every prefix of every
 * corpus rollout, cut at a line boundary or inside a line, must parse without throwing, report at most the one cut
 * line, and never count more tokens than the whole file.
 */
(corpusAvailable() ? describe : describe.skip)('rollouts cut short', () => {
  for (const r of corpusAvailable() ? corpusRollouts() : []) {
    it(`${r.version} ${r.run}: every line boundary and mid-line cut`, () => {
      const text = readFileSync(r.file, 'utf8');
      const whole = parseRolloutText(text);
      const lines = text.split('\n');
      if (lines.at(-1) === '') lines.pop();
      let lastItems = 0;
      for (let k = 0; k <= lines.length; k++) {
        const prefix = lines.slice(0, k).join('\n');
        const { state, session } = parseRolloutText(k ? `${prefix}\n` : '');
        assert.equal(state.skipped_lines + state.unknown_events, 0, `cut after line ${k}: ${JSON.stringify(state.diagnostics)}`);
        assert.ok(state.items.length >= lastItems, `cut after line ${k}: items went from ${lastItems} to ${state.items.length}`);
        lastItems = state.items.length;
        assert.ok((state.usage?.input_tokens ?? 0) <= (whole.state.usage?.input_tokens ?? 0), `cut after line ${k}: usage exceeds the whole file's`);
        if (session.title !== null) assert.equal(session.title, whole.session.title);
        if (k === lines.length) continue;
        const next = lines[k]!;
        for (const at of [1, Math.floor(next.length / 2), next.length - 1]) {
          if (at <= 0 || at >= next.length) continue;
          const cut = parseRolloutText(`${prefix}${k ? '\n' : ''}${next.slice(0, at)}`);
          assert.ok(cut.state.skipped_lines <= 1, `cut inside line ${k + 1} at ${at}`);
          if (cut.state.skipped_lines) {
            assert.equal(cut.state.diagnostics[0]!.line, k + 1);
            assert.match(cut.state.diagnostics[0]!.reason, /malformed JSON/);
          }
          assert.ok((cut.state.usage?.input_tokens ?? 0) <= (whole.state.usage?.input_tokens ?? 0));
        }
      }
    });
  }

  it('reports corrupt lines in the middle and shows everything else', () => {
    const r = corpusRollouts().find((x) => x.version === '0.169.0' && x.run === 'sessions')!;
    const lines = readFileSync(r.file, 'utf8').split('\n');
    lines.splice(10, 0, '{"timestamp":"2026-11-21T08:08:12.593Z","type":"response_item","payl', '\u0000garbage', '[1,2,3]', '');
    const { state } = parseRolloutText(lines.join('\n'));
    assert.equal(state.skipped_lines, 3);
    assert.deepEqual(state.diagnostics.map((d) => d.line), [11, 12, 13]);
    assert.equal(state.status, 'completed');
    assert.equal(state.items.filter((i) => i.type === 'command_execution').length, 2);
    assert.equal(state.usage?.input_tokens, 21066);
  });

  it('keeps diagnostics short for huge corrupt lines', () => {
    const parser = new RolloutParser();
    const [d] = parser.push(`{"type":"${'x'.repeat(100_000)}`);
    assert.equal(d?.type, 'diagnostic');
    assert.ok(d.type === 'diagnostic' && d.raw.length < 600);
  });
});
