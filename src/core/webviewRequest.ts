/**
 * What the host decides about a request from the task panel, kept pure so it can be tested without VS Code: whether
 * a message is one the protocol allows (plain data, known type, no extra fields, bounded sizes), and what a clicked
 * link may open. The page is treated as untrusted: it renders text that came from the model and from commands.
 */
import { webviewMessageSchema, type WebviewMessage } from '../shared/protocol';
import { isUnder, normalizePath } from './pathCompare';

/** A message from the page: accepted and typed, or rejected with the reason for the log. */
export type ParsedWebviewMessage = { ok: true; value: WebviewMessage } | { ok: false; error: string };

/**
 * Validates a message posted by the page. Only plain data is taken (an object whose fields are its own, as a
 * structured clone or JSON gives); anything else, and anything the schema rejects, is refused.
 */
export function parseWebviewMessage(raw: unknown): ParsedWebviewMessage {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: 'not an object' };
  const proto = Object.getPrototypeOf(raw) as unknown;
  if (proto !== Object.prototype && proto !== null) return { ok: false, error: 'not plain data' };
  if (!Object.prototype.hasOwnProperty.call(raw, 'type')) return { ok: false, error: 'no own "type" field' };
  for (const key of Object.keys(raw)) {
    const d = Object.getOwnPropertyDescriptor(raw, key);
    if (d && (d.get || d.set)) return { ok: false, error: `field "${key}" is an accessor` };
  }
  const parsed = webviewMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, value: parsed.data };
}

/** Where the panel's task runs, for resolving the paths of clicked links. */
export interface LinkContext {
  /** The task's working folder; relative links resolve against it. */
  cwd: string;
  /** The open workspace folders: a file outside them is only opened after the user confirms. */
  workspaceRoots: readonly string[];
  /** Case-insensitive file system (Windows, macOS): affects only the "inside the workspace" check. */
  caseInsensitive?: boolean;
}

/** What a clicked link may do. */
export type LinkDecision =
  /** An http(s) URL, opened in the browser by the host. */
  | { kind: 'external'; url: string }
  /** A file, opened in an editor at `line` (0-based); outside the workspace only after a confirmation. */
  | { kind: 'file'; path: string; line: number; inWorkspace: boolean }
  /** Not opened; the reason is shown to the user. */
  | { kind: 'refused'; reason: string };

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const DRIVE = /^[a-z]:[\\/]/i;
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Decides what a link from rendered markdown may open: http(s) URLs in the browser, `file:` URLs and paths
 * (relative to the task's folder, with an optional `:line[:col]`) in an editor, flagged when outside the workspace.
 * Every other scheme (`javascript:`, `data:`, `vbscript:`, `command:`, `vscode:`, …) is refused.
 */
export function decideLink(href: string, ctx: LinkContext): LinkDecision {
  const text = href.trim();
  if (!text) return { kind: 'refused', reason: 'The link is empty.' };
  if (text.length > 8192) return { kind: 'refused', reason: 'The link is too long.' };
  if (CONTROL.test(text)) return { kind: 'refused', reason: 'The link contains control characters.' };
  let pathText = text;
  const scheme = DRIVE.test(text) ? null : SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { kind: 'refused', reason: 'The link is not a valid URL.' };
    }
    return { kind: 'external', url: url.toString() };
  }
  if (scheme === 'file') {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { kind: 'refused', reason: 'The link is not a valid URL.' };
    }
    pathText = url.pathname.replace(/^\/([a-z]:)/i, '$1');
  } else if (scheme) {
    return { kind: 'refused', reason: `Codex Sessions does not open ${scheme}: links.` };
  }
  const m = /^(.*?)(?::(\d+))?(?::\d+)?$/.exec(pathText);
  let file = m?.[1] || pathText;
  try {
    file = decodeURIComponent(file);
  } catch {
    // Not percent-encoded after all: keep the text.
  }
  if (!file || CONTROL.test(file)) return { kind: 'refused', reason: 'The link does not name a file.' };
  const absolute = file.startsWith('/') || file.startsWith('\\') || DRIVE.test(file);
  const target = normalizePath(absolute ? file : `${ctx.cwd}/${file}`);
  const opts = { caseInsensitive: ctx.caseInsensitive };
  const inWorkspace = ctx.workspaceRoots.some((root) => isUnder(target, root, opts));
  const line = m?.[2] ? Math.max(0, Math.min(Number(m[2]), 10_000_000) - 1) : 0;
  return { kind: 'file', path: target, line, inWorkspace };
}
