import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { classifyFailure, classifyMessage, failureMessage, isTransientNotice, parseRetryNotice, sandboxDenials, type FailureContext } from '../../../src/core/failure';
import { ExecPipeline, parseExecText } from '../../../src/core/execPipeline';
import type { RunEndReason, ThreadState } from '../../../src/shared/threadModel';
import { corpusAvailable, corpusFile, corpusFiles, corpusVersions, readCorpus } from '../../helpers/corpus';
import { BAD_ARGS_STDERR, FAILED_TURNS, OFFLINE_CLOSED_PORT, OFFLINE_NO_DNS, SANDBOX_READ_ONLY } from './failureSamples';

/** A run as the runner would end it: stdout, then how the process ended and the runner's message. */
function run(stdout: string, reason: RunEndReason, exitCode: number | null, message?: string): ThreadState {
  const p = new ExecPipeline({});
  p.inject({ type: 'item.completed', item: { id: 'prompt', type: 'user_message', text: 'Say hi.' } });
  p.write(stdout);
  return p.end({ reason, exit_code: exitCode }, message);
}

interface CorpusRun {
  version: string;
  file: string;
  stderr: string;
  ctx: FailureContext;
}

/** Every error run of the corpus, with its stderr and exit status from runs.json. */
function corpusErrorRuns(): CorpusRun[] {
  const out: CorpusRun[] = [];
  for (const version of corpusVersions()) {
    const runs = JSON.parse(readCorpus(version, 'runs.json')) as { stdout_file: string; exit_code: number | string }[];
    for (const file of corpusFiles(version).filter((f) => /^(?:exec-error.*\.(?:jsonl|txt)|proto-error\.jsonl)$/.test(f))) {
      const stderrName = file.startsWith('proto') ? 'stderr-proto-error.txt' : file.replace(/^exec-/, 'stderr-').replace(/\.jsonl$|\.txt$/, '.txt');
      const stderr = readFileSync(corpusFile(version, stderrName), 'utf8');
      const exit = runs.find((r) => r.stdout_file === file)?.exit_code;
      // "killed-after-40s-timeout": the runner stops such a CLI itself once the turn has ended.
      const ctx: FailureContext = typeof exit === 'number' ? { reason: 'exit', exitCode: exit, stderr } : { reason: 'exit', exitCode: null, signal: 'SIGKILL', stderr };
      out.push({ version, file, stderr, ctx });
    }
  }
  return out;
}

describe('failure classification', () => {
  describe('every error run of the corpus', function () {
    before(function () {
      if (!corpusAvailable()) this.skip();
    });

    it('covers 401, response.failed and 429 runs of every version', () => {
      const runs = corpusErrorRuns();
      assert.ok(runs.length >= 15, `${runs.length} runs`);
      for (const v of corpusVersions()) assert.ok(runs.some((r) => r.version === v && /exec-error\./.test(r.file)), v);
    });

    for (const expectKind of ['auth', 'server-or-network', 'rate_limit'] as const) {
      it(`classifies ${expectKind === 'auth' ? '401' : expectKind === 'rate_limit' ? '429' : 'response.failed'} runs`, () => {
        const suffix = expectKind === 'auth' ? /^(?:exec-error\.|proto-error)/ : expectKind === 'rate_limit' ? /-429\./ : /-failed\./;
        const runs = corpusErrorRuns().filter((r) => suffix.test(r.file));
        assert.ok(runs.length > 0);
        for (const r of runs) {
          const state = parseExecText(readCorpus(r.version, r.file));
          const f = classifyFailure(state, { ...r.ctx, knownSecrets: ['sk-test'] });
          const where = `${r.version}/${r.file}: ${f?.detail}`;
          assert.ok(f, where);
          if (expectKind === 'server-or-network') {
            // The mock's response.failed; 0.1.x did not know the event and saw the stream close early.
            assert.equal(f.kind, r.version.startsWith('0.1.') ? 'network' : 'server', where);
            if (!r.version.startsWith('0.1.')) assert.match(f.detail, /The model produced invalid content/);
          } else {
            assert.equal(f.kind, expectKind, where);
          }
          if (expectKind === 'auth') assert.ok(f.actions.includes('signIn'));
          assert.ok(!f.detail.includes('sk-test'), `key masked: ${where}`);
          assert.ok(!isTransientNotice(failureMessage(state)!), where);
        }
      });
    }

    it('treats every retry notice before the final error as transient, and the final one as fatal', () => {
      for (const r of corpusErrorRuns()) {
        const state = parseExecText(readCorpus(r.version, r.file));
        const errors = state.errors.filter((e) => e !== failureMessage(state));
        for (const e of errors) {
          const n = parseRetryNotice(e);
          assert.ok(n, `${r.version}/${r.file}: ${e}`);
          assert.ok(n.attempt! >= 1 && n.attempt! <= n.maxAttempts!, e);
          if (/401/.test(e)) assert.equal(n.kind, 'auth', e);
        }
        assert.ok(errors.length >= 1 || r.file.includes('429'), `${r.version}/${r.file} has retry notices`);
      }
    });
  });

  describe('real 0.169 failures (captured against 127.0.0.1)', () => {
    for (const t of FAILED_TURNS) {
      it(`${t.name} → ${t.kind}`, () => {
        const f = classifyFailure(run(t.jsonl, 'exit', 1), { reason: 'exit', exitCode: 1, stderr: '' });
        assert.equal(f?.kind, t.kind, f?.detail);
        assert.equal(f.retryAfterSeconds, t.retryAfterSeconds);
        assert.equal(f.retryAt, t.retryAt);
        assert.ok(f.title && f.hint && f.actions.length > 0);
      });
    }

    it('offline: a timeout while codex waits for the network is a network problem', () => {
      for (const [stdout, reason, msg] of [
        [OFFLINE_CLOSED_PORT, 'timeout', 'The task ran longer than 60 s (timeout).'],
        [OFFLINE_NO_DNS, 'idle_timeout', 'codex printed nothing for 120 s (idle timeout).'],
      ] as const) {
        const state = run(stdout, reason, null, msg);
        assert.equal(state.status, 'failed');
        const f = classifyFailure(state, { reason, exitCode: null, signal: 'SIGINT' });
        assert.equal(f?.kind, 'network');
        assert.match(f.detail, /timeout[\s\S]*waiting for network/);
        assert.ok(f.actions.includes('retry'));
      }
    });

    it('offline retries are transient notices, not failures', () => {
      for (const m of [
        'Reconnecting... waiting for network (Connection failed: error sending request)',
        'Reconnecting... 2/5 (stream disconnected before completion: failed to lookup address information: Try again)',
        'Falling back from WebSockets to HTTPS transport. stream disconnected before completion: failed to lookup address information: Try again',
      ]) {
        assert.ok(isTransientNotice(m), m);
        assert.equal(parseRetryNotice(m)?.kind, 'network', m);
      }
      assert.equal(parseRetryNotice('Reconnecting... waiting for network (Connection failed: error sending request)')?.waitingForNetwork, true);
      assert.deepEqual(parseRetryNotice('stream error: exceeded retry limit, last status: 401 Unauthorized; retrying 4/5 in 1.715s…'), {
        attempt: 4, maxAttempts: 5, delayMs: 1715, waitingForNetwork: false, cause: 'exceeded retry limit, last status: 401 Unauthorized', kind: 'auth',
      });
      assert.equal(parseRetryNotice('Reconnecting... 1/5')?.attempt, 1);
      assert.equal(isTransientNotice('exceeded retry limit, last status: 429 Too Many Requests'), false);
      assert.equal(isTransientNotice('Quota exceeded. Check your plan and billing details.'), false);
    });

    it('a command line codex rejected (exit 2) is a configuration problem', () => {
      const state = run('', 'exit', 2, "codex exited with code 2: error: the argument '--model <MODEL>' cannot be used multiple times");
      assert.equal(classifyFailure(state, { reason: 'exit', exitCode: 2, stderr: BAD_ARGS_STDERR })?.kind, 'config');
    });

    it('sandbox denials: the turn completes, the denied commands are found', () => {
      const state = run(SANDBOX_READ_ONLY, 'exit', 0);
      assert.equal(classifyFailure(state), null);
      assert.deepEqual(sandboxDenials(state).map((i) => i.id), ['item_0']);
      assert.deepEqual(sandboxDenials(run(FAILED_TURNS[0]!.jsonl, 'exit', 1)), []);
    });
  });

  describe('runner outcomes', () => {
    it('hard and idle timeouts', () => {
      for (const [reason, msg] of [['timeout', 'The task ran longer than 5 s (timeout).'], ['idle_timeout', 'codex printed nothing for 120 s (idle timeout).']] as const) {
        const f = classifyFailure(run(`${'{"type":"thread.started","thread_id":"t"}\n{"type":"turn.started"}\n'}`, reason, null, msg), { reason });
        assert.equal(f?.kind, 'timeout');
        assert.equal(f.detail, msg);
      }
    });

    it('cancelled by the user', () => {
      const state = run('{"type":"thread.started","thread_id":"t"}\n{"type":"turn.started"}\n', 'cancelled', null, 'Stopped by the user.');
      assert.equal(state.status, 'cancelled');
      const f = classifyFailure(state, { reason: 'cancelled' });
      assert.deepEqual([f?.kind, f?.detail, f?.actions], ['cancelled', 'Stopped by the user.', ['retry']]);
    });

    it('binary missing or not executable', () => {
      const state = run('', 'spawn_error', null, 'Could not start codex (/opt/codex): Command failed with ENOENT: /opt/codex exec --json -\nspawn /opt/codex ENOENT');
      assert.equal(classifyFailure(state, { reason: 'spawn_error' })?.kind, 'binary_missing');
      assert.equal(classifyMessage('codex was not found on PATH or in the usual install places.').kind, 'binary_missing');
      assert.equal(classifyMessage('The configured codex path is not an executable file: /x').kind, 'binary_missing');
    });

    it('CLI crash: a panic, a fatal signal, or a crash line in stderr', () => {
      const panic = run('{"type":"thread.started","thread_id":"t"}\n', 'exit', 101, "codex exited with code 101: thread 'main' panicked at core/src/codex.rs:12:5:");
      assert.equal(classifyFailure(panic, { reason: 'exit', exitCode: 101 })?.kind, 'crash');
      const segv = run('{"type":"thread.started","thread_id":"t"}\n{"type":"turn.started"}\n', 'exit', null);
      assert.equal(segv.status, 'incomplete');
      const f = classifyFailure(segv, { reason: 'exit', exitCode: null, signal: 'SIGSEGV' });
      assert.deepEqual([f?.kind, f?.detail], ['crash', 'codex was killed by SIGSEGV.']);
      assert.equal(classifyFailure(segv), null, 'an incomplete stream alone is not a failure (a replayed file that ends)');
      assert.equal(classifyFailure(segv, { reason: 'exit', exitCode: null, stderr: 'Segmentation fault (core dumped)\n' })?.kind, 'crash');
    });

    it('a bare exit code is explained from stderr, noise skipped', () => {
      const state = run('', 'exit', 1, 'codex exited with code 1.');
      const stderr = 'WARNING: proceeding, even though we could not create PATH aliases: x\n\u001b[2m2026\u001b[0m \u001b[32m INFO\u001b[0m codex_core: starting\nError loading configuration: CODEX_HOME points to "/nope", but that path does not exist\nReading additional input from stdin...\n';
      const f = classifyFailure(state, { reason: 'exit', exitCode: 1, stderr });
      assert.equal(f?.kind, 'config');
      assert.match(f.detail, /^codex exited with code 1\.\nError loading configuration/);
      assert.equal(classifyFailure(state, { stderr: 'Reading additional input from stdin...\n' })?.kind, 'unknown');
    });

    it('needs no context: the one-argument call still works, and completed or running threads are not failures', () => {
      const ok = parseExecText('{"type":"thread.started","thread_id":"t"}\n{"type":"turn.started"}\n{"type":"turn.completed","usage":null}\n');
      assert.equal(classifyFailure(ok), null);
      const p = new ExecPipeline({});
      p.write('{"type":"thread.started","thread_id":"t"}\n{"type":"turn.started"}\n');
      assert.equal(classifyFailure(p.reducer.state), null);
      assert.equal(classifyFailure(run(FAILED_TURNS[0]!.jsonl, 'exit', 1))?.kind, 'model');
    });

    it('more wordings from older and other CLIs', () => {
      const cases: [string, string][] = [
        ['Your access token could not be refreshed because your refresh token has expired. Please log out and sign in again.', 'auth'],
        ['Not logged in', 'auth'],
        ['unexpected status 502 Bad Gateway: upstream', 'server'],
        ['stream disconnected before completion: idle timeout waiting for SSE', 'network'],
        ['error sending request for url (https://api.openai.com/v1/responses): invalid peer certificate: UnknownIssuer', 'network'],
        ['Connection failed: proxy tunnel error', 'network'],
        ['sandbox error: Landlock is not supported by this kernel', 'sandbox'],
        ['exec command rejected by user', 'sandbox'],
        ['Model provider `mock` not found', 'config'],
        ['unexpected status 401 Unauthorized, url: http://127.0.0.1:18401/v1/responses', 'auth'],
        ['something nobody has seen', 'unknown'],
      ];
      for (const [m, kind] of cases) assert.equal(classifyMessage(m).kind, kind, m);
      assert.equal(classifyMessage('Rate limit reached. Please try again in 1m30s.').retryAfterSeconds, 90);
      assert.equal(classifyMessage('Rate limit reached. Please try again in 20ms.').retryAfterSeconds, 1);
    });
  });
});
