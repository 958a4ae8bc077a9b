import assert from 'node:assert/strict';
import { redactingProxy } from '../../../src/core/redactingProxy';

/** A stand-in with the shape of a LogOutputChannel: it records what reaches it. */
class Channel {
  readonly written: unknown[][] = [];
  readonly name = 'Codex Sessions';
  logLevel = 2;
  info(...args: unknown[]): void {
    this.written.push(args);
  }
  error(...args: unknown[]): void {
    this.written.push(args);
  }
  appendLine(line: string): void {
    this.written.push([line]);
  }
  show(): string {
    return `shown ${this.name}`;
  }
}

describe('the redacting log channel', () => {
  it('masks known secrets and secret shapes in every writer, as strings, errors and objects', () => {
    const ch = new Channel();
    let known = ['my-stored-key-1234'];
    const log = redactingProxy(ch, () => known);
    log.info('Running codex with my-stored-key-1234', { env: { CODEX_API_KEY: 'abc', PATH: '/usr/bin' } });
    log.error(new Error('401 for Bearer abcdefghijklmnop1234'));
    log.appendLine('OPENAI_API_KEY=plain-value and my-stored-key-1234');
    const [info, error, line] = ch.written;
    assert.equal(info![0], 'Running codex with ***');
    assert.equal(info![1], '{"env":{"CODEX_API_KEY":"***","PATH":"/usr/bin"}}');
    assert.ok(error![0] instanceof Error);
    assert.equal((error![0] as Error).message, '401 for Bearer ***');
    assert.doesNotMatch((error![0] as Error).stack ?? '', /abcdefghijklmnop1234/);
    assert.equal(line![0], 'OPENAI_API_KEY=*** and ***');
    // The known secrets are read at each call: a key stored later is masked from then on.
    known = ['a-later-key-5678'];
    log.info('now a-later-key-5678');
    assert.equal(ch.written.at(-1)![0], 'now ***');
  });

  it('passes everything else through, bound to the channel', () => {
    const ch = new Channel();
    const log = redactingProxy(ch, () => []);
    assert.equal(log.show(), 'shown Codex Sessions');
    assert.equal(log.name, 'Codex Sessions');
    log.logLevel = 4;
    assert.equal(ch.logLevel, 4);
    log.info('no secrets here: max_tokens=100, sk-learn', 3, null);
    assert.deepEqual(ch.written.at(-1), ['no secrets here: max_tokens=100, sk-learn', 3, null]);
  });
});
