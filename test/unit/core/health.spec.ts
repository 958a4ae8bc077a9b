import assert from 'node:assert/strict';
import { assessVersion, MINIMUM_CLI_VERSION, NEWEST_TESTED_CLI_VERSION, RECOMMENDED_CLI_VERSION } from '../../../src/core/health';
import { capabilitiesFor, parseCliVersion } from '../../../src/core/version';

const v = (text: string) => parseCliVersion(text)!;

describe('assessVersion', () => {
  it('draws the lines where the runner and the parser change behaviour', () => {
    assert.equal(MINIMUM_CLI_VERSION.raw, '0.20.0');
    assert.equal(RECOMMENDED_CLI_VERSION.raw, '0.44.0');
    // The recommended version is the first with the thread JSON stream; the minimum is the oldest legacy one run.
    assert.equal(capabilitiesFor(RECOMMENDED_CLI_VERSION).flavor, 'thread');
    assert.equal(capabilitiesFor(v('0.43.9')).flavor, 'experimental');
    assert.equal(capabilitiesFor(MINIMUM_CLI_VERSION).resume, 'experimental_resume');
  });

  it('0.1.x research preview: unsupported, no JSON exec mode, history still readable', () => {
    for (const text of ['codex 0.0.2505291458', '0.1.2505291658']) {
      const a = assessVersion(v(text));
      assert.equal(a.status, 'unsupported');
      assert.equal(a.canRun, false);
      assert.match(a.message, /no JSON output/);
      assert.match(a.message, /past sessions can still be browsed/);
      assert.ok(a.fix?.includes('@openai/codex'));
    }
  });

  it('0.2 to 0.19: unsupported, older than the minimum', () => {
    const a = assessVersion(v('codex-cli 0.8.0'));
    assert.equal(a.status, 'unsupported');
    assert.match(a.message, /older than 0\.20\.0/);
  });

  it('0.20 to 0.43: outdated, with what is missing', () => {
    const legacy = assessVersion(v('codex-cli 0.20.0'));
    assert.equal(legacy.status, 'outdated');
    assert.equal(legacy.canRun, true);
    assert.ok(legacy.limitations.some((l) => /does not exit/.test(l)));
    assert.ok(legacy.limitations.some((l) => /experimental_resume/.test(l)));
    assert.match(legacy.message, /0\.44\.0 or newer is recommended/);
    assert.ok(!assessVersion(v('0.29.0')).limitations.some((l) => /does not exit/.test(l)));
    const experimental = assessVersion(v('codex-cli 0.42.0'));
    assert.equal(experimental.status, 'outdated');
    assert.ok(experimental.limitations.some((l) => /no token usage/.test(l)));
  });

  it('0.44 and newer: ok, with a note past the newest tested version', () => {
    for (const text of ['0.44.0', '0.45.0', '0.100.0', 'codex-cli 0.169.0']) {
      const a = assessVersion(v(text));
      assert.deepEqual([a.status, a.canRun, a.limitations, a.newerThanTested, a.fix], ['ok', true, [], false, undefined], text);
      assert.match(a.message, /is supported\.$/);
    }
    const next = assessVersion(v('codex-cli 0.170.0'));
    assert.equal(next.status, 'ok');
    assert.equal(next.newerThanTested, true);
    assert.match(next.message, new RegExp(`newer than the newest version tested \\(${NEWEST_TESTED_CLI_VERSION.raw.replace(/\./g, '\\.')}\\)`));
    assert.equal(assessVersion(v('1.0.0')).status, 'ok');
  });

  it('unknown when the version could not be read: tasks are still tried', () => {
    const a = assessVersion(null);
    assert.deepEqual([a.status, a.version, a.canRun], ['unknown', null, true]);
    assert.match(a.message, /could not be read/);
  });
});
