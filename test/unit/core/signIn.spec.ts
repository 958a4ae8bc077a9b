import assert from 'node:assert/strict';
import { isRemoteOrHeadless, parseLoginHelp, parseLoginStatus, signInArgs } from '../../../src/core/signIn';

/** `codex login --help` of 0.169.0, as printed. */
const LOGIN_HELP_0_169 = `Manage login

Usage: codex login [OPTIONS] [COMMAND]

Commands:
  status  Show login status
  help    Print this message or the help of the given subcommand(s)

Options:
  -c, --config <key=value>
          Override a configuration value that would otherwise be loaded from \`~/.codex/config.toml\`.
      --with-api-key
          Read the API key from stdin (e.g. \`printenv OPENAI_API_KEY | codex login --with-api-key\`)
      --enable <FEATURE>
          Enable a feature (repeatable). Equivalent to \`-c features.<name>=true\`
      --with-access-token
          Read the access token from stdin (e.g. \`printenv CODEX_ACCESS_TOKEN | codex login --with-access-token\`)
      --disable <FEATURE>
          Disable a feature (repeatable). Equivalent to \`-c features.<name>=false\`
      --device-auth
          

  -h, --help
          Print help (see a summary with '-h')
`;

const PATH_WARNING = 'WARNING: proceeding, even though we could not create PATH aliases: Refusing to create helper binaries under temporary dir "/tmp" (codex_home: AbsolutePathBuf("/tmp/x"))\n';

describe('sign-in helpers', () => {
  it('reads what 0.169 prints for codex login status', () => {
    assert.deepEqual(parseLoginStatus(`${PATH_WARNING}Not logged in\n`, 1), { state: 'logged-out' });
    assert.deepEqual(parseLoginStatus(`${PATH_WARNING}Logged in using ChatGPT\n`, 0), { state: 'chatgpt' });
    assert.deepEqual(parseLoginStatus('API key configured - sk-fake-***p1234\nAuthentication is checked when you send a request.\n', 0), { state: 'api-key' });
    assert.deepEqual(parseLoginStatus('API key configured - ***\nAuthentication is checked when you send a request.\n', 0), { state: 'api-key' });
    const broken = parseLoginStatus('Error checking login status: failed to deserialize CLI auth from file: key must be a string at line 1 column 2\n', 1);
    assert.equal(broken.state, 'error');
    assert.match(broken.state === 'error' ? broken.message : '', /failed to deserialize/);
    const noHome = parseLoginStatus('Error loading configuration: CODEX_HOME points to "/tmp/nope", but that path does not exist\n', 1);
    assert.equal(noHome.state, 'error');
  });

  it('reads older wordings, other modes and a CLI without the subcommand, never keeping a key', () => {
    assert.deepEqual(parseLoginStatus('Logged in using an API key - sk-proj-abcdefghijklmnopqrstuvwxyz123\n', 0), { state: 'api-key' });
    assert.deepEqual(parseLoginStatus('Logged in using agent identity\n', 0), { state: 'other', mode: 'agent identity' });
    assert.deepEqual(parseLoginStatus("error: unrecognized subcommand 'status'\n", 2), { state: 'unsupported' });
    assert.deepEqual(parseLoginStatus('', 1), { state: 'logged-out' });
    const odd = parseLoginStatus('Something new: OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz123', 0);
    assert.equal(odd.state, 'unrecognized');
    assert.ok(odd.state === 'unrecognized' && !odd.text.includes('abcdefghijklmnop'));
  });

  it('reads the sign-in flags of codex login --help', () => {
    assert.deepEqual(parseLoginHelp(LOGIN_HELP_0_169), { deviceAuth: true, withApiKey: true, status: true });
    assert.deepEqual(parseLoginHelp('Usage: codex login [OPTIONS]\n\nOptions:\n  -h, --help\n'), { deviceAuth: false, withApiKey: false, status: false });
  });

  it('builds the login command lines, never with the key as an argument', () => {
    assert.deepEqual(signInArgs('browser'), ['login']);
    assert.deepEqual(signInArgs('device'), ['login', '--device-auth']);
    assert.deepEqual(signInArgs('api-key'), ['login', '--with-api-key']);
  });

  it('prefers the device code where a browser sign-in cannot complete', () => {
    const desktop = { DISPLAY: ':0' };
    assert.deepEqual(isRemoteOrHeadless({ env: desktop, platform: 'linux' }), { remote: false, reason: null });
    assert.deepEqual(isRemoteOrHeadless({ env: {}, platform: 'darwin' }), { remote: false, reason: null });
    assert.deepEqual(isRemoteOrHeadless({ env: {}, platform: 'win32', uiKind: 'desktop' }), { remote: false, reason: null });
    const remote: [Parameters<typeof isRemoteOrHeadless>[0], RegExp][] = [
      [{ env: desktop, platform: 'linux', remoteName: 'ssh-remote' }, /remote \(ssh-remote\)/],
      [{ env: {}, platform: 'darwin', uiKind: 'web' }, /browser/],
      [{ env: { ...desktop, SSH_CONNECTION: '10.0.0.1 5 10.0.0.2 22' }, platform: 'linux' }, /SSH/],
      [{ env: { SSH_TTY: '/dev/pts/1' }, platform: 'darwin' }, /SSH/],
      [{ env: { ...desktop, CODESPACES: 'true' }, platform: 'linux' }, /Codespaces/],
      [{ env: { ...desktop, REMOTE_CONTAINERS: 'true' }, platform: 'linux' }, /container/],
      [{ env: { ...desktop, WSL_DISTRO_NAME: 'Ubuntu' }, platform: 'linux' }, /WSL/],
      [{ env: {}, platform: 'linux' }, /no graphical display/],
      [{ env: { WAYLAND_DISPLAY: '' }, platform: 'freebsd' }, /no graphical display/],
    ];
    for (const [info, reason] of remote) {
      const r = isRemoteOrHeadless(info);
      assert.equal(r.remote, true, JSON.stringify(info));
      assert.match(r.reason ?? '', reason);
    }
    assert.equal(isRemoteOrHeadless({ env: { WAYLAND_DISPLAY: 'wayland-0' }, platform: 'linux' }).remote, false);
  });
});
