import assert from 'node:assert/strict';
import { runCli, type CliRun } from '../../helpers/cliRun';
import { corpusFile, readCorpus } from '../../helpers/corpus';

const cli = (args: string[], stdin = ''): Promise<CliRun> => runCli(args, { stdin });

describe('codex-sessions command line', () => {
  it('parse-exec --json prints the thread object contract', async () => {
    const r = await cli(['parse-exec', corpusFile('0.169.0', 'exec.jsonl'), '--json']);
    assert.equal(r.code, 0);
    const o = JSON.parse(r.out) as Record<string, unknown>;
    for (const k of ['thread_id', 'status', 'items', 'usage', 'errors', 'skipped_lines', 'unknown_events']) assert.ok(k in o, k);
    assert.equal(o.thread_id, '01a1fd26-0fa6-7ee1-8045-917ff34d0510');
    assert.equal(o.status, 'completed');
    assert.deepEqual(o.usage, { input_tokens: 21066, cached_input_tokens: 2100, output_tokens: 135, reasoning_output_tokens: 45 });
    assert.equal((o.items as unknown[]).length, 8);
    assert.equal(r.out.trim().split('\n').length, 1);
  });

  it('parse-exec reads standard input with - and prints a transcript without --json', async () => {
    const r = await cli(['parse-exec', '-'], readCorpus('0.45.0', 'exec-error.jsonl'));
    assert.equal(r.code, 0);
    assert.match(r.out, /status: failed/);
    assert.match(r.out, /error: exceeded retry limit, last status: 401 Unauthorized/);
  });

  it('exits 2 with one sentence for unreadable input and bad usage', async () => {
    const missing = await cli(['parse-exec', '/definitely/missing.jsonl']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /^codex-sessions: cannot read \/definitely\/missing\.jsonl: .*ENOENT/);
    assert.equal((await cli(['frobnicate'])).code, 2);
    assert.equal((await cli(['parse-exec', '--nope'])).code, 2);
    assert.equal((await cli(['run'])).code, 2);
    assert.equal((await cli(['resume', 'only-an-id'])).code, 2);
    assert.match((await cli(['run', '--sandbox', 'open', 'hi'])).err, /--sandbox must be one of/);
    assert.match((await cli(['run', '--timeout', 'soon', 'hi'])).err, /positive number of seconds/);
    assert.match((await cli(['run', '--env', 'NOVALUE', 'hi'])).err, /KEY=VALUE/);
  });

  it('exits 1 with a clear message when codex cannot be found', async () => {
    const r = await cli(['run', '--codex-path', '/definitely/not/codex', 'hi']);
    assert.equal(r.code, 1);
    assert.match(r.err, /not an executable file: \/definitely\/not\/codex/);
  });

  it('prints help', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /parse-exec/);
  });
});
