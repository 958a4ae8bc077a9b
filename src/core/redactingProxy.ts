import { redactSecrets } from './redact';

/** The methods of a VS Code `LogOutputChannel` that write text. */
export const LOG_WRITERS: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace'];

/**
 * `target` with every argument of its `writers` methods masked by `redactSecrets` (key shapes, tokens, `NAME=value`
 * of secret variables) and the current `knownSecrets()` before the call: strings as they are, errors by message and
 * stack, other objects as their JSON. Everything else passes through, bound to `target`.
 */
export function redactingProxy<T extends object>(target: T, knownSecrets: () => readonly string[], writers: readonly string[] = LOG_WRITERS): T {
  const names = new Set(writers);
  const mask = (v: unknown): unknown => {
    if (typeof v === 'string') return redactSecrets(v, knownSecrets());
    if (v instanceof Error) {
      const e = new Error(redactSecrets(v.message, knownSecrets()));
      e.stack = v.stack && redactSecrets(v.stack, knownSecrets());
      return e;
    }
    if (v && typeof v === 'object') return redactSecrets(JSON.stringify(v), knownSecrets());
    return v;
  };
  return new Proxy(target, {
    get(t, prop) {
      const value: unknown = Reflect.get(t, prop, t);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      return typeof prop === 'string' && names.has(prop) ? (...args: unknown[]) => fn.apply(t, args.map(mask)) : fn.bind(t);
    },
  });
}
