import MarkdownIt from 'markdown-it';

/**
 * Markdown for agent messages: raw HTML disabled (it is shown as text), links limited to http(s), mailto and relative
 * paths, images shown as links (no remote loads), and code blocks with a copy button. Clicks on links are sent to the
 * host, which decides what to open.
 */
const md = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false });

const SAFE_LINK = /^(https?:|mailto:|#|\.{0,2}\/|[\w.-]+(\/|$|[#:]))/i;
const BAD_PROTOCOL = /^\s*(javascript|vbscript|data|file):/i;

md.validateLink = (url: string): boolean => !BAD_PROTOCOL.test(url) && SAFE_LINK.test(url.trim());

md.renderer.rules.image = (tokens, idx, _opts, env, self) => {
  const token = tokens[idx]!;
  const src = String(token.attrGet("src") ?? "");
  const alt = self.renderInlineAsText(token.children ?? [], _opts, env) || src;
  return `<a href="${md.utils.escapeHtml(src)}" class="image-link" title="Image (not loaded)">🖼 ${md.utils.escapeHtml(alt)}</a>`;
};

md.renderer.rules.fence = (tokens, idx) => {
  const token = tokens[idx]!;
  const lang = token.info.trim().split(/\s+/)[0] ?? '';
  const code = md.utils.escapeHtml(token.content);
  const label = lang ? `<span class="code-lang">${md.utils.escapeHtml(lang)}</span>` : '';
  return `<div class="code-block">${label}<button type="button" class="btn icon-only copy" data-action="copyCode" title="Copy" aria-label="Copy code"><span class="codicon codicon-copy" aria-hidden="true"></span></button><pre><code>${code}</code></pre></div>`;
};

/** Renders markdown to HTML that is safe to insert (no raw HTML, no script URLs). */
export function renderMarkdown(text: string): string {
  return md.render(text);
}

/** Markdown longer than this is rendered in pieces, one or more per frame, so one long message never blocks the page. */
export const MARKDOWN_PIECE_CHARS = 6000;

/** A line that may continue the block before a blank line (list item, indented text, quote, table row, blank). */
const CONTINUES = /^(\s|[-*+>|]|\d+[.)]|$)/;

/**
 * Cuts markdown into pieces of about `max` characters at blank lines outside code fences and not inside a list,
 * quote or table, so each piece renders on its own as it would in the whole (a fenced block longer than `max`
 * stays in one piece).
 */
export function markdownPieces(text: string, max = MARKDOWN_PIECE_CHARS): string[] {
  if (text.length <= max) return [text];
  const pieces: string[] = [];
  let from = 0;
  let fence: string | null = null;
  let p = 0;
  while (p < text.length) {
    const nl = text.indexOf('\n', p);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(p, end);
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (m?.[1] && (fence === null || (m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1]))) fence = fence === null ? m[1] : null;
    else if (fence === null && line.trim() === '' && p - from >= max && !CONTINUES.test(text.slice(end + 1, end + 12))) {
      pieces.push(text.slice(from, p));
      from = end + 1;
    }
    p = end + 1;
  }
  if (from < text.length) pieces.push(text.slice(from));
  return pieces;
}
