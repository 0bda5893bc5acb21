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

  advance(ms: number): void {
    this.nowMs += ms;
  }
}
