import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MASK, redactSecrets, secretValuesOf } from '../../../src/core/redact';
import { corpusAvailable, corpusVersions, readCorpus } from '../../helpers/corpus';

const KEY = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123456789_-zz';
const LEGACY_KEY = 'sk-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL';

describe('redactSecrets', () => {
  it('masks OpenAI-style keys, keeping the prefix and the punctuation around them', () => {
    assert.equal(redactSecrets(`key ${KEY}. Done`), 'key sk-proj-***. Done');
    assert.equal(redactSecrets(`("${LEGACY_KEY}")`), '("sk-***")');
    assert.equal(redactSecrets('sk-svcacct-0123456789abcdefABCDEF and sk-admin-0123456789abcdefABCDEF'), 'sk-svcacct-*** and sk-admin-***');
    assert.equal(redactSecrets(`a=${KEY}&b=${LEGACY_KEY}`), 'a=sk-proj-***&b=sk-***');
  });

  it('leaves words that merely look like keys alone', () => {
    for (const text of [
      'pip install sk-learn',
      'task-1234567890abcdefghijkl and disk-0123456789abcdef0123',
      'API key configured - sk-fake-***p1234',
      'Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.',
      'use a Bearer token; Bearer authentication is required; Basic usage; Token counting',
      'max_tokens=100 max_token=5 cached_input_tokens: 3 env_key="OPENAI_API_KEY"',
      'OPENAI_API_KEY=$OPENAI_API_KEY CODEX_API_KEY=${CODEX_API_KEY} OPENAI_API_KEY= OPENAI_API_KEY=<your key>',
    ]) {
      assert.equal(redactSecrets(text), text);
    }
  });

  it('masks Bearer and Basic credentials in command lines and headers', () => {
    assert.equal(redactSecrets('curl -H "Authorization: Bearer sk-test" http://127.0.0.1:1/v1'), 'curl -H "Authorization: Bearer ***" http://127.0.0.1:1/v1');
    assert.equal(redactSecrets('authorization: bearer eyJhbGciOi.J9.abc'), 'authorization: bearer ***');
    assert.equal(redactSecrets('Proxy-Authorization: Basic dXNlcjpwYXNz'), 'Proxy-Authorization: Basic ***');
    assert.equal(redactSecrets('Authorization: Bearer abcdefgh'), 'Authorization: Bearer ***');
  });

  it('masks values of OPENAI_API_KEY / CODEX_API_KEY and other key- and token-named assignments, in every quoting', () => {
    assert.equal(redactSecrets('OPENAI_API_KEY=sk-test codex exec --json -'), 'OPENAI_API_KEY=*** codex exec --json -');
    assert.equal(redactSecrets(`export CODEX_API_KEY="two words"; env OPENAI_API_KEY='x y' codex`), `export CODEX_API_KEY="***"; env OPENAI_API_KEY='***' codex`);
    assert.equal(redactSecrets('{"OPENAI_API_KEY": "sk-abc def", "CODEX_API_KEY":"xyz123", "model":"gpt-5"}'), '{"OPENAI_API_KEY": "***", "CODEX_API_KEY":"***", "model":"gpt-5"}');
    assert.equal(redactSecrets('OPENAI_API_KEY: abc123\nCODEX_API_KEY = "q"'), 'OPENAI_API_KEY: ***\nCODEX_API_KEY = "***"');
    assert.equal(redactSecrets('GITHUB_TOKEN=ghp_abc CODEX_ACCESS_TOKEN=tok DB_PASSWORD=hunter2'), 'GITHUB_TOKEN=*** CODEX_ACCESS_TOKEN=*** DB_PASSWORD=***');
    assert.equal(redactSecrets(`-c 'model_providers.p={name="p",experimental_bearer_token="tok-123"}'`), `-c 'model_providers.p={name="p",experimental_bearer_token="***"}'`);
    assert.equal(redactSecrets('--api-key=abc123 http://h/v1?api_key=abc123&x=1'), '--api-key=*** http://h/v1?api_key=***&x=1');
    assert.equal(redactSecrets('"OPENAI_API_KEY":"a \\" quote"'), '"OPENAI_API_KEY":"***"');
  });

  it('masks JWTs and passwords in URLs', () => {
    assert.equal(redactSecrets('token eyJhbGciOiJub25lIn0.eyJlbWFpbCI6ImRldiJ9.c2ln trailing'), 'token *** trailing');
    assert.equal(redactSecrets('HTTPS_PROXY=http://user:hunter2@proxy.local:8080/'), 'HTTPS_PROXY=http://user:***@proxy.local:8080/');
  });

  it('masks every occurrence of known secrets, longest first, with regex characters taken literally', () => {
    assert.equal(redactSecrets('my key is a+b(c)*long; again: a+b(c)*long', ['a+b(c)*long']), 'my key is ***; again: ***');
    assert.equal(redactSecrets('abcdef and abcdefgh', ['abcdef', 'abcdefgh']), '*** and ***');
    assert.equal(redactSecrets('passed as--flag=hunter22x', ['hunter22x']), 'passed as--flag=***');
    // Too short to mask safely, empty, or absent: ignored rather than wrecking the text.
    assert.equal(redactSecrets('a bc abc', ['a', 'bc', '', undefined, null]), 'a bc abc');
  });

  it('handles multi-line logs with CRLF', () => {
    const log = `line 1\r\nOPENAI_API_KEY=${KEY}\r\nBearer ${LEGACY_KEY}\r\n`;
    assert.equal(redactSecrets(log), 'line 1\r\nOPENAI_API_KEY=sk-proj-***\r\nBearer sk-***\r\n');
  });

  it('is idempotent and never lets a generated key through', () => {
    const keyChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-');
    fc.assert(
      fc.property(fc.string(), fc.array(keyChar, { minLength: 16, maxLength: 80 }), fc.string(), (before, body, after) => {
        const key = `sk-${body.join('')}`;
        const text = `${before} ${key} ${after}`;
        const once = redactSecrets(text, [key]);
        assert.ok(!once.includes(key), once);
        assert.equal(redactSecrets(once, [key]), once);
      }),
    );
  });

  it('masks the key in every corpus command line', function () {
    if (!corpusAvailable()) this.skip();
    for (const v of corpusVersions()) {
      const masked = redactSecrets(readCorpus(v, 'cmd.txt'));
      assert.ok(!/OPENAI_API_KEY=sk-test/.test(masked), v);
      assert.ok(masked.includes(`OPENAI_API_KEY=${MASK}`), v);
      assert.ok(masked.includes('env_key="OPENAI_API_KEY"') || !readCorpus(v, 'cmd.txt').includes('env_key'), v);
    }
  });
});

describe('secretValuesOf', () => {
  it('picks values of secret-looking names from codexSessions.env', () => {
    const env = { OPENAI_API_KEY: 'k1', CODEX_API_KEY: '', MY_SERVICE_TOKEN: 't', DB_PASSWORD: 'p', CLIENT_SECRET: 's', HTTPS_PROXY: 'http://x', CODEX_HOME: '/h' };
    assert.deepEqual(secretValuesOf(env).sort(), ['k1', 'p', 's', 't']);
  });
});
