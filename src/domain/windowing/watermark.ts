/**
 * The watermark of one source partition: `W = max event time seen - delay`, starting at -Infinity.
 * A record is checked against `W` before `W` is advanced by it, so callers read `current()` first and
 * then `observe(t)`.
 *
 *   records:   t=10   t=25   t=12          delay = 5
 *   W before:  -inf    5      20           t=12 is checked against W=20 (the value before it)
 *   W after:    5      20     20           and does not move W back.
 */
export class PartitionWatermark {
  private maxEventMs = -Infinity;
  private ended = false;

  constructor(private readonly delayMs: number) {}

  current(): number {
    return this.ended ? Infinity : this.maxEventMs - this.delayMs;
  }

  observe(eventMs: number): void {
    if (eventMs > this.maxEventMs) this.maxEventMs = eventMs;
  }

  /** Moves the watermark forward to at least `watermarkMs` (idle partitions follow processing time). */
  advanceTo(watermarkMs: number): void {
    const asEvent = watermarkMs + this.delayMs;
    if (asEvent > this.maxEventMs) this.maxEventMs = asEvent;
  }

  /** A bounded partition that has been read to its end no longer holds the watermark back. */
  end(): void {
    this.ended = true;
  }

  isEnded(): boolean {
    return this.ended;
  }

  /** The highest event time seen (or implied by idle advancement); -Infinity before any. */
  maxEventTime(): number {
    return this.maxEventMs;
  }

  restore(maxEventMs: number): void {
    this.maxEventMs = maxEventMs;
  }
}
