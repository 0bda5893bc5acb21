import type { ClockPort } from '../../ports/clock.port';

/** A clock that moves only when told to (or by `stepMs` on every read), for deterministic runs. */
export class ManualClock implements ClockPort {
  constructor(
    private nowMs = 0,
    private readonly stepMs = 0,
  ) {}

  now(): number {
    const t = this.nowMs;
    this.nowMs += this.stepMs;
    return t;
  }

  /** Moves the clock on by `ms` and resolves at once: a backoff costs no real time. */
  async sleep(ms: number): Promise<void> {
    this.nowMs += Math.max(0, ms);
  }

  advance(ms: number): void {
    this.nowMs += ms;
  }
}
