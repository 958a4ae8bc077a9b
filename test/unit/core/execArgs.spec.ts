import assert from 'node:assert/strict';
import { buildExecArgs } from '../../../src/core/execArgs';
import { shellJoin } from '../../../src/core/shellQuote';
import { atLeast, capabilitiesFor, compareVersions, parseCliVersion } from '../../../src/core/version';

const caps = (v: string) => capabilitiesFor(parseCliVersion(v));

describe('CLI versions', () => {
  it('parses every --version format seen', () => {
    assert.equal(parseCliVersion('codex-cli 0.169.0')?.raw, '0.169.0');
    assert.equal(parseCliVersion('codex 0.0.2505291458')?.patch, 2505291458);
    assert.equal(parseCliVersion('codex-cli 0.46.0-alpha.3\n')?.minor, 46);
    assert.equal(parseCliVersion('no version here'), null);
  });

  it('compares numerically, not as text', () => {
    const v = (t: string) => parseCliVersion(t)!;
    assert.ok(compareVersions(v('0.100.0'), v('0.45.0')) > 0);
    assert.ok(compareVersions(v('0.9.0'), v('0.10.0')) < 0);
    assert.equal(compareVersions(v('1.2.3'), v('1.2.3')), 0);
    assert.ok(atLeast(v('0.80.0'), 0, 80));
    assert.ok(!atLeast(v('0.79.9'), 0, 80));
  });

  it('knows what each generation speaks', () => {
    assert.deepEqual([caps('0.20.0').flavor, caps('0.42.0').flavor, caps('0.45.0').flavor, caps('0.169.0').flavor], ['legacy', 'experimental', 'thread', 'thread']);
    assert.equal(caps('0.42.0').jsonFlag, '--experimental-json');
    assert.equal(caps('0.59.0').turnUsageScope, 'process');
    assert.equal(caps('0.80.0').turnUsageScope, 'thread');
    assert.equal(capabilitiesFor(null).flavor, 'thread');
  });
});

describe('buildExecArgs', () => {
  it('builds a current command line with every option, prompt from stdin', () => {
    const args = buildExecArgs({
      capabilities: caps('0.169.0'), cwd: '/ws', isGitRepo: false, model: 'gpt-5-codex', sandbox: 'workspace-write',
      reasoningEffort: 'high', extraArgs: ['-c', 'model_provider=fake'],
    });
    assert.deepEqual(args, ['exec', '--json', '--skip-git-repo-check', '-C', '/ws', '-m', 'gpt-5-codex', '-s', 'workspace-write', '-c', 'model_reasoning_effort="high"', '-c', 'model_provider=fake', '-']);
  });

  it('passes the approval bypass only when chosen, and then no sandbox flag', () => {
    const on = buildExecArgs({ capabilities: caps('0.169.0'), cwd: '/ws', isGitRepo: true, sandbox: 'read-only', bypassApprovals: true });
    assert.deepEqual(on, ['exec', '--json', '-C', '/ws', '--dangerously-bypass-approvals-and-sandbox', '-']);
    const off = buildExecArgs({ capabilities: caps('0.169.0'), cwd: '/ws', isGitRepo: true });
    assert.ok(!off.some((a) => a.includes('dangerously')));
  });

  it('resumes with the parent-flag shape from 0.42 on', () => {
    const args = buildExecArgs({ capabilities: caps('0.169.0'), cwd: '/ws', isGitRepo: true, resume: { threadId: 'T' }, extraArgs: ['-c', 'x=1'] });
    assert.deepEqual(args.slice(-4), ['x=1', 'resume', 'T', '-']);
    const old = buildExecArgs({ capabilities: caps('0.42.0'), cwd: '/ws', isGitRepo: true, resume: { threadId: 'T' } });
    assert.deepEqual(old, ['exec', '--experimental-json', '--include-plan-tool', '-C', '/ws', 'resume', 'T']);
  });

  it('resumes versions before 0.42 from the rollout file, and refuses without one', () => {
    const args = buildExecArgs({ capabilities: caps('0.20.0'), cwd: '/ws', isGitRepo: true, resume: { threadId: 'T', rolloutPath: '/h/s/r.jsonl' } });
    assert.deepEqual(args, ['exec', '--json', '-C', '/ws', '-c', 'experimental_resume="/h/s/r.jsonl"']);
    assert.throws(() => buildExecArgs({ capabilities: caps('0.20.0'), cwd: '/ws', isGitRepo: true, resume: { threadId: 'T' } }), /rollout file/);
  });
});

describe('shellJoin', () => {
  it('quotes only what needs quoting, as codex shows commands', () => {
    assert.equal(shellJoin(['bash', '-lc', "echo it's"]), `bash -lc 'echo it'\\''s'`);
    assert.equal(shellJoin(['ls', '-la', '/tmp/x.txt', '']), "ls -la /tmp/x.txt ''");
  });
});

describe('model names', () => {
  it('flags likely typos of known models and accepts everything else', async () => {
    const { likelyTypoOf } = await import('../../../src/core/models');
    assert.equal(likelyTypoOf('gpt-5-codx'), 'gpt-5-codex');
    assert.equal(likelyTypoOf('gpt5-codex'), 'gpt-5-codex');
    assert.equal(likelyTypoOf('gpt-5-codex'), null);
    assert.equal(likelyTypoOf('my-company-model'), null);
    assert.equal(likelyTypoOf('gpt-7-ultra'), null);
  });
});
