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
