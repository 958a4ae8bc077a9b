/**
 * Masking of secrets in text the extension shows or logs: command lines, stderr, health reports, failure details.
 *
 * Two sources: secrets the caller knows (the stored API key, values of `codexSessions.env` that look secret), which are
 * masked wherever they appear, and shapes that are secret whatever their value (OpenAI-style keys, bearer tokens,
 * JWTs, `NAME=value` assignments of key- and token-named variables, passwords in URLs). The shapes are tuned against
 * false positives seen in real output: `sk-learn`, `task-1234…`, `max_tokens=100`, "a Bearer token", and keys the
 * CLI already masked (`sk-fake-***p1234`) are left alone.
 */

/** What a masked value is replaced with. */
export const MASK = '***';

/** Known secrets shorter than this are not masked: masking `ab` everywhere would destroy the text, not protect it. */
export const MIN_KNOWN_SECRET_LENGTH = 4;

/**
 * OpenAI-style keys: `sk-`, `sk-proj-`, `sk-svcacct-`, `sk-admin-`, … followed by at least 16 key characters. The
 * prefix is kept so a reader can still tell which kind of key was there.
 */
const OPENAI_KEY = /(?<![A-Za-z0-9_-])(sk-(?:(?:proj|svcacct|admin|ant|or|None)-)?)[A-Za-z0-9_-]{16,}/g;

/** Three base64url segments, the first two starting like a JSON object: a JWT (ChatGPT access and id tokens). */
const JWT = /\beyJ[A-Za-z0-9_-]{6,}\.eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/g;

/**
 * `Bearer <token>`, `Token <token>`, `Basic <credentials>`. In an `Authorization:` header the credentials are always
 * masked; elsewhere a word after "Bearer" or "Token" counts as a token when it holds a digit or one of `-_.+/=`, or
 * is long ("Bearer sk-test" is masked, "a Bearer token" is not), and "Basic" is left alone ("Basic usage").
 */
const AUTH_SCHEME = /\b(Bearer|Basic|Token)(\s+)([A-Za-z0-9._~+/=-]{6,})/gi;

/**
 * Names whose value is secret: environment style (`OPENAI_API_KEY`, `CODEX_API_KEY`, `GITHUB_TOKEN`,
 * `CODEX_ACCESS_TOKEN`, `DB_PASSWORD`) and config style (`api_key`, `experimental_bearer_token`, `client_secret`).
 * `max_tokens` and `cached_input_tokens` do not match: a name must end with one of these words.
 */
const SECRET_WORD = String.raw`[A-Za-z0-9_.-]*?(?:api[_-]?key|access[_-]?token|refresh[_-]?token|id[_-]?token|bearer[_-]?token|auth[_-]?token|session[_-]?token|secret(?:[_-]?key)?|password|passwd)`;
/** Upper-case only (matched without the `i` flag), so `max_token` in a config is not taken for a secret. */
const ENV_TOKEN = String.raw`[A-Z][A-Z0-9_]*_TOKEN`;

/**
 * `NAME=value`, `NAME = "value"`, `NAME: value`, `"NAME": "value"`, `--name=value`, `?api_key=value&…`. The value is a
 * quoted string or runs to the next whitespace, quote, comma, `;` or `&`.
 */
function assignment(name: string, flags: string): RegExp {
  // `=` takes spaces around it only before a quoted value (TOML); `NAME= other` is an empty assignment, not a value.
  return new RegExp(String.raw`(?<![A-Za-z0-9_])(["']?)(${name})\1(\s*=\s*(?=["'])|=|\s*:\s*)(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"',;&]+))`, flags);
}
const ASSIGNMENTS = [assignment(SECRET_WORD, 'gi'), assignment(ENV_TOKEN, 'g')];

/** `scheme://user:password@host`: the password part. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether an assignment's value is not a secret itself: empty, already masked, or a reference to a variable. */
function isPlaceholder(v: string): boolean {
  return v === '' || v.includes(MASK) || /^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%[A-Za-z_][A-Za-z0-9_]*%|<.*|\*+)$/.test(v);
}

/**
 * Masks secrets in `text`: every occurrence of each known secret (longest first, at least
 * {@link MIN_KNOWN_SECRET_LENGTH} characters), then OpenAI-style keys, JWTs, bearer/basic credentials, values of
 * key- and token-named assignments, and passwords in URLs. Idempotent: masking masked text changes nothing.
 */
export function redactSecrets(text: string, knownSecrets: readonly (string | undefined | null)[] = []): string {
  let out = text;
  const known = [...new Set(knownSecrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_KNOWN_SECRET_LENGTH))];
  known.sort((a, b) => b.length - a.length);
  for (const secret of known) out = out.replace(new RegExp(escapeRegExp(secret), 'g'), MASK);
  out = out.replace(OPENAI_KEY, (_m, prefix: string) => `${prefix}${MASK}`);
  out = out.replace(JWT, MASK);
  out = out.replace(AUTH_SCHEME, (m, scheme: string, space: string, token: string, at: number, all: string) => {
    const header = /authorization:\s*$/i.test(all.slice(Math.max(0, at - 40), at));
    const tokenLike = /[\d\-_.+/=]/.test(token) || token.length >= 32;
    // "Basic" is an ordinary word too: its credentials are masked only in an Authorization header.
    return (/^basic$/i.test(scheme) ? header : header || tokenLike) ? `${scheme}${space}${MASK}` : m;
  });
  for (const re of ASSIGNMENTS) {
    out = out.replace(re, (m, q: string, name: string, sep: string, dq?: string, sq?: string, bare?: string) => {
      const value = dq ?? sq ?? bare ?? '';
      if (isPlaceholder(value)) return m;
      const quoted = dq !== undefined ? `"${MASK}"` : sq !== undefined ? `'${MASK}'` : MASK;
      return `${q}${name}${q}${sep}${quoted}`;
    });
  }
  out = out.replace(URL_PASSWORD, (m, head: string, pass: string, at: string) => (pass === MASK ? m : `${head}${MASK}${at}`));
  return out;
}

/**
 * Values of an environment map that should be treated as known secrets: those whose names look secret
 * (`*_API_KEY`, `*_TOKEN`, `*SECRET*`, `*PASSWORD*`). Use it for `codexSessions.env` before logging a run.
 */
export function secretValuesOf(env: Readonly<Record<string, string | undefined>>): string[] {
  const word = new RegExp(`^(?:${SECRET_WORD})$`, 'i');
  const token = new RegExp(`^(?:${ENV_TOKEN})$`);
  return Object.entries(env)
    .filter(([k, v]) => typeof v === 'string' && v.length > 0 && (word.test(k) || token.test(k) || /secret|password|passwd/i.test(k)))
    .map(([, v]) => v as string);
}
