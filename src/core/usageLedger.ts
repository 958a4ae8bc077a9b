import type { Usage, UsageScope } from '../shared/threadModel';
import { addUsage, subtractUsage } from './usage';

/** Whether `a` is below `b` in input or output: a running total that went down started a new count. */
export function usageDropped(a: Usage, b: Usage): boolean {
  return a.input_tokens < b.input_tokens || a.output_tokens < b.output_tokens;
}

/**
 * Adds up the usage figures a thread reports, whatever they cover (see {@link UsageScope}), so that every model call
 * counts once: per-call figures are added, a process's running total replaces the run's figure, and a thread total
 * (CLI 0.80+) is measured against the thread total before this run. A thread total below the previous one is a new
 * count (a copied or rewritten history), never a negative one: what was counted stays and the new count adds to it.
 *
 * Shared by the reducer (live runs and replays) and the rollout usage scanner, so both count alike.
 */
export class UsageLedger {
  /** Everything counted so far; null until a figure was reported. */
  total: Usage | null = null;
  /** `total` when the current run began. */
  private runBase: Usage | null = null;
  /** What the current run spent so far. */
  private runUsage: Usage | null = null;
  /** The thread total the current run is measured against (an earlier run's last, or the seeded baseline). */
  private threadBaseline: Usage | null;
  private lastThreadTotal: Usage | null;

  /** `threadBaseline`: the thread's total before the first run counted here (a thread resumed from history). */
  constructor(threadBaseline: Usage | null = null) {
    this.threadBaseline = threadBaseline;
    this.lastThreadTotal = threadBaseline;
  }

  /** Another codex process on the same thread starts (a follow-up or resume). */
  beginRun(): void {
    this.runBase = this.total;
    this.runUsage = null;
    this.threadBaseline = this.lastThreadTotal;
  }

  /** Counts one reported figure; returns the new total. */
  add(u: Usage, scope: UsageScope): Usage {
    if (scope === 'call') {
      this.runUsage = this.runUsage ? addUsage(this.runUsage, u) : u;
    } else if (scope === 'process') {
      this.runUsage = u;
    } else {
      if (this.lastThreadTotal && usageDropped(u, this.lastThreadTotal)) {
        // The thread's counter started again: keep what was counted, count the new figures from zero.
        this.runBase = this.total;
        this.threadBaseline = null;
      }
      this.runUsage = this.threadBaseline ? subtractUsage(u, this.threadBaseline) : u;
      this.lastThreadTotal = u;
    }
    this.total = this.runBase ? addUsage(this.runBase, this.runUsage) : this.runUsage;
    return this.total;
  }
}
