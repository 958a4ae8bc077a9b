/** The clock a {@link Throttle} runs on: real timers in the extension, a fake one in tests. */
export interface ThrottleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: ThrottleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Runs `fn` at most once per `intervalMs`: the first call runs at once, calls during the interval collapse into one
 * trailing run at its end (so the last state always shows, and a burst of token events costs a few updates a second).
 */
export class Throttle {
  private last = Number.NEGATIVE_INFINITY;
  private timer: unknown = null;
  private disposed = false;

  constructor(
    private readonly fn: () => void,
    private readonly intervalMs: number,
    private readonly clock: ThrottleClock = realClock,
  ) {}

  /** Asks for a run. */
  call(): void {
    if (this.disposed || this.timer !== null) return;
    const wait = this.last + this.intervalMs - this.clock.now();
    if (wait <= 0) this.run();
    else this.timer = this.clock.setTimeout(() => this.run(), wait);
  }

  /** Whether a trailing run is waiting. */
  get pending(): boolean {
    return this.timer !== null;
  }

  private run(): void {
    this.timer = null;
    if (this.disposed) return;
    this.last = this.clock.now();
    this.fn();
  }

  /** Drops a waiting run; later calls do nothing. */
  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
