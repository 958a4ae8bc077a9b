import * as vscode from 'vscode';
import { SANDBOX_MODES, type SandboxMode } from '../core/execArgs';
import { parsePricingOverrides, type PricingOverrides } from '../core/pricing';

/** The settings under `codexSessions.*`, read fresh each time so changes apply without a reload. */
export interface CodexSettings {
  path: string | undefined;
  cliArgs: string[];
  env: Record<string, string>;
  model: string | undefined;
  sandbox: SandboxMode | undefined;
  bypassApprovals: boolean;
  reasoningEffort: string | undefined;
  timeoutMs: number | undefined;
  idleTimeoutMs: number | undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function seconds(v: unknown): number | undefined {
  return typeof v === 'number' && v > 0 ? Math.round(v * 1000) : undefined;
}

/** Reads the settings for a folder (resource-scoped values may differ per workspace folder). */
export function readSettings(scope?: vscode.Uri): CodexSettings {
  const c = vscode.workspace.getConfiguration('codexSessions', scope);
  const sandbox = c.get<string>('sandbox');
  const nonEmpty = (s: string | undefined): string | undefined => (s && s.trim() ? s.trim() : undefined);
  return {
    path: nonEmpty(c.get<string>('path')),
    cliArgs: strings(c.get('cliArgs')),
    env: stringMap(c.get('env')),
    model: nonEmpty(c.get<string>('model')),
    sandbox: (SANDBOX_MODES as readonly string[]).includes(sandbox ?? '') ? (sandbox as SandboxMode) : undefined,
    bypassApprovals: c.get<boolean>('bypassApprovals') === true,
    reasoningEffort: nonEmpty(c.get<string>('reasoningEffort')),
    timeoutMs: seconds(c.get('timeoutSeconds')),
    idleTimeoutMs: seconds(c.get('idleTimeoutSeconds')),
  };
}

/** The `codexSessions.pricing` overrides (the valid entries of a partly invalid value). */
export function readPricing(): PricingOverrides {
  return parsePricingOverrides(vscode.workspace.getConfiguration('codexSessions').get('pricing')).value;
}
