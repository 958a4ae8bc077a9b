import type { Usage } from '../shared/threadModel';

/** A usage with every count at zero. */
export function emptyUsage(): Usage {
  return { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0 };
}

/** a + b, field by field. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    reasoning_output_tokens: a.reasoning_output_tokens + b.reasoning_output_tokens,
  };
}

/** a − b, field by field, never below zero (a thread total can only grow; a smaller one means a new baseline). */
export function subtractUsage(a: Usage, b: Usage): Usage {
  return {
    input_tokens: Math.max(0, a.input_tokens - b.input_tokens),
    cached_input_tokens: Math.max(0, a.cached_input_tokens - b.cached_input_tokens),
    output_tokens: Math.max(0, a.output_tokens - b.output_tokens),
    reasoning_output_tokens: Math.max(0, a.reasoning_output_tokens - b.reasoning_output_tokens),
  };
}

/** Total tokens as the API bills them: input (cached included) plus output (reasoning included). */
export function totalTokens(u: Usage): number {
  return u.input_tokens + u.output_tokens;
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
}

/**
 * Reads a usage object of any CLI generation (`input_tokens`, `cached_input_tokens`, `output_tokens`,
 * `reasoning_output_tokens`; missing fields count 0). Returns null when it has no token field at all.
 */
export function usageFromWire(raw: unknown): Usage | null {
  if (raw === null || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.input_tokens !== 'number' && typeof r.output_tokens !== 'number') return null;
  return {
    input_tokens: count(r.input_tokens),
    cached_input_tokens: count(r.cached_input_tokens),
    output_tokens: count(r.output_tokens),
    reasoning_output_tokens: count(r.reasoning_output_tokens),
  };
}
