/** Small DOM helpers: elements are built with textContent, never from strings of HTML. */

type Child = Node | string | null | undefined | false;

/** Creates an element with classes, attributes and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; attrs?: Record<string, string>; title?: string } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.title) el.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** A codicon glyph (decorative). */
export function icon(name: string, extra = ''): HTMLElement {
  return h('span', { class: `codicon codicon-${name}${extra ? ` ${extra}` : ''}`, attrs: { 'aria-hidden': 'true' } });
}

/** A button with an icon and/or a label; `action` is read by the delegated click handler. */
export function button(label: string, action: string, opts: { icon?: string; data?: Record<string, string>; title?: string; primary?: boolean } = {}): HTMLButtonElement {
  const b = h('button', { class: opts.primary ? 'btn primary' : 'btn', attrs: { type: 'button', 'data-action': action }, title: opts.title ?? label }, opts.icon ? icon(opts.icon) : null, label ? h('span', {}, label) : null);
  for (const [k, v] of Object.entries(opts.data ?? {})) b.dataset[k] = v;
  if (!label) b.setAttribute('aria-label', opts.title ?? action);
  return b;
}

/** Formats a token count compactly: 21066 → "21.1k". */
export function compact(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** Formats a duration: 75000 → "1m 15s". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}
