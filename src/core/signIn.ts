/**
 * The pure half of sign-in: reading `codex login status` and `codex login --help`, and choosing between the browser
 * and the device-code flow. The processes are run by `src/node/auth.ts`.
 *
 * What 0.169 prints for `codex login status` (all on stderr; the exit code is 0 when signed in):
 *
 * | state | output | exit |
 * | --- | --- | --- |
 * | nothing stored | `Not logged in` | 1 |
 * | ChatGPT tokens in auth.json | `Logged in using ChatGPT` | 0 |
 * | API key in auth.json | `API key configured - sk-fake-***p1234` + `Authentication is checked when you send a request.` | 0 |
 * | unreadable auth.json | `Error checking login status: failed to deserialize CLI auth from file: …` | 1 |
 * | `CODEX_HOME` missing | `Error loading configuration: CODEX_HOME points to "…", but that path does not exist` | 1 |
 *
 * `OPENAI_API_KEY` / `CODEX_API_KEY` in the environment do not change it. Older CLIs said
 * `Logged in using an API key - sk-…` instead of `API key configured`.
 */

import { redactSecrets } from './redact';

/** What `codex login status` said. */
export type LoginStatus =
  | { state: 'chatgpt' }
  | { state: 'api-key' }
  /** Signed in some other way (access token, agent identity, …): the mode as codex named it. */
  | { state: 'other'; mode: string }
  | { state: 'logged-out' }
  /** The CLI has no `login status`. */
  | { state: 'unsupported' }
  /** codex could not tell: its error line (secrets masked). */
  | { state: 'error'; message: string }
  | { state: 'unrecognized'; text: string };

/** Reads the output (stdout and stderr together) of `codex login status`. */
export function parseLoginStatus(output: string, exitCode: number | null): LoginStatus {
  const lines = output.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !/^WARNING: proceeding, even though/.test(l));
  const text = lines.join('\n');
  if (/unrecognized subcommand|unexpected argument 'status'|Found argument 'status'/i.test(text)) return { state: 'unsupported' };
  if (/Logged in using ChatGPT/i.test(text)) return { state: 'chatgpt' };
  if (/Logged in using (?:an )?API key|API key configured/i.test(text)) return { state: 'api-key' };
  const other = /Logged in using (?:an? )?([A-Za-z][\w -]{0,40}?)(?:\s+-\s|\.|$)/im.exec(text);
  if (other) return { state: 'other', mode: other[1]!.trim() };
  if (/Not logged in/i.test(text)) return { state: 'logged-out' };
  const error = lines.find((l) => /^error\b/i.test(l));
  if (error) return { state: 'error', message: redactSecrets(error.slice(0, 300)) };
  if (exitCode === 1 && text === '') return { state: 'logged-out' };
  return { state: 'unrecognized', text: redactSecrets(text.slice(0, 300)) };
}

/** Which sign-in flags `codex login --help` lists. */
export interface LoginFlags {
  /** `--device-auth`: sign in on another device with a code (0.169 has it). */
  deviceAuth: boolean;
  /** `--with-api-key`: read an API key from stdin and store it in auth.json. */
  withApiKey: boolean;
  /** A `status` subcommand. */
  status: boolean;
}

/** Reads `codex login --help`. */
export function parseLoginHelp(help: string): LoginFlags {
  return {
    deviceAuth: /--device-auth\b/.test(help),
    withApiKey: /--with-api-key\b/.test(help),
    status: /^\s+status\b/m.test(help),
  };
}

/** How the user signs in. */
export type SignInMethod = 'browser' | 'device' | 'api-key';

/**
 * The argv (after the binary) of a sign-in: `login` opens a browser and waits for it on a localhost port,
 * `login --device-auth` prints a URL and a code to enter on any device, `login --with-api-key` reads the key from
 * stdin (never pass a key as an argument: other users can read command lines).
 */
export function signInArgs(method: SignInMethod): string[] {
  if (method === 'device') return ['login', '--device-auth'];
  if (method === 'api-key') return ['login', '--with-api-key'];
  return ['login'];
}

/** What the extension knows about where it runs. */
export interface HostInfo {
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  /** `vscode.env.remoteName`: `ssh-remote`, `wsl`, `dev-container`, `codespaces`, `tunnel`, …; undefined when local. */
  remoteName?: string;
  /** `vscode.env.uiKind`: `web` when the editor runs in a browser (vscode.dev, code-server). */
  uiKind?: 'desktop' | 'web';
}

/** The verdict of {@link isRemoteOrHeadless}. */
export interface RemoteVerdict {
  /** The browser flow will probably not work: offer the device code first. */
  remote: boolean;
  /** Why, for the UI ("connected over SSH"); null when local. */
  reason: string | null;
}

/**
 * Whether codex runs somewhere a browser sign-in cannot complete. The browser flow opens a browser on the machine
 * that runs codex and waits for the redirect on `localhost:1455` there; over SSH, in a container, in Codespaces, in a
 * browser-hosted editor or on a Linux box without a display, neither works reliably, and the device code
 * (`codex login --device-auth`) does. WSL counts as remote: codex cannot open the Windows browser without extra tools.
 */
export function isRemoteOrHeadless(info: HostInfo): RemoteVerdict {
  const env = info.env;
  if (info.remoteName) return { remote: true, reason: `VS Code is connected to a remote (${info.remoteName})` };
  if (info.uiKind === 'web') return { remote: true, reason: 'VS Code runs in a browser' };
  if (env.SSH_CONNECTION || env.SSH_CLIENT || env.SSH_TTY) return { remote: true, reason: 'connected over SSH' };
  if (env.CODESPACES === 'true') return { remote: true, reason: 'running in GitHub Codespaces' };
  if (env.REMOTE_CONTAINERS === 'true' || env.DEVCONTAINER === 'true') return { remote: true, reason: 'running in a dev container' };
  if (env.GITPOD_WORKSPACE_ID || env.CLOUD_SHELL === 'true') return { remote: true, reason: 'running in a cloud workspace' };
  if (env.WSL_DISTRO_NAME || env.WSL_INTEROP) return { remote: true, reason: 'running in WSL' };
  const unixLike = info.platform !== 'win32' && info.platform !== 'darwin';
  if (unixLike && !env.DISPLAY && !env.WAYLAND_DISPLAY) return { remote: true, reason: 'no graphical display (DISPLAY is not set)' };
  return { remote: false, reason: null };
}
