import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The corpus: `%X%` becomes a call to the page's trap with the payload's line number. */
export const PAYLOADS = readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'xss-payloads.txt'), 'utf8')
  .split('\n')
  .map((text, i) => ({ line: i + 1, text }))
  .filter((p) => p.text.trim() && !p.text.startsWith('#'))
  .map((p) => ({ line: p.line, text: p.text.replace(/%X%/g, `__xss(${p.line})`).replace(/\\n/g, '\n') }));

/** Traps any executed payload could trip: the marker function, dialogs, printing, opening windows. */
export const TRAPS = `
  window.__hits = [];
  window.__xss = (n) => window.__hits.push('payload ' + n);
  for (const k of ['alert', 'confirm', 'prompt', 'print', 'open']) window[k] = () => window.__hits.push(k);
`;

/** What must never be in the page: handlers, script URLs, extra scripts, frames, embeds, images, forms, base, meta. */
export const DOM_CHECK = `(() => {
          const out = [];
          for (const el of document.querySelectorAll('*')) {
            for (const a of el.attributes) {
              if (/^on/i.test(a.name)) out.push('handler ' + el.tagName + ' ' + a.name);
              if (/^(href|src|action|formaction|xlink:href|srcdoc|data|background|poster|lowsrc|dynsrc)$/i.test(a.name) && /^\\s*(javascript|vbscript|data):/i.test(a.value)) out.push('url ' + el.tagName + ' ' + a.name + '=' + a.value.slice(0, 40));
            }
          }
          const scripts = document.querySelectorAll('script');
          if (scripts.length !== 1 || !scripts[0].nonce) out.push('scripts: ' + scripts.length);
          for (const sel of ['iframe', 'frame', 'object', 'embed', 'img', 'svg:not(.codicon)', 'math', 'video', 'audio', 'meta[http-equiv="refresh"]', 'base', 'style', 'input', 'select', 'template', 'form:not(#composer)', 'link:not([rel=stylesheet])']) {
            const n = document.querySelector('body').querySelectorAll(sel).length;
            if (n) out.push(n + ' ' + sel);
          }
          if (document.querySelectorAll('link[rel=stylesheet]').length !== 2) out.push('stylesheets changed');
          if (document.querySelectorAll('meta[http-equiv]').length !== 1) out.push('meta http-equiv added');
          return out;
        })()`;
