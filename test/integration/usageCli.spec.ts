import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli as runInProcess } from '../helpers/cliRun';
import { generateUsageHome } from '../helpers/usageHome';
import { CLI } from './harness';

/** `node dist/cli.js ARGS` with `env`; its stdout (rejects on a failure). */
function runBuilt(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

describe('codex-sessions usage, built (index worker threads, cache)', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('gives the same report cold (files shared with dist/cli/indexWorker.js) and warm as one thread without cache', async () => {
    assert.ok(existsSync(path.join(path.dirname(CLI), 'cli', 'indexWorker.js')), 'the build has the index worker');
    const g = generateUsageHome(600, 23);
    const xdg = mkdtempSync(path.join(tmpdir(), 'cs-xdg-'));
    dirs.push(g.home, xdg);
    // The days of the report are in this process's zone: the built run gets the same.
    const env: Record<string, string> = { HOME: xdg, XDG_CACHE_HOME: xdg, ...(process.env.TZ ? { TZ: process.env.TZ } : {}) };
    for (const by of ['session', 'day', 'model']) {
      const args = ['usage', '--codex-home', g.home, '--json', '--by', by];
      const expected = await runInProcess([...args, '--no-cache'], { env });
      assert.equal(expected.code, 0, expected.err);
      const reference = JSON.parse(expected.out) as { rows: unknown[] };
      assert.ok(reference.rows.length > 0);
      rmSync(path.join(xdg, 'codex-sessions'), { recursive: true, force: true });
      assert.deepEqual(JSON.parse(await runBuilt(args, env)), reference, `cold, by ${by}`);
      assert.deepEqual(JSON.parse(await runBuilt(args, env)), reference, `warm, by ${by}`);
    }
  });
});
