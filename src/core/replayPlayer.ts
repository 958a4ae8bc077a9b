import type { ThreadEvent } from '../shared/threadModel';
import { LineSplitter } from './lineSplitter';
import { RolloutParser } from './rolloutParser';

/** The events one rollout line produced, and when the line was written (ms since the session started). */
export interface TimelineFrame {
  at: number;
  events: ThreadEvent[];
}

/** Speeds the player offers. */
export const PLAYER_SPEEDS = [1, 4, 16] as const;

/** Longest pause between two frames while playing, ms (a session idle for an hour should not play for an hour). */
export const MAX_GAP_MS = 5000;

const STAMP = /"timestamp"\s*:\s*"([^"]+)"/;

/**
 * Builds the timeline of a rollout: its lines in order, each with its events and write time. Lines without a time
 * keep the previous one; frames without events are dropped.
 */
export function buildTimeline(text: string): TimelineFrame[] {
  const parser = new RolloutParser();
  const splitter = new LineSplitter();
  const frames: TimelineFrame[] = [];
  let start: number | null = null;
  let last = 0;
  const take = (line: string): void => {
    const m = STAMP.exec(line.slice(0, 200));
    const t = m ? Date.parse(m[1]!) : Number.NaN;
    if (!Number.isNaN(t)) {
      start ??= t;
      last = Math.max(last, t - start);
    }
    const events = parser.push(line);
    if (events.length) frames.push({ at: last, events });
  };
  for (const l of splitter.push(text)) take(l.text);
  for (const l of splitter.end()) take(l.text);
  const tail = parser.end();
  if (tail.length) frames.push({ at: last, events: tail });
  return frames;
}

/** Where the player stands. */
export interface PlayerState {
  playing: boolean;
  speed: number;
  /** Frames shown so far. */
  position: number;
  total: number;
}

/** Timers, injectable so the player is testable without waiting. */
export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Plays a timeline with its original timing (×1, ×4, ×16), pausable and steppable. `apply` receives each frame's
 * events in order; `restart` is called when playing starts over from the beginning (the caller clears its view).
 */
export class ReplayPlayer {
  private position = 0;
  private playing = false;
  private speed = 1;
  private timer: unknown = null;

  constructor(
    private readonly frames: TimelineFrame[],
    private readonly apply: (events: ThreadEvent[]) => void,
    private readonly restart: () => void,
    private readonly onChange: (s: PlayerState) => void,
    private readonly scheduler: Scheduler = { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
  ) {}

  get state(): PlayerState {
    return { playing: this.playing, speed: this.speed, position: this.position, total: this.frames.length };
  }

  private changed(): void {
    this.onChange(this.state);
  }

  /** Starts (from the beginning when at the end or never started) or resumes playing. */
  play(): void {
    if (this.playing) return;
    if (this.position === 0 || this.position >= this.frames.length) {
      this.position = 0;
      this.restart();
    }
    this.playing = true;
    this.changed();
    this.schedule(0);
  }

  pause(): void {
    this.playing = false;
    this.scheduler.clearTimeout(this.timer);
    this.timer = null;
    this.changed();
  }

  /** Shows the next frame (pausing first). */
  step(): void {
    if (this.playing) this.pause();
    if (this.position === 0 || this.position >= this.frames.length) {
      this.position = 0;
      this.restart();
    }
    this.next();
    this.changed();
  }

  setSpeed(speed: number): void {
    this.speed = speed > 0 ? speed : 1;
    this.changed();
  }

  private next(): boolean {
    const frame = this.frames[this.position];
    if (!frame) return false;
    this.position++;
    this.apply(frame.events);
    return true;
  }

  private schedule(delay: number): void {
    this.timer = this.scheduler.setTimeout(() => {
      if (!this.playing) return;
      if (!this.next()) return this.pause();
      const now = this.frames[this.position - 1]!.at;
      const upcoming = this.frames[this.position];
      if (!upcoming) {
        this.playing = false;
        this.changed();
        return;
      }
      this.changed();
      this.schedule(Math.min(MAX_GAP_MS, Math.max(0, upcoming.at - now)) / this.speed);
    }, delay);
  }

  dispose(): void {
    this.scheduler.clearTimeout(this.timer);
  }
}
